#include "scenes/motion_prediction.hpp"

#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>

#include <algorithm>
#include <cmath>

namespace pressreel::scenes {
namespace {

// An error of more than this (0..255, at the common contrast below) is content the motion does not explain:
// above coding noise and grain, below the difference between unrelated pictures.
constexpr double kMissLevel = 24.0;
// Pixels this close to the border are left out: content entering there cannot be predicted, by
// motion or otherwise, in any shot.
constexpr int kBorder = 4;
// Below this contrast (luma standard deviation) a picture is flat: gain is not matched (a black frame
// would be stretched into noise).
constexpr double kMinContrast = 4.0;

cv::Ptr<cv::DISOpticalFlow>& flow_solver() {
  thread_local cv::Ptr<cv::DISOpticalFlow> solver = cv::DISOpticalFlow::create(cv::DISOpticalFlow::PRESET_ULTRAFAST);
  return solver;
}

// Both pictures brought to one mean and contrast, so that a change of exposure or flicker is explained
// and errors are measured in the same units in dark and bright, flat and contrasty shots.
constexpr double kMean = 128.0, kContrast = 48.0;

cv::Mat normalised(const cv::Mat& luma) {
  cv::Scalar mean, stddev;
  cv::meanStdDev(luma, mean, stddev);
  const double gain = stddev[0] < kMinContrast ? 1.0 : kContrast / stddev[0];
  cv::Mat out;
  luma.convertTo(out, CV_8U, gain, kMean - gain * mean[0]);
  return out;
}

}  // namespace

Prediction predict(const cv::Mat& previous, const cv::Mat& current) {
  CV_Assert(previous.type() == CV_8UC1 && current.type() == CV_8UC1 && previous.size() == current.size());
  Prediction p;
  const cv::Mat matched = normalised(previous);
  const cv::Mat target = normalised(current);
  const cv::Rect inner = (current.cols > 4 * kBorder && current.rows > 4 * kBorder)
                             ? cv::Rect(kBorder, kBorder, current.cols - 2 * kBorder, current.rows - 2 * kBorder)
                             : cv::Rect(0, 0, current.cols, current.rows);
  p.flicker = cv::norm(matched(inner), target(inner), cv::NORM_L1) / static_cast<double>(inner.area());

  // flow(x): where pixel x of the current frame was in the previous one.
  // DIS needs a picture of some size: on a sliver (a 2-pixel-high clip's analysis frame) nothing moves
  // in a way flow could follow, so the prediction is the previous frame as it stands.
  cv::Mat flow;
  constexpr int min_flow_side = 16;
  if (current.cols >= min_flow_side && current.rows >= min_flow_side) {
    flow_solver()->calc(target, matched, flow);
  } else {
    flow = cv::Mat::zeros(current.size(), CV_32FC2);
  }
  cv::Mat map(flow.size(), CV_32FC2);
  for (int y = 0; y < flow.rows; ++y) {
    const cv::Point2f* f = flow.ptr<cv::Point2f>(y);
    cv::Point2f* m = map.ptr<cv::Point2f>(y);
    for (int x = 0; x < flow.cols; ++x) m[x] = cv::Point2f(static_cast<float>(x) + f[x].x, static_cast<float>(y) + f[x].y);
  }
  cv::Mat predicted, error;
  cv::remap(matched, predicted, map, cv::noArray(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  cv::absdiff(predicted(inner), target(inner), error);
  p.residual = cv::mean(error)[0];
  p.unexplained = cv::countNonZero(error > kMissLevel) / static_cast<double>(inner.area());
  return p;
}

}  // namespace pressreel::scenes
