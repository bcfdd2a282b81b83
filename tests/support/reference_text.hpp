#pragma once
// A reference rendering of one line of text made without pressreel's TextRenderer: HarfBuzz shapes the
// whole string with one font (guessing script and direction as a text editor would) and FreeType
// draws each glyph at the position HarfBuzz gives. Tests compare the renderer's layout and pixels to
// it, so boxes for missing glyphs, unshaped Arabic or reversed Hebrew fail.

#include <cstdint>
#include <filesystem>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace pressreel::testing {

struct ReferenceGlyph {
  uint32_t glyph = 0;
  int x = 0, y = 0;  // 1/64 pixel, y up, from the line's start on the baseline
};

struct ReferenceLine {
  std::vector<ReferenceGlyph> glyphs;  // left to right
  int advance = 0;                     // 1/64 pixel
  bool right_to_left = false;
};

ReferenceLine reference_shape(const std::filesystem::path& font, const std::string& utf8, int pixel_size);

// Glyph coverage (0..255) of `line` drawn with `font` on a `size` canvas, pen starting at `origin`
// (x, baseline y). Overlapping glyphs keep the larger coverage.
cv::Mat reference_coverage(const std::filesystem::path& font, const ReferenceLine& line, int pixel_size,
                           cv::Size size, cv::Point origin);

// The same for a list of glyph ids laid side by side at their plain advances, unshaped: what a
// renderer that skipped HarfBuzz would draw.
cv::Mat naive_coverage(const std::filesystem::path& font, const std::u32string& text, int pixel_size, cv::Size size,
                       cv::Point origin);

// Coverage (0..255) of text drawn in `ink` on `background`, per pixel, from a BGR image.
cv::Mat coverage_of(const cv::Mat& bgr, const cv::Scalar& background, const cv::Scalar& ink);

// Intersection over union of the pixels above half coverage in each image.
double ink_overlap(const cv::Mat& a, const cv::Mat& b);

}  // namespace pressreel::testing
