#pragma once
// JPEG through libjpeg-turbo's libjpeg API, called directly: OpenCV's imgcodecs would do the same work
// but loads some eighty libraries (GDAL, GDCM, OpenEXR...) into every pressreel process. The settings
// follow cv::imencode's, so a file is byte for byte what OpenCV wrote before.

#include <cstdint>
#include <opencv2/core.hpp>
#include <span>
#include <vector>

namespace pressreel::stills {

struct JpegSettings {
  int quality = 95;  // 1..100, libjpeg's scale (tables limited to baseline values)
  bool progressive = false;
  bool optimize = false;  // optimal Huffman tables (progressive always has them)
};

// `image` is 8-bit BGR or gray; 4:2:0 chroma, accurate integer DCT, JFIF header. Throws
// std::runtime_error with libjpeg's message.
std::vector<uint8_t> encode_jpeg(const cv::Mat& image, const JpegSettings& settings);

// BGR pixels of a JPEG, shrunk on decode by 1, 2, 4 or 8 (`scale_denominator`) as libjpeg can.
// Throws std::runtime_error on data that is not a decodable JPEG.
cv::Mat decode_jpeg(std::span<const uint8_t> bytes, int scale_denominator = 1);

// Width and height from the JPEG's header, without decoding; throws like decode_jpeg.
cv::Size jpeg_size(std::span<const uint8_t> bytes);

}  // namespace pressreel::stills
