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

// Both pictures brought to one mean and contrast, so that a change of exposure or flicker is explained
// and errors are measured in the same units in dark and bright, flat and contrasty shots.
constexpr double kMean = 128.0, kContrast = 48.0;

// The flow solver and the buffers of one thread's predictions: a sampling map is 166 kB at 192x108,
// and freshly allocated each frame, the page faults of filling it cost more than filling it. (Not the
// flow field: DIS starts from a flow it is given of the right size.)
struct PredictionBuffers {
  // A solver per picture size. Given a picture too small for its preset (under about 91x32), DIS
  // picks a coarser patch size and scales and keeps them: later pictures of another size (the next
  // clip's, on a batch worker's thread) were then predicted differently, or crashed it.
  cv::DISOpticalFlow& solver_for(cv::Size size) {
    if (!solver || size != solver_size) {
      solver = cv::DISOpticalFlow::create(cv::DISOpticalFlow::PRESET_ULTRAFAST);
      solver_size = size;
    }
    return *solver;
  }
  cv::Ptr<cv::DISOpticalFlow> solver;
  cv::Size solver_size;
  cv::Mat map, predicted;
};

PredictionBuffers& buffers() {
  thread_local PredictionBuffers buffers;
  return buffers;
}

}  // namespace

cv::Mat normalised_luma(const cv::Mat& luma) {
  cv::Scalar mean, stddev;
  cv::meanStdDev(luma, mean, stddev);
  const double gain = stddev[0] < kMinContrast ? 1.0 : kContrast / stddev[0];
  cv::Mat out;
  luma.convertTo(out, CV_8U, gain, kMean - gain * mean[0]);
  return out;
}

Prediction predict(const cv::Mat& previous, const cv::Mat& current) {
  CV_Assert(previous.type() == CV_8UC1 && current.type() == CV_8UC1 && previous.size() == current.size());
  return predict_normalised(normalised_luma(previous), normalised_luma(current));
}

Prediction predict_normalised(const cv::Mat& matched, const cv::Mat& target) {
  CV_Assert(matched.type() == CV_8UC1 && target.type() == CV_8UC1 && matched.size() == target.size());
  Prediction p;
  const cv::Rect inner = (target.cols > 4 * kBorder && target.rows > 4 * kBorder)
                             ? cv::Rect(kBorder, kBorder, target.cols - 2 * kBorder, target.rows - 2 * kBorder)
                             : cv::Rect(0, 0, target.cols, target.rows);
  p.flicker = cv::norm(matched(inner), target(inner), cv::NORM_L1) / static_cast<double>(inner.area());

  // flow(x): where pixel x of the current frame was in the previous one.
  // DIS needs a picture of some size: its preset's 8-pixel patches at a quarter of the size, 32 pixels
  // a side (OpenCV 4.6's solver crashes on a picture under 32 high and 80 or more wide). On a sliver (a
  // very wide clip's analysis frame) nothing moves in a way flow could follow, so the prediction is
  // the previous frame as it stands.
  PredictionBuffers& b = buffers();
  cv::Mat flow;
  constexpr int min_flow_side = 32;
  if (target.cols >= min_flow_side && target.rows >= min_flow_side) {
    b.solver_for(target.size()).calc(target, matched, flow);
  } else {
    flow = cv::Mat::zeros(target.size(), CV_32FC2);
  }
  b.map.create(flow.size(), CV_32FC2);
  for (int y = 0; y < flow.rows; ++y) {
    const cv::Point2f* f = flow.ptr<cv::Point2f>(y);
    cv::Point2f* m = b.map.ptr<cv::Point2f>(y);
    for (int x = 0; x < flow.cols; ++x) m[x] = cv::Point2f(static_cast<float>(x) + f[x].x, static_cast<float>(y) + f[x].y);
  }
  cv::remap(matched, b.predicted, b.map, cv::noArray(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  // Mean error and share of misses in one pass (cv::mean's sum times the reciprocal of the count).
  int64_t error_sum = 0;
  int misses = 0;
  for (int y = inner.y; y < inner.y + inner.height; ++y) {
    const uint8_t* predicted = b.predicted.ptr<uint8_t>(y);
    const uint8_t* actual = target.ptr<uint8_t>(y);
    for (int x = inner.x; x < inner.x + inner.width; ++x) {
      const int error = std::abs(predicted[x] - actual[x]);
      error_sum += error;
      misses += error > kMissLevel;
    }
  }
  p.residual = static_cast<double>(error_sum) * (1.0 / inner.area());
  p.unexplained = misses / static_cast<double>(inner.area());
  return p;
}

}  // namespace pressreel::scenes
