#include "scenes/layout_survival.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>

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
// Blocks across the picture for kept_regions (square, so 9 down at 16:9): a block of a 1080p screen
// is 120 pixels, larger than the strip of a top bar or a logo, smaller than a desktop around a window.
constexpr int kBlocksAcross = 16;
// A block holds layout when this share of it is still structure (a flat bar or wall does not)...
constexpr double kLayoutBlock = 0.1;
// ... and is in place whole when all but this share of it is (the pointer may cross it).
constexpr double kStrayPixels = 0.03;

// Share of each block that `mask` covers (CV_32F, one value a block).
cv::Mat block_shares(const cv::Mat& mask, cv::Size blocks) {
  cv::Mat ones, shares;
  mask.convertTo(ones, CV_32F, 1.0 / 255.0);
  cv::resize(ones, shares, blocks, 0, 0, cv::INTER_AREA);
  return shares;
}

// The pixels whose colour (Cr and Cb) moved no more than kKept between the two pictures.
cv::Mat colour_in_place(const cv::Mat& before, const cv::Mat& now) {
  cv::Mat moved;
  cv::absdiff(before, now, moved);
  std::array<cv::Mat, 3> channels;
  cv::split(moved, channels);
  return (channels[1] <= kKept) & (channels[2] <= kKept);
}

double kept_regions(const cv::Mat& layout, const cv::Mat& in_place) {
  const int across = std::min(kBlocksAcross, layout.cols);
  const cv::Size blocks(across, std::max(1, (layout.rows * across + layout.cols / 2) / layout.cols));
  const cv::Mat structured = block_shares(layout, blocks) >= kLayoutBlock;
  const cv::Mat whole = block_shares(in_place, blocks) >= 1.0 - kStrayPixels;
  return cv::countNonZero(structured & whole) / static_cast<double>(blocks.area());
}

}  // namespace

LayoutChange layout_change(std::span<const cv::Mat> before, const cv::Mat& current, const cv::Mat& colour_before,
                           const cv::Mat& colour_now) {
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
  cv::Mat in_place = moved <= kKept;
  const cv::Mat kept = layout & in_place;
  const double total = static_cast<double>(current.total());
  const int layout_pixels = cv::countNonZero(layout);
  change.layout = layout_pixels / total;
  change.kept = layout_pixels > 0 ? cv::countNonZero(kept) / static_cast<double>(layout_pixels) : 0.0;
  const int still_pixels = cv::countNonZero(still);
  change.still = still_pixels / total;
  change.still_kept = still_pixels > 0 ? cv::countNonZero(still & in_place) / static_cast<double>(still_pixels) : 0.0;
  if (!colour_before.empty() && colour_before.size() == colour_now.size()) {
    in_place &= colour_in_place(colour_before, colour_now);
  }
  change.kept_regions = kept_regions(layout, in_place);
  return change;
}

}  // namespace pressreel::scenes
