#pragma once
// Writing stills: JPEG (progressive, quality set by the recipe) or WebP, 8-bit sRGB (frames arrive
// as BT.709 SDR, whose primaries are sRGB's). Every file goes through io::write_file_atomic.

#include <cstdint>
#include <filesystem>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace pressreel::stills {

enum class ImageFormat { jpeg, webp };

struct ImageOptions {
  ImageFormat format = ImageFormat::jpeg;
  int quality = 88;         // 1..100, for both formats
  bool progressive = true;  // JPEG only
};

// "jpg" / "webp"; and back ("jpg", "jpeg", "webp"), throwing std::invalid_argument otherwise.
std::string extension(ImageFormat format);
ImageFormat parse_image_format(const std::string& name);

std::vector<uint8_t> encode_image(const cv::Mat& bgr, const ImageOptions& options);
// Encodes and writes `bgr` to `path` atomically; returns the file's size in bytes.
uintmax_t write_image(const std::filesystem::path& path, const cv::Mat& bgr, const ImageOptions& options);

}  // namespace pressreel::stills
