#include "scenes/picture_shift.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

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

// The correlation surface rolled by half its size each way, so that a shift of nothing is at its centre
// (half rounded down, as cv::phaseCorrelate has it, so that shifts agree with it on odd sizes too).
cv::Mat centred(const cv::Mat& surface) {
  const int down = surface.rows / 2, right = surface.cols / 2;
  const int rows_below = surface.rows - down, cols_beside = surface.cols - right;
  cv::Mat out(surface.size(), surface.type());
  surface(cv::Rect(0, 0, cols_beside, rows_below)).copyTo(out(cv::Rect(right, down, cols_beside, rows_below)));
  surface(cv::Rect(cols_beside, 0, right, rows_below)).copyTo(out(cv::Rect(0, down, right, rows_below)));
  surface(cv::Rect(0, rows_below, cols_beside, down)).copyTo(out(cv::Rect(right, 0, cols_beside, down)));
  surface(cv::Rect(cols_beside, rows_below, right, down)).copyTo(out(cv::Rect(0, 0, right, down)));
  return out;
}

// The centre of mass of the 5x5 pixels around the peak (cut at the surface's edges), and their sum.
std::pair<cv::Point2d, double> peak_centroid(const cv::Mat& surface, cv::Point peak) {
  const int first_row = std::max(0, peak.y - 2), last_row = std::min(surface.rows - 1, peak.y + 2);
  const int first_col = std::max(0, peak.x - 2), last_col = std::min(surface.cols - 1, peak.x + 2);
  double sum = 0, sum_x = 0, sum_y = 0;
  for (int y = first_row; y <= last_row; ++y) {
    const float* row = surface.ptr<float>(y);
    for (int x = first_col; x <= last_col; ++x) {
      sum += row[x];
      sum_x += x * static_cast<double>(row[x]);
      sum_y += y * static_cast<double>(row[x]);
    }
  }
  const double weight = sum + std::numeric_limits<double>::epsilon();  // a surface of zeros has no centre
  return {cv::Point2d(sum_x / weight, sum_y / weight), sum};
}

}  // namespace

ShiftSpectrum shift_spectrum(const cv::Mat& luma) {
  CV_Assert(luma.type() == CV_8UC1);
  const cv::Mat picture = correlation_picture(luma);
  ShiftSpectrum out;
  out.picture = picture.size();
  out.scale = static_cast<double>(luma.cols) / picture.cols;
  if (picture.cols < kMinCorrelationSide || picture.rows < kMinCorrelationSide) return out;
  cv::Mat windowed;
  cv::multiply(hann(picture.size()), picture, windowed);
  const cv::Size padded(cv::getOptimalDFTSize(picture.cols), cv::getOptimalDFTSize(picture.rows));
  cv::copyMakeBorder(windowed, windowed, 0, padded.height - picture.rows, 0, padded.width - picture.cols,
                     cv::BORDER_CONSTANT, cv::Scalar::all(0));
  cv::dft(windowed, out.phase, cv::DFT_COMPLEX_OUTPUT);
  // The product of two such phases is the normalised cross-power spectrum of phase correlation.
  for (int y = 0; y < out.phase.rows; ++y) {
    auto* row = out.phase.ptr<cv::Vec2f>(y);
    for (int x = 0; x < out.phase.cols; ++x) {
      const double re = row[x][0], im = row[x][1], magnitude = std::sqrt(re * re + im * im);
      row[x] = magnitude > 0 ? cv::Vec2f(static_cast<float>(re / magnitude), static_cast<float>(im / magnitude))
                             : cv::Vec2f(0, 0);
    }
  }
  return out;
}

Correlation phase_correlation(const ShiftSpectrum& from, const ShiftSpectrum& to) {
  CV_Assert(from.picture == to.picture && !from.phase.empty() && !to.phase.empty());
  cv::Mat product, surface;
  cv::mulSpectrums(from.phase, to.phase, product, 0, true);
  cv::idft(product, surface, cv::DFT_REAL_OUTPUT);
  surface = centred(surface);
  cv::Point peak;
  cv::minMaxLoc(surface, nullptr, nullptr, nullptr, &peak);
  const auto [centre, sum] = peak_centroid(surface, peak);
  const cv::Point2d shift(surface.cols / 2.0 - centre.x, surface.rows / 2.0 - centre.y);
  // A picture found whole sums to the surface's size.
  return {shift * from.scale, sum / static_cast<double>(surface.total())};
}

std::optional<cv::Point2d> picture_shift(const ShiftSpectrum& from, const ShiftSpectrum& to) {
  if (from.phase.empty() || to.phase.empty()) return std::nullopt;
  const Correlation found = phase_correlation(from, to);
  if (found.peak < kMinPeak) return std::nullopt;
  return found.shift;
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
