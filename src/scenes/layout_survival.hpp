#pragma once
// Whether the previous picture's stable structure survives a frame. Over the few frames before it,
// the pixels that are both structured (an edge or texture, not a flat area) and still form the shot's
// layout: a screen's windows and desktop, a diagram's grid, a set behind a still camera. A cut replaces
// the whole picture, so almost none of the layout is still in place after it; a trace redrawn over a
// fixed grid, a dialog opening over a desktop, a caption changing on a diagram leave most of it.

#include <span>

#include <opencv2/core.hpp>

namespace pressreel::scenes {

struct LayoutChange {
  double layout = 0;  // share of the picture that was still and structured before the frame (0..1)
  double kept = 0;    // share of that layout still in place in the frame (0..1; 0 when there is none)
  double still = 0;   // share of the picture that was still before the frame, flat or not (0..1)
  double still_kept = 0;  // share of that still part still in place in the frame (0..1)
  // Share of the picture in blocks that held layout and are in place whole, colours too (0..1). A
  // window opening over a desktop leaves the desktop around it exactly as it was, whatever colours
  // the window brings; a cut keeps at most a logo, a strip of a top bar or flat bars whole, and text
  // kept over a background that changes leaves no block of it whole.
  double kept_regions = 0;
};

// `before`: CV_8U lumas of the frames just before `current`, oldest first, all of its size.
// An empty `before` (the first frames of a clip) yields all zero. `colour_before` and `colour_now`
// (CV_8UC3 YCrCb of the last frame before and of the current one, or empty) let kept_regions see
// colours; without them it judges luma alone.
LayoutChange layout_change(std::span<const cv::Mat> before, const cv::Mat& current, const cv::Mat& colour_before = {},
                           const cv::Mat& colour_now = {});

}  // namespace pressreel::scenes
