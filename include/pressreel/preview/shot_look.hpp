#pragma once
// What a shot looks like, so that a teaser does not show the same camera set-up twice: its colours
// (a hue-saturation histogram) and its layout (a small grey thumbnail), taken from one still.

#include <opencv2/core.hpp>

namespace pressreel::preview {

struct ShotLook {
  cv::Mat colours;  // hue x saturation histogram, normalised to sum 1 (CV_32F)
  cv::Mat layout;   // 16x9 grey thumbnail, 0..1 (CV_32F)
  bool empty() const { return colours.empty(); }
};

// The look of `bgr` (any size; an empty image gives an empty look).
ShotLook shot_look(const cv::Mat& bgr);

// Whether two shots look alike: similar colours AND similar layout (two shots of one street camera,
// the same woman at the same mirror). Shots that only share a palette, as a graded trailer's do, are
// not alike. An empty look is like nothing.
bool look_alike(const ShotLook& a, const ShotLook& b);

}  // namespace pressreel::preview
