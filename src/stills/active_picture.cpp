#include "pressreel/stills/active_picture.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <opencv2/imgproc.hpp>

namespace pressreel::stills {
namespace {

// A bar row (or column): near-black on average and flat. Video black is 16 in limited range (it
// arrives as about 0 after conversion); compression leaves a bar within a few levels of it.
constexpr double bar_max_mean = 24;
constexpr double bar_max_spread = 5;  // standard deviation along the row
// The picture's first rows after a bar differ from it by this much in most columns.
constexpr int edge_min_step = 10;
constexpr double edge_min_columns = 0.7;
// Bars cover at most this share of the height (or width) on each side: a frame that is mostly black
// is a dark scene or a card, not a letterbox.
constexpr double max_bar_fraction = 0.3;
// Thinner than this (in pixels of the measured image) is the encoder's edge, not a bar.
constexpr int min_bar = 2;

// Per-row mean and spread of `gray`.
void row_stats(const cv::Mat& gray, std::vector<double>& mean, std::vector<double>& spread) {
  cv::Mat f;
  gray.convertTo(f, CV_32F);
  cv::Mat avg, avg_sq;
  cv::reduce(f, avg, 1, cv::REDUCE_AVG, CV_64F);
  cv::reduce(f.mul(f), avg_sq, 1, cv::REDUCE_AVG, CV_64F);
  mean.resize(gray.rows);
  spread.resize(gray.rows);
  for (int i = 0; i < gray.rows; ++i) {
    mean[i] = avg.at<double>(i, 0);
    spread[i] = std::sqrt(std::max(0.0, avg_sq.at<double>(i, 0) - mean[i] * mean[i]));
  }
}

// The bar at the top (`from_top`) or bottom of `gray`. The edge is straight when the picture's first
// two rows differ from the bar's last row in most columns: a skyline under a black night sky differs
// only where the buildings are.
BarSide side_of(const cv::Mat& gray, const std::vector<double>& mean, const std::vector<double>& spread,
                bool from_top) {
  const int n = gray.rows;
  const auto at = [&](int k) { return from_top ? k : n - 1 - k; };
  const int limit = static_cast<int>(n * max_bar_fraction);
  BarSide side;
  int k = 0;
  while (k < n && mean[at(k)] <= bar_max_mean && spread[at(k)] <= bar_max_spread) ++k;
  if (k == 0 || k > limit) return side;  // no bar, or mostly black: a dark scene or a card
  side.thickness = k;
  const uint8_t* bar = gray.ptr<uint8_t>(at(k - 1));
  const uint8_t* first = gray.ptr<uint8_t>(at(k));
  const uint8_t* second = gray.ptr<uint8_t>(at(std::min(n - 1, k + 1)));
  int differ = 0;
  for (int x = 0; x < gray.cols; ++x) {
    const int step = std::max(std::abs(first[x] - bar[x]), std::abs(second[x] - bar[x]));
    differ += step >= edge_min_step ? 1 : 0;
  }
  side.sharp_edge = differ >= edge_min_columns * gray.cols;
  return side;
}

// The shot's bar on one side: the thinnest of its frames (the bar must be in every one), kept only
// when a frame's picture starts sharply right there.
int shot_side(const std::vector<FrameBars>& frames, BarSide FrameBars::*side) {
  int thinnest = std::numeric_limits<int>::max();
  for (const FrameBars& f : frames) thinnest = std::min(thinnest, (f.*side).thickness);
  if (thinnest < min_bar) return 0;
  const bool edge = std::any_of(frames.begin(), frames.end(), [&](const FrameBars& f) {
    return (f.*side).sharp_edge && std::abs((f.*side).thickness - thinnest) <= 1;
  });
  // One line more: the scaled copy blends the bar's last line into the picture's first.
  return edge ? thinnest + 1 : 0;
}

}  // namespace

FrameBars measure_bars(const cv::Mat& image) {
  cv::Mat gray;
  if (image.channels() == 3) {
    cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  } else {
    gray = image;
  }
  if (gray.depth() != CV_8U) gray.convertTo(gray, CV_8U);
  FrameBars bars;
  bars.size = gray.size();
  if (gray.empty()) return bars;
  std::vector<double> mean, spread;
  row_stats(gray, mean, spread);
  bars.top = side_of(gray, mean, spread, true);
  bars.bottom = side_of(gray, mean, spread, false);
  cv::Mat columns;
  cv::transpose(gray, columns);
  row_stats(columns, mean, spread);
  bars.left = side_of(columns, mean, spread, true);
  bars.right = side_of(columns, mean, spread, false);
  return bars;
}

cv::Rect active_picture(const std::vector<FrameBars>& frames) {
  if (frames.empty()) return {};
  const cv::Size size = frames.front().size;
  const int top = shot_side(frames, &FrameBars::top);
  const int bottom = shot_side(frames, &FrameBars::bottom);
  const int left = shot_side(frames, &FrameBars::left);
  const int right = shot_side(frames, &FrameBars::right);
  const cv::Rect active(left, top, size.width - left - right, size.height - top - bottom);
  if (active.width < size.width / 3 || active.height < size.height / 3) return {{0, 0}, size};
  return active;
}

cv::Rect scale_rect(const cv::Rect& active, cv::Size from, cv::Size to) {
  if (from.width <= 0 || from.height <= 0) return {{0, 0}, to};
  const double sx = static_cast<double>(to.width) / from.width;
  const double sy = static_cast<double>(to.height) / from.height;
  // Rounded inwards, so a bar's last line never comes back at the larger size.
  const int x0 = static_cast<int>(std::ceil(active.x * sx - 1e-6));
  const int y0 = static_cast<int>(std::ceil(active.y * sy - 1e-6));
  const int x1 = static_cast<int>(std::floor(active.br().x * sx + 1e-6));
  const int y1 = static_cast<int>(std::floor(active.br().y * sy + 1e-6));
  return cv::Rect(cv::Point(x0, y0), cv::Point(std::max(x0 + 1, x1), std::max(y0 + 1, y1))) & cv::Rect({0, 0}, to);
}

}  // namespace pressreel::stills
