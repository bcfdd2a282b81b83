#include "scenes/layout_survival.hpp"

#include <opencv2/imgproc.hpp>

namespace pressreel::scenes {
namespace {

// A pixel whose luma (0..255) moved no more than this over the frames before is still: above coding
// noise of a static area, below any motion of a structured one.
constexpr int kStill = 3;
// A 3x3 neighbourhood whose luma spans at least this much is structure (an edge, a line, texture):
// enough for a dim grid on black (an oscilloscope's, about 15 levels), above the ripple of a flat area.
constexpr int kStructure = 12;
// A layout pixel that moved no more than this is still in place (a little more than kStill: a cut's
// frame may be coded anew, a kept area slightly requantised).
constexpr int kKept = 8;

}  // namespace

LayoutChange layout_change(std::span<const cv::Mat> before, const cv::Mat& current) {
  LayoutChange change;
  if (before.empty()) return change;
  cv::Mat lowest = before.front().clone(), highest = before.front().clone();
  for (const cv::Mat& luma : before.subspan(1)) {
    cv::min(lowest, luma, lowest);
    cv::max(highest, luma, highest);
  }
  const cv::Mat& last = before.back();
  const cv::Mat still = (highest - lowest) <= kStill;
  cv::Mat gradient;
  cv::morphologyEx(last, gradient, cv::MORPH_GRADIENT, cv::Mat());
  const cv::Mat layout = still & (gradient >= kStructure);
  cv::Mat moved;
  cv::absdiff(last, current, moved);
  const cv::Mat in_place = moved <= kKept;
  const cv::Mat kept = layout & in_place;
  const double total = static_cast<double>(current.total());
  const int layout_pixels = cv::countNonZero(layout);
  change.layout = layout_pixels / total;
  change.kept = layout_pixels > 0 ? cv::countNonZero(kept) / static_cast<double>(layout_pixels) : 0.0;
  const int still_pixels = cv::countNonZero(still);
  change.still = still_pixels / total;
  change.still_kept = still_pixels > 0 ? cv::countNonZero(still & in_place) / static_cast<double>(still_pixels) : 0.0;
  return change;
}

}  // namespace pressreel::scenes
