#include "scenes/aligned_views.hpp"

#include <algorithm>
#include <cstdint>

namespace pressreel::scenes {
namespace {

// Aligned pictures are compared on the part of the frame they share; less than this is too little
// of the picture to judge it by.
constexpr double kMinSharedPart = 0.4;

const cv::Mat& thumb_of(const FrameHistory& history, int64_t i) { return history.at(i).thumb; }

}  // namespace

bool AlignedViews::can_align(const FrameHistory& history, int64_t a, int64_t b) {
  const cv::Mat& luma_a = history.at(a).luma;
  return !luma_a.empty() && luma_a.size() == history.at(b).luma.size();
}

std::optional<EndsView> AlignedViews::ends_in(const FrameHistory& history, int64_t a, int64_t b, int64_t i,
                                              bool aligned) {
  if (!aligned) return EndsView{thumb_of(history, a), thumb_of(history, b), thumb_of(history, i)};
  const std::vector<cv::Mat> shared =
      on_common_part({thumb_of(history, a), thumb_of(history, b), thumb_of(history, i)},
                     {thumb_shift(history, a, i), thumb_shift(history, b, i), cv::Point2d()}, kMinSharedPart);
  if (shared.empty()) return std::nullopt;
  return EndsView{shared[0], shared[1], shared[2]};
}

std::optional<std::pair<cv::Mat, cv::Mat>> AlignedViews::onto(const FrameHistory& history, int64_t from, int64_t to,
                                                               bool aligned) {
  if (!aligned) return std::pair{thumb_of(history, from), thumb_of(history, to)};
  const std::vector<cv::Mat> shared = on_common_part({thumb_of(history, from), thumb_of(history, to)},
                                                     {thumb_shift(history, from, to), cv::Point2d()}, kMinSharedPart);
  if (shared.empty()) return std::nullopt;
  return std::pair{shared[0], shared[1]};
}

void AlignedViews::forget_before(int64_t oldest) {
  shifts_.erase(shifts_.begin(), shifts_.lower_bound(Pair{oldest, INT64_MIN, false}));
  spectra_.erase(spectra_.begin(), spectra_.lower_bound(oldest));
}

// A picture too faint in frame `to` to be found there (an end of a dissolve in the frames where the
// other picture all but fills the mix, or a frame of another shot) is taken where it was: its share of
// the frame is too small for its place to matter.
cv::Point2d AlignedViews::thumb_shift(const FrameHistory& history, int64_t from, int64_t to) {
  const cv::Mat& luma_from = history.at(from).luma;
  const cv::Mat& luma_to = history.at(to).luma;
  if (from == to || luma_from.empty() || luma_from.size() != luma_to.size()) return {};
  auto [entry, added] = shifts_.try_emplace(Pair{std::min(from, to), std::max(from, to), from < to});
  if (added) entry->second = picture_shift(spectrum(history, from), spectrum(history, to));
  const double scale = static_cast<double>(thumb_of(history, from).cols) / luma_from.cols;
  return entry->second ? *entry->second * scale : cv::Point2d();
}

const ShiftSpectrum& AlignedViews::spectrum(const FrameHistory& history, int64_t i) {
  auto [entry, added] = spectra_.try_emplace(i);
  if (added) entry->second = shift_spectrum(history.at(i).luma);
  return entry->second;
}

}  // namespace pressreel::scenes
