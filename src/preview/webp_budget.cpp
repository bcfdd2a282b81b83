#include "preview/webp_budget.hpp"

#include <algorithm>
#include <cmath>

namespace pressreel::preview {
namespace {

// Predictions aim this much under the budget, so one off by a few percent still fits.
constexpr double aim = 0.94;

// d ln(bytes) / d quality, assumed until two sizes are known. On grainy 640x360 teasers libwebp's
// curve falls 0.010 per quality step near 60 and 0.03 near 20 (it steepens as quality drops), so
// the measured slope between two encodes leads the third to a quality a little lower than needed:
// it errs towards fitting.
constexpr double prior_quality_slope = 0.015;
// The steepest the curve has been seen between 60 and 20 (near 20); grainy trailers are flatter.
constexpr double steepest_quality_slope = 0.03;

// A first prediction that fits with fewer bytes than this share of the aim cost quality worth a
// second encode to win back.
constexpr double far_under = 0.8;

// The canvas or the frames shrink at least this much each time, so the search ends.
constexpr double least_shrink = 0.92;

// The steps of the search, each predicted from the size of an encode at `from` (see fit_webp_budget).
class Steps {
 public:
  explicit Steps(const WebpBudget& budget) : budget_(budget), aimed_(aim * static_cast<double>(budget.max_bytes)) {}

  double aimed() const { return aimed_; }

  // So far over that even the steepest curve leaves the lowest quality over: no quality is searched,
  // the canvas's first step takes the lowest quality too, sized by what the prior predicts for it
  // (rather than an encode at the lowest quality that cannot fit).
  bool far_over(const WebpTrial& from, double bytes) const {
    const double range = from.quality - budget_.lowest_quality;
    return range > 0 && budget_.smallest_scale < from.scale && bytes * std::exp(-steepest_quality_slope * range) > aimed_;
  }

  // Quality, in whole steps: bytes = a * exp(slope * quality).
  WebpTrial lower_quality(const WebpTrial& from, double bytes, double slope, float ceiling) const {
    WebpTrial next = from;
    const double quality = std::floor(from.quality - std::log(bytes / aimed_) / slope);
    next.quality = std::max(budget_.lowest_quality, std::min(static_cast<float>(quality), ceiling));
    return next;
  }
  WebpTrial first_lower_quality(const WebpTrial& from, double bytes) const {
    return lower_quality(from, bytes, prior_quality_slope, from.quality - 1.0f);
  }

  // The canvas: bytes follow its area. `over` is the size expected at from's quality, or at the
  // lowest when `to_lowest_quality`.
  WebpTrial smaller_canvas(const WebpTrial& from, double over, bool to_lowest_quality) const {
    WebpTrial next = from;
    if (to_lowest_quality) next.quality = budget_.lowest_quality;
    const double by = std::min(least_shrink, std::sqrt(aimed_ / over));
    next.scale = std::max(budget_.smallest_scale, from.scale * by);
    return next;
  }
  // What the prior expects at the lowest quality of a far-over first encode.
  double at_lowest_quality(const WebpTrial& from, double bytes) const {
    return bytes * std::exp(-prior_quality_slope * (from.quality - budget_.lowest_quality));
  }

  // Fewer frames, each shown for longer: bytes follow their number.
  WebpTrial fewer_frames(const WebpTrial& from, double bytes) const {
    WebpTrial next = from;
    const int predicted = static_cast<int>(std::ceil(from.frame_step * bytes / aimed_));
    next.frame_step = std::min(budget_.largest_frame_step, std::max(from.frame_step + 1, predicted));
    return next;
  }

  bool can_lower_quality(const WebpTrial& t) const { return t.quality > budget_.lowest_quality; }
  bool can_shrink(const WebpTrial& t) const { return t.scale > budget_.smallest_scale; }
  bool can_drop_frames(const WebpTrial& t) const { return t.frame_step < budget_.largest_frame_step; }

