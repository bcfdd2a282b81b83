#pragma once
// The active picture of a shot: the frame without its letterbox or pillarbox bars, so that stills,
// posters, crops and sheet tiles never publish black bars.
//
// A bar is not merely dark: a night sky is dark too. A bar is uniform (flat, no grain or detail),
// near-black, present in every sampled frame of the shot, and ends at a straight edge where the
// picture starts. Each frame measures, per side, how many rows or columns are bar-like and whether
// the picture starts sharply right after them; the shot keeps a bar only when every frame has it
// and at least one frame shows that sharp edge at its end. Otherwise the full frame is kept: a bar
// left in is a blemish, a picture cut off is worse.

#include <nlohmann/json_fwd.hpp>
#include <opencv2/core.hpp>
#include <vector>

namespace pressreel::stills {

// One side of one frame.
struct BarSide {
  int thickness = 0;        // bar-like rows (top, bottom) or columns (left, right) from the edge
  bool sharp_edge = false;  // the picture starts clearly right after them
};

// What one frame shows, in the coordinates of the image it was measured on.
struct FrameBars {
  cv::Size size;
  BarSide top, bottom, left, right;
};

// Measures a BGR or grey frame (any size; the analysis copy is enough).
FrameBars measure_bars(const cv::Mat& image);

// The shot's active picture from the bars of its sampled frames (all of the same size), as a
// rectangle in those frames' coordinates; the whole frame when there are no bars (or no frames).
cv::Rect active_picture(const std::vector<FrameBars>& frames);

// `active` (in an image of `from` size) in the coordinates of an image of `to` size, inside it.
cv::Rect scale_rect(const cv::Rect& active, cv::Size from, cv::Size to);

}  // namespace pressreel::stills
