#pragma once
// How well a frame can be predicted from the one before it once motion and a change of exposure are
// allowed for. A cut cannot be predicted; a pan, a zoom, an object walking in, a wobble or a flicker of
// the light can. Dense optical flow (OpenCV's DIS, ultrafast preset) on the small analysis luma warps
// the previous frame onto the new one, after both were brought to one mean and contrast.

#include <opencv2/core.hpp>

namespace pressreel::scenes {

struct Prediction {
  double flicker = 0;      // mean |dY| at one mean and contrast, no motion allowed (0..255 at contrast 48)
  double residual = 0;     // mean |error| of the motion- and gain-compensated prediction (same units)
  double unexplained = 0;  // share of pixels that prediction misses by more than a noise level (0..1)
};

// `previous` and `current`: CV_8U luma of the same size. Not thread-safe across calls on one thread
// (keeps one flow solver per thread).
Prediction predict(const cv::Mat& previous, const cv::Mat& current);

}  // namespace pressreel::scenes
