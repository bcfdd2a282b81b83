#include "pressreel/stills/image_writer.hpp"

#include <algorithm>
#include <opencv2/imgcodecs.hpp>
#include <stdexcept>
#include <string_view>

#include "pressreel/batch/atomic_file.hpp"

namespace pressreel::stills {

std::string extension(ImageFormat format) {
  return format == ImageFormat::webp ? "webp" : "jpg";
}

ImageFormat parse_image_format(const std::string& name) {
  if (name == "jpg" || name == "jpeg") return ImageFormat::jpeg;
  if (name == "webp") return ImageFormat::webp;
  throw std::invalid_argument("image format '" + name + "': expected jpg or webp");
}

std::vector<uint8_t> encode_image(const cv::Mat& bgr, const ImageOptions& options) {
  const int quality = std::clamp(options.quality, 1, 100);
  std::vector<int> params;
  std::string ext;
  if (options.format == ImageFormat::webp) {
    ext = ".webp";
    params = {cv::IMWRITE_WEBP_QUALITY, quality};
  } else {
    ext = ".jpg";
    params = {cv::IMWRITE_JPEG_QUALITY,  quality, cv::IMWRITE_JPEG_PROGRESSIVE, options.progressive ? 1 : 0,
              cv::IMWRITE_JPEG_OPTIMIZE, 1};
  }
  std::vector<uint8_t> bytes;
  if (bgr.empty() || !cv::imencode(ext, bgr, bytes, params)) {
    throw std::runtime_error("stills: cannot encode a " + std::to_string(bgr.cols) + "x" + std::to_string(bgr.rows) +
                             " image as " + ext);
  }
  return bytes;
}

uintmax_t write_image(const std::filesystem::path& path, const cv::Mat& bgr, const ImageOptions& options) {
  const std::vector<uint8_t> bytes = encode_image(bgr, options);
  batch::write_file_atomic(path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  return bytes.size();
}

}  // namespace pressreel::stills
