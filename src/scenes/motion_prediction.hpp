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

// `luma` (CV_8U) brought to the one mean and contrast at which predictions compare pictures.
cv::Mat normalised_luma(const cv::Mat& luma);

// `previous` and `current`: CV_8U luma of the same size. Keeps one flow solver and its buffers per
// thread.
Prediction predict(const cv::Mat& previous, const cv::Mat& current);
// The same from lumas already normalised (normalised_luma): a clip's frames are each normalised once,
// in the parallel stage, rather than twice in order (as the new frame of one pair and the old of the next).
Prediction predict_normalised(const cv::Mat& previous, const cv::Mat& current);

}  // namespace pressreel::scenes