 private:
  const WebpBudget& budget_;
  double aimed_;
};

// The search, from a first trial of `first_size` bytes: `first_bytes` when it was encoded whole
// (`encodes` 1), nothing when its size was projected (`encodes` 0).
FittedWebp fit(const WebpTrial& first, double first_size, std::vector<uint8_t> first_bytes, int encodes,
               const WebpBudget& budget, const WebpEncode& encode) {
  const Steps steps(budget);
  FittedWebp fitted{std::move(first_bytes), first, encodes, false};
  double size = first_size;
  const auto bytes = [&] { return std::max(1.0, size); };
  const auto fits = [&] { return size <= static_cast<double>(budget.max_bytes); };
  const auto encode_at = [&](const WebpTrial& trial) {
    fitted.bytes = encode(trial);
    size = static_cast<double>(fitted.bytes.size());
    fitted.trial = trial;
    ++fitted.encodes;
    return fits();
  };
  if (fits()) return fitted;

  const float highest = fitted.trial.quality;
  const double highest_bytes = bytes();
  const bool far_over = steps.far_over(fitted.trial, highest_bytes);
  // Quality: the first prediction comes from the prior slope; the second from the slope the two
  // encodes measured, down when still over, up when far under (the prior was too shallow for these
  // pictures) and the quality lost is worth an encode.
  if (steps.can_lower_quality(fitted.trial) && !far_over) {
    WebpTrial next = steps.first_lower_quality(fitted.trial, highest_bytes);
    const bool fit = encode_at(next);
    const double slope = std::log(highest_bytes / bytes()) / (highest - next.quality);
    if (fit) {
      if (bytes() >= far_under * steps.aimed()) return fitted;
      next = steps.lower_quality(fitted.trial, bytes(), slope, highest - 1.0f);
      if (next.quality > fitted.trial.quality) {
        FittedWebp fitting = fitted;
        if (!encode_at(next)) {
          fitting.encodes = fitted.encodes;
          fitted = std::move(fitting);
        }
      }
      return fitted;
    }
    // Still over: down once more along the measured slope, unless lower quality saved nothing.
    if (slope > 0 && steps.can_lower_quality(fitted.trial)) {
      next = steps.lower_quality(fitted.trial, bytes(), slope, fitted.trial.quality - 1.0f);
      if (encode_at(next)) return fitted;
    }
  }
  // The canvas, at the quality reached.
  double over = far_over ? steps.at_lowest_quality(fitted.trial, highest_bytes) : bytes();
  bool to_lowest_quality = far_over;
  while (steps.can_shrink(fitted.trial)) {
    if (encode_at(steps.smaller_canvas(fitted.trial, over, to_lowest_quality))) return fitted;
    over = bytes();
    to_lowest_quality = false;
  }
  while (steps.can_drop_frames(fitted.trial)) {
    if (encode_at(steps.fewer_frames(fitted.trial, bytes()))) return fitted;
  }
  fitted.over_budget = true;
  return fitted;
}

}  // namespace

std::optional<WebpTrial> next_webp_trial(const WebpTrial& first, double first_bytes, const WebpBudget& budget) {
  const Steps steps(budget);
  if (first_bytes <= static_cast<double>(budget.max_bytes)) return std::nullopt;
  const double bytes = std::max(1.0, first_bytes);
  const bool far_over = steps.far_over(first, bytes);
  if (steps.can_lower_quality(first) && !far_over) return steps.first_lower_quality(first, bytes);
  if (steps.can_shrink(first)) {
    return steps.smaller_canvas(first, far_over ? steps.at_lowest_quality(first, bytes) : bytes, far_over);
  }
  if (steps.can_drop_frames(first)) return steps.fewer_frames(first, bytes);
  return std::nullopt;
}

FittedWebp fit_webp_budget(const WebpTrial& first, std::vector<uint8_t> first_bytes, const WebpBudget& budget,
                           const WebpEncode& encode) {
  const auto size = static_cast<double>(first_bytes.size());
  return fit(first, size, std::move(first_bytes), 1, budget, encode);
}

FittedWebp fit_webp_budget_projected(const WebpTrial& first, double projected_bytes, const WebpBudget& budget,
                                     const WebpEncode& encode) {
  if (!next_webp_trial(first, projected_bytes, budget)) return fit_webp_budget(first, encode(first), budget, encode);
  return fit(first, projected_bytes, {}, 0, budget, encode);
}

}  // namespace pressreel::preview
