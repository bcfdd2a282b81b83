#include "stills/image_reader.hpp"

#include <webp/decode.h>

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <vector>

#include "stills/jpeg_codec.hpp"

namespace pressreel::stills {
namespace {

bool is_jpeg(std::span<const uint8_t> b) {
  return b.size() >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF;
}

bool is_webp(std::span<const uint8_t> b) {
  return b.size() >= 12 && std::equal(b.begin(), b.begin() + 4, "RIFF") && std::equal(b.begin() + 8, b.begin() + 12, "WEBP");
}

bool is_png(std::span<const uint8_t> b) {
  static constexpr uint8_t signature[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  return b.size() >= 8 && std::equal(std::begin(signature), std::end(signature), b.begin());
}

uint32_t big_endian_32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

std::vector<uint8_t> file_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return {};
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

cv::Mat decode_webp(std::span<const uint8_t> bytes) {
  int width = 0, height = 0;
  if (!WebPGetInfo(bytes.data(), bytes.size(), &width, &height)) return {};
  cv::Mat image(height, width, CV_8UC3);
  if (WebPDecodeBGRInto(bytes.data(), bytes.size(), image.data, image.total() * image.elemSize(),
                        static_cast<int>(image.step)) == nullptr) {
    return {};
  }
  return image;
}

}  // namespace

cv::Mat decode_image(std::span<const uint8_t> bytes) {
  if (is_webp(bytes)) return decode_webp(bytes);
  if (!is_jpeg(bytes)) return {};
  try {
    return decode_jpeg(bytes);
  } catch (const std::runtime_error&) {
    return {};
  }
}

cv::Mat read_image(const std::filesystem::path& file) {
  return decode_image(file_bytes(file));
}

std::optional<cv::Size> image_size(const std::filesystem::path& file) {
  const std::vector<uint8_t> bytes = file_bytes(file);
  if (is_webp(bytes)) {
    int width = 0, height = 0;
    if (WebPGetInfo(bytes.data(), bytes.size(), &width, &height)) return cv::Size(width, height);
    return std::nullopt;
  }
  // PNG: the IHDR chunk comes first, its width and height right after the chunk's length and type.
  if (is_png(bytes) && bytes.size() >= 24 && std::equal(bytes.begin() + 12, bytes.begin() + 16, "IHDR")) {
    return cv::Size(static_cast<int>(big_endian_32(&bytes[16])), static_cast<int>(big_endian_32(&bytes[20])));
  }
  if (!is_jpeg(bytes)) return std::nullopt;
  try {
    return jpeg_size(bytes);
  } catch (const std::runtime_error&) {
    return std::nullopt;
  }
}

}  // namespace pressreel::stills
