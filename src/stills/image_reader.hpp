#pragma once
// Reading back the stills pressreel writes (JPEG, WebP) and the sizes of images in an output folder
// (also PNG), without OpenCV's imgcodecs: see jpeg_codec.hpp for why.

#include <cstdint>
#include <filesystem>
#include <opencv2/core.hpp>
#include <optional>
#include <span>

namespace pressreel::stills {

// BGR pixels of a JPEG or WebP (told apart by their signatures); an empty Mat for anything else or
// for damaged data, as cv::imdecode gives.
cv::Mat decode_image(std::span<const uint8_t> bytes);
// decode_image of a file's contents; an empty Mat when it cannot be read.
cv::Mat read_image(const std::filesystem::path& file);

// Width and height of a JPEG, WebP or PNG file from its header; nullopt when unreadable or another format.
std::optional<cv::Size> image_size(const std::filesystem::path& file);

}  // namespace pressreel::stills
