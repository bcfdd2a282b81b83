#include "pressreel/stills/image_writer.hpp"

#include <webp/encode.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string_view>

#include "io/atomic_file.hpp"
#include "stills/jpeg_codec.hpp"

namespace pressreel::stills {

std::string extension(ImageFormat format) {
  return format == ImageFormat::webp ? "webp" : "jpg";
}

ImageFormat parse_image_format(const std::string& name) {
  if (name == "jpg" || name == "jpeg") return ImageFormat::jpeg;
  if (name == "webp") return ImageFormat::webp;
  throw std::invalid_argument("image format '" + name + "': expected jpg or webp");
}

namespace {

// Lossy WebP with libwebp's simple encoder at `quality`, as cv::imencode(".webp") does.
std::vector<uint8_t> encode_webp(const cv::Mat& bgr, int quality) {
  uint8_t* out = nullptr;
  const size_t size =
      WebPEncodeBGR(bgr.ptr<uint8_t>(), bgr.cols, bgr.rows, static_cast<int>(bgr.step), static_cast<float>(quality), &out);
  const std::unique_ptr<uint8_t, decltype(&WebPFree)> owned(out, WebPFree);
  if (size == 0) return {};
  return {out, out + size};
}

}  // namespace

std::vector<uint8_t> encode_image(const cv::Mat& bgr, const ImageOptions& options) {
  const int quality = std::clamp(options.quality, 1, 100);
  const bool webp = options.format == ImageFormat::webp;
  std::vector<uint8_t> bytes;
  if (!bgr.empty() && bgr.type() == CV_8UC3) {
    try {
      bytes = webp ? encode_webp(bgr, quality) : encode_jpeg(bgr, {quality, options.progressive, true});
    } catch (const std::runtime_error&) {
      bytes.clear();  // reported below with the image's size, as every encoding failure is
    }
  }
  if (bytes.empty()) {
    throw std::runtime_error("stills: cannot encode a " + std::to_string(bgr.cols) + "x" + std::to_string(bgr.rows) +
                             " image as ." + extension(options.format));
  }
  return bytes;
}

uintmax_t write_image(const std::filesystem::path& path, const cv::Mat& bgr, const ImageOptions& options) {
  const std::vector<uint8_t> bytes = encode_image(bgr, options);
  io::write_file_atomic(path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  return bytes.size();
}

}  // namespace pressreel::stills
