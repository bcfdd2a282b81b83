#include "scenes/picture_shift.hpp"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace pressreel::scenes {
namespace {

// Lumas are correlated at this width at most: a hand-held camera's shift over a second is a few
// dozen analysis pixels, found to a fraction of a thumbnail's pixel at half the analysis width, at a
// quarter of the cost.
constexpr int kCorrelationWidth = 96;
constexpr int kMinCorrelationSide = 16;
// Below this peak (of 1 for a picture found whole) the peak is noise: a picture that makes up a tenth
// of a mix or less, or none of it. Each picture of an even mix scores about 0.3.
constexpr double kMinPeak = 0.1;

cv::Mat correlation_picture(const cv::Mat& luma) {
  cv::Mat out;
  if (luma.cols > kCorrelationWidth) {
    const int height = std::max(1, static_cast<int>(std::lround(luma.rows * static_cast<double>(kCorrelationWidth) / luma.cols)));
    cv::resize(luma, out, cv::Size(kCorrelationWidth, height), 0, 0, cv::INTER_AREA);
    out.convertTo(out, CV_32F);
  } else {
    luma.convertTo(out, CV_32F);
  }
  return out;
}

// A Hann window per picture size: the spectrum of a picture cut off at its edges is dominated by the
// cut, which does not move with the picture.
const cv::Mat& hann(cv::Size size) {
  thread_local cv::Mat window;
  if (window.size() != size) cv::createHanningWindow(window, size, CV_32F);
  return window;
}

}  // namespace

std::optional<cv::Point2d> picture_shift(const cv::Mat& from, const cv::Mat& to) {
  CV_Assert(from.type() == CV_8UC1 && to.type() == CV_8UC1 && from.size() == to.size());
  const cv::Mat a = correlation_picture(from), b = correlation_picture(to);
  if (a.cols < kMinCorrelationSide || a.rows < kMinCorrelationSide) return std::nullopt;
  double peak = 0;
  const cv::Point2d shift = cv::phaseCorrelate(a, b, hann(a.size()), &peak);
  if (peak < kMinPeak) return std::nullopt;
  const double scale = static_cast<double>(from.cols) / a.cols;
  return shift * scale;
}

std::vector<cv::Mat> on_common_part(const std::vector<cv::Mat>& pictures, const std::vector<cv::Point2d>& shifts,
                                    double min_share) {
  CV_Assert(!pictures.empty() && pictures.size() == shifts.size());
  const cv::Size size = pictures.front().size();
  // A picture moved by (dx, dy) covers [dx, width + dx) x [dy, height + dy) of the frame.
  double left = 0, top = 0, right = size.width, bottom = size.height;
  for (const cv::Point2d& s : shifts) {
    left = std::max(left, s.x);
    top = std::max(top, s.y);
    right = std::min(right, size.width + s.x);
    bottom = std::min(bottom, size.height + s.y);
  }
  const cv::Rect common(cv::Point(static_cast<int>(std::ceil(left)), static_cast<int>(std::ceil(top))),
                        cv::Point(static_cast<int>(std::floor(right)), static_cast<int>(std::floor(bottom))));
  if (common.width <= 0 || common.height <= 0 || common.area() < min_share * size.area()) return {};
  std::vector<cv::Mat> out;
  for (size_t k = 0; k < pictures.size(); ++k) {
    CV_Assert(pictures[k].size() == size);
    cv::Mat moved;
    const cv::Matx23d translation(1, 0, shifts[k].x, 0, 1, shifts[k].y);
    cv::warpAffine(pictures[k], moved, translation, size, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    out.push_back(moved(common).clone());
  }
  return out;
}

}  // namespace pressreel::scenes
