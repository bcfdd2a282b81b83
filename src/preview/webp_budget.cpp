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

}  // namespace

FittedWebp fit_webp_budget(const WebpTrial& first, std::vector<uint8_t> first_bytes, const WebpBudget& budget,
                           const WebpEncode& encode) {
  FittedWebp fitted{std::move(first_bytes), first, 1, false};
  const double aimed = aim * static_cast<double>(budget.max_bytes);
  const auto bytes = [&] { return static_cast<double>(std::max<size_t>(1, fitted.bytes.size())); };
  const auto fits = [&] { return static_cast<int64_t>(fitted.bytes.size()) <= budget.max_bytes; };
  const auto encode_at = [&](const WebpTrial& trial) {
    fitted.bytes = encode(trial);
    fitted.trial = trial;
    ++fitted.encodes;
    return fits();
  };
  if (fits()) return fitted;

  // So far over that even the steepest curve leaves the lowest quality over: no quality is searched,
  // the canvas's first step takes the lowest quality too, sized by what the prior predicts for it
  // (rather than an encode at the lowest quality that cannot fit).
  const float highest = fitted.trial.quality;
  const double highest_bytes = bytes();
  const double range = highest - budget.lowest_quality;
  const bool far_over = range > 0 && budget.smallest_scale < fitted.trial.scale &&
                        highest_bytes * std::exp(-steepest_quality_slope * range) > aimed;

  // Quality, in whole steps: bytes = a * exp(slope * quality). The first prediction comes from the
  // prior slope; the second from the slope the two encodes measured, down when still over, up when
  // far under (the prior was too shallow for these pictures) and the quality lost is worth an encode.
  if (range > 0 && !far_over) {
    const auto predict = [&](float from, double from_bytes, double slope, float ceiling) {
      const double quality = std::floor(from - std::log(from_bytes / aimed) / slope);
      return std::max(budget.lowest_quality, std::min(static_cast<float>(quality), ceiling));
    };
    WebpTrial next = fitted.trial;
    next.quality = predict(highest, highest_bytes, prior_quality_slope, highest - 1.0f);
    const bool fit = encode_at(next);
    const double slope = std::log(highest_bytes / bytes()) / (highest - next.quality);
    if (fit) {
      if (bytes() >= far_under * aimed) return fitted;
      next.quality = predict(fitted.trial.quality, bytes(), slope, highest - 1.0f);
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
    if (slope > 0 && fitted.trial.quality > budget.lowest_quality) {
      next.quality = predict(fitted.trial.quality, bytes(), slope, fitted.trial.quality - 1.0f);
      if (encode_at(next)) return fitted;
    }
  }
  // The canvas, at the quality reached: bytes follow its area.
  double over = far_over ? highest_bytes * std::exp(-prior_quality_slope * range) : bytes();
  while (fitted.trial.scale > budget.smallest_scale) {
    WebpTrial next = fitted.trial;
    if (far_over) next.quality = budget.lowest_quality;
    const double by = std::min(least_shrink, std::sqrt(aimed / over));
    next.scale = std::max(budget.smallest_scale, fitted.trial.scale * by);
    if (encode_at(next)) return fitted;
    over = bytes();
  }
  // Fewer frames, each shown for longer: bytes follow their number.
  while (fitted.trial.frame_step < budget.largest_frame_step) {
    WebpTrial next = fitted.trial;
    const int predicted = static_cast<int>(std::ceil(fitted.trial.frame_step * bytes() / aimed));
    next.frame_step = std::min(budget.largest_frame_step, std::max(fitted.trial.frame_step + 1, predicted));
    if (encode_at(next)) return fitted;
  }
  fitted.over_budget = true;
  return fitted;
}

}  // namespace pressreel::preview
