#include "scenes/layout_survival.hpp"

#include <opencv2/core/hal/intrin.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <bit>
#include <cstdlib>

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
  const cv::Mat& last = before.back();
  CV_Assert(current.type() == CV_8UC1);
  for (const cv::Mat& luma : before) CV_Assert(luma.type() == CV_8UC1 && luma.size() == current.size());
  cv::Mat gradient;
  cv::morphologyEx(last, gradient, cv::MORPH_GRADIENT, cv::Mat());
  const bool with_colour = !colour_before.empty() && colour_before.size() == colour_now.size();
  CV_Assert(!with_colour || (colour_now.size() == current.size() && colour_before.type() == CV_8UC3 &&
                             colour_now.type() == CV_8UC3));
  // One pass over the pixels: whether each was still over the frames before, is layout (still and
  // structured), and is in place in the current frame, colours too when known. Sixteen pixels at a time
  // with OpenCV's universal intrinsics (GCC at -O2 leaves such a loop scalar, at a third of the speed),
  // the rest of a row one by one.
  const int cols = current.cols;
  cv::Mat layout(current.size(), CV_8U), in_place(current.size(), CV_8U);
  int layout_pixels = 0, kept_pixels = 0, still_pixels = 0, still_kept_pixels = 0;
  const cv::v_uint8x16 still_level = cv::v_setall_u8(kStill), structure_level = cv::v_setall_u8(kStructure),
                       kept_level = cv::v_setall_u8(kKept);
  for (int y = 0; y < current.rows; ++y) {
    const uint8_t* previous = last.ptr<uint8_t>(y);
    const uint8_t* now = current.ptr<uint8_t>(y);
    const uint8_t* structure = gradient.ptr<uint8_t>(y);
    uint8_t* layout_row = layout.ptr<uint8_t>(y);
    uint8_t* in_place_row = in_place.ptr<uint8_t>(y);
    const uint8_t* colour_was = with_colour ? colour_before.ptr<uint8_t>(y) : nullptr;
    const uint8_t* colour_is = with_colour ? colour_now.ptr<uint8_t>(y) : nullptr;
    int x = 0;
    for (; x + 16 <= cols; x += 16) {
      cv::v_uint8x16 lowest = cv::v_load(before[0].ptr<uint8_t>(y) + x), highest = lowest;
      for (const cv::Mat& luma : before.subspan(1)) {
        const cv::v_uint8x16 v = cv::v_load(luma.ptr<uint8_t>(y) + x);
        lowest = cv::v_min(lowest, v);
        highest = cv::v_max(highest, v);
      }
      const cv::v_uint8x16 still = (highest - lowest) <= still_level;
      const cv::v_uint8x16 is_layout = still & (cv::v_load(structure + x) >= structure_level);
      const cv::v_uint8x16 kept = cv::v_absdiff(cv::v_load(previous + x), cv::v_load(now + x)) <= kept_level;
      cv::v_uint8x16 colour_kept = cv::v_setall_u8(255);
      if (with_colour) {
        cv::v_uint8x16 y_was, cr_was, cb_was, y_is, cr_is, cb_is;
        cv::v_load_deinterleave(colour_was + 3 * x, y_was, cr_was, cb_was);
        cv::v_load_deinterleave(colour_is + 3 * x, y_is, cr_is, cb_is);
        colour_kept = (cv::v_absdiff(cr_was, cr_is) <= kept_level) & (cv::v_absdiff(cb_was, cb_is) <= kept_level);
      }
      still_pixels += std::popcount(static_cast<unsigned>(cv::v_signmask(still)));
      still_kept_pixels += std::popcount(static_cast<unsigned>(cv::v_signmask(still & kept)));
      layout_pixels += std::popcount(static_cast<unsigned>(cv::v_signmask(is_layout)));
      kept_pixels += std::popcount(static_cast<unsigned>(cv::v_signmask(is_layout & kept)));
      cv::v_store(layout_row + x, is_layout);
      cv::v_store(in_place_row + x, kept & colour_kept);
    }
    for (; x < cols; ++x) {
      int lowest = before[0].ptr<uint8_t>(y)[x], highest = lowest;
      for (const cv::Mat& luma : before.subspan(1)) {
        lowest = std::min<int>(lowest, luma.ptr<uint8_t>(y)[x]);
        highest = std::max<int>(highest, luma.ptr<uint8_t>(y)[x]);
      }
      const bool still = highest - lowest <= kStill;
      const bool is_layout = still && structure[x] >= kStructure;
      const bool kept = std::abs(previous[x] - now[x]) <= kKept;
      const bool colour_kept = !with_colour || (std::abs(colour_was[3 * x + 1] - colour_is[3 * x + 1]) <= kKept &&
                                                std::abs(colour_was[3 * x + 2] - colour_is[3 * x + 2]) <= kKept);
      still_pixels += still;
      still_kept_pixels += still && kept;
      layout_pixels += is_layout;
      kept_pixels += is_layout && kept;
      layout_row[x] = is_layout ? 255 : 0;
      in_place_row[x] = kept && colour_kept ? 255 : 0;
    }
  }
  const double total = static_cast<double>(current.total());
  change.layout = layout_pixels / total;
  change.kept = layout_pixels > 0 ? kept_pixels / static_cast<double>(layout_pixels) : 0.0;
  change.still = still_pixels / total;
  change.still_kept = still_pixels > 0 ? still_kept_pixels / static_cast<double>(still_pixels) : 0.0;
  change.kept_regions = kept_regions(layout, in_place);
  return change;
}

}  // namespace pressreel::scenes
