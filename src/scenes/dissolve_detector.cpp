// Cross-dissolves. A dissolve from picture A to picture B shows A + alpha (B - A) with alpha rising
// from 0 to 1; so for a window of frames [a, b] around it, the middle frame is close to the mean of
// the two ends, while across motion or a hard cut it is not. Every frame tests windows of several
// lengths ending at it with that cheap midpoint check; a window that passes is judged as a whole
// (A and B differ like two shots over much of the picture, B is not just A under other light, which
// the fade detector owns, and every frame between is such a mix with alpha growing steadily).
// Overlapping windows that pass are one dissolve: the one explaining the largest change is kept,
// and reported once no window overlapping it has passed for a few frames, unless the shots around
// it change as much on their own (a pan or zoom) or the picture comes back (a flicker). Shots that
// shake or flicker are mixed too: their own change is weighed net, across as many frames. Between
// hand-held shots the camera moves on while the pictures mix, so the ends of a short window are not
// where the mixed pictures are: such windows are judged again with each end moved to where its
// picture is in the frame it is compared with (aligned_views.hpp).
#include <algorithm>
#include <cstdint>
#include <cmath>
#include <map>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <spdlog/spdlog.h>

#include "pressreel/scenes/boundary_detector.hpp"
#include "pressreel/scenes/frame_features.hpp"
#include "scenes/aligned_views.hpp"

namespace pressreel::scenes {
namespace {

// Thumbnail differences are mean absolute values on 0..255.
constexpr double kMinChange = 20.0;         // A to B (slow camera moves over soft pictures change less)
constexpr double kChangedPixel = 12.0;
// Share of the picture's structure that changes from A to B: a title fading in over a shot changes
// less. Structure is what differs from a neighbour by as much as a change counts, in A or in B, and
// what changes: a background both pictures share and that holds no detail (text cards over one
// backdrop) is no part of it.
constexpr double kMinCoverage = 0.5;
// Before and after the dissolve the shots stay where they are on the way from A to B; a pan or
// zoom goes on in the same direction.
constexpr double kMaxOvershoot = 0.15;      // of |B - A|, a quarter of the window outside it
constexpr double kMinSpeedup = 1.5;         // change across the window, to the change across as many frames beside it
constexpr double kMidpointTolerance = 0.33; // |middle - (A + B) / 2| relative to |B - A|
constexpr double kMaxResidual = 0.5;        // of the mix model, relative to |B - A|
// The middle frame keeps at most this share of the contrast a mix of A and B loses (where the mix
// loses at least kMinContrastLoss of it; similar pictures lose little and are not tested).
constexpr double kMaxContrastKept = 0.5, kMinContrastLoss = 0.15;
// B differs from A by less than this share of |B - A| once a change of light is allowed for: the same
// picture under other light.
constexpr double kSameUnderOtherLight = 0.3;
constexpr double kMaxAlphaStep = 0.5;       // more in one frame is a hard cut followed by motion
constexpr int64_t kMinMixedFrames = 2;      // fewer are a (soft) hard cut, left to the cut detector
constexpr int64_t kMinWindow = kMinMixedFrames + 2;
constexpr int64_t kSettleFrames = 4;        // frames without a passing window before a dissolve is final
constexpr double kNearlyBest = 0.9;
// Past the chosen window a mix still going on raises alpha by at least this share of its step per
// frame (less as the shot's own motion takes B away from the window's end).
constexpr double kMinRiseOfMix = 0.2;
// Windows up to this long are judged aligned when the plain midpoint test fails: dissolves between
// hand-held shots in trailers take a third of a second to a second.
constexpr double kMaxAlignedSeconds = 1.0;

struct Candidate {
  Boundary boundary;
  int64_t a = 0, b = 0;    // the window: A and B
  bool aligned = false;    // judged with A and B moved to where their pictures are (see AlignedViews)
  double quality = 0;      // change explained: |B - A| (1 - residual)
  double distance = 0, midpoint = 0, coverage = 0, residual = 0, contrast_kept = 0;  // for the debug log
};

class DissolveDetector final : public BoundaryDetector {
 public:
  DissolveDetector(int64_t max_transition, int64_t max_aligned_window)
      : max_window_(max_transition + 2), max_aligned_window_(max_aligned_window) {
    // Every length up to a dozen frames, then about 15% apart, and the longest: a dissolve of any
    // length up to the longest transition has a window that spans it with little of the shots around
    // it. (22 lengths at 25 fps and 3 s.)
    for (int64_t length = kMinWindow; length <= max_window_;) {
      lengths_.push_back(length);
      length = std::max(length + 1, static_cast<int64_t>(std::lround(static_cast<double>(length) * 1.15)));
    }
    if (lengths_.back() != max_window_) lengths_.push_back(max_window_);
  }

  std::string_view name() const override { return "dissolve"; }
  // A window that passes may end half its length after the dissolve; then the settle time and the
  // look past its end.
  int64_t latency_frames() const override { return 2 * max_window_ + kSettleFrames + 2; }

  std::vector<Boundary> process(const FrameHistory& history) override {
    const int64_t t = history.newest_index();
    views_.forget_before(history.oldest_index());
    variances_.erase(variances_.begin(), variances_.lower_bound(history.oldest_index()));
    shapes_.erase(shapes_.begin(), shapes_.lower_bound(history.oldest_index()));
    std::vector<Boundary> found;
    std::vector<Candidate> passing;
    // How far apart the ends of each window are, all at once.
    std::vector<const cv::Mat*> starts;
    for (const int64_t length : lengths_) {
      if (!history.contains(t - length)) break;
      starts.push_back(&thumb(history, t - length));
    }
    const std::vector<double> distances = thumb_distances(starts, thumb(history, t));
    for (size_t k = 0; k < distances.size(); ++k) {
      // A window whose mix starts inside a dissolve already reported sees that dissolve again.
      const auto c = judge(history, t - lengths_[k], t, distances[k]);
      if (c && c->boundary.first_frame >= reported_until_) passing.push_back(*c);
    }
    const bool joins = !group_.empty() && std::any_of(passing.begin(), passing.end(), [&](const Candidate& c) {
      return c.a <= group_last_;
    });
    while (!group_.empty()) {
      const Candidate& chosen = choose();
      // Windows that keep passing (a long camera move) must not hold a group past the latency.
      const bool overdue = t - group_first_ >= latency_frames() - 2;
      // Settled: no window has joined for a while, and the frames after the window have been seen over
      // its length (release compares the change across it with the shots' own change beside it).
      const bool seen_after = t >= chosen.b + std::max(margin(chosen), chosen.b - chosen.a);
      const bool settled = !joins && (!passing.empty() || (t - last_seen_ > kSettleFrames && seen_after));
      if (!overdue && !settled) break;
      release(history, found);
    }
    for (const Candidate& c : passing) {
      group_first_ = std::min(group_first_, c.a);
      group_last_ = std::max(group_last_, c.b);
      group_.push_back(c);
      last_seen_ = t;
    }
    return found;
  }

  std::vector<Boundary> flush(const FrameHistory& history) override {
    std::vector<Boundary> found;
    if (!group_.empty()) release(history, found);
    return found;
  }

 private:
  static int64_t margin(const Candidate& c) { return std::max<int64_t>(2, (c.b - c.a) / 4); }

  // Of the overlapping windows that passed, the shortest that explains nearly as much change as the
  // best: longer ones only add the shots' own motion at their ends.
  const Candidate& choose() const {
    double best = 0;
    for (const Candidate& c : group_) best = std::max(best, c.quality);
    const Candidate* chosen = nullptr;
    for (const Candidate& c : group_) {
      if (c.quality < kNearlyBest * best) continue;
      if (!chosen || c.b - c.a < chosen->b - chosen->a ||
          (c.b - c.a == chosen->b - chosen->a && c.quality > chosen->quality)) {
        chosen = &c;
      }
    }
    return *chosen;
  }

  // Reports the chosen window's dissolve (unless the shots move on beyond it) and forgets the windows
  // that overlap it; others in the group (a transition close by) wait for their turn.
  void release(const FrameHistory& history, std::vector<Boundary>& found) {
    Candidate h = choose();
    std::erase_if(group_, [&](const Candidate& c) { return c.a <= h.b && h.a <= c.b; });
    group_first_ = INT64_MAX;
    group_last_ = -1;
    for (const Candidate& c : group_) {
      group_first_ = std::min(group_first_, c.a);
      group_last_ = std::max(group_last_, c.b);
    }
    const int64_t before = h.a - margin(h), after = h.b + margin(h);
    const double alpha_before = alpha(history, h, before).value_or(0.0);
    const double alpha_after = alpha(history, h, after).value_or(1.0);
    // Across the window the picture changes more than either shot changes on its own across as many
    // frames: a steady zoom or pan changes as much before and after. Net changes, not frame-to-frame
    // steps: a hand-held shake or a flicker changes every frame but comes back, a mix does not. The
    // smaller side counts, so a cut beside the dissolve does not; the side after only once it has been
    // seen over the window's length (a slow zoom changes little over a few frames). A window judged
    // as it is may speed up net of the camera's motion instead, all changes aligned: a hand-held
    // shot changes a lot, and little once its motion is allowed for, which a mix does not.
    const int64_t length = h.b - h.a;
    const bool seen_before = history.contains(h.a - length), seen_after = history.contains(h.b + length);
    auto around = [&](bool aligned) {
      const double change_before = seen_before ? own_change(history, h.a - length, h.a, aligned) : 0.0;
      const double change_after = seen_after ? own_change(history, h.b + length, h.b, aligned) : 0.0;
      return seen_before && seen_after ? std::min(change_before, change_after) : std::max(change_before, change_after);
    };
    const double around_as_judged = around(h.aligned);
    const bool speeds_up = h.distance >= kMinSpeedup * around_as_judged ||
                           (!h.aligned && AlignedViews::can_align(history, h.a, h.b) &&
                            own_change(history, h.a, h.b, true) >= kMinSpeedup * around(true));
    // A dissolve leaves A for good: the frames before the window are nearer A, those after nearer B.
    // A flicker or a passing shadow goes there and back. (Means over a few frames: one frame's
    // exposure may lean either way.)
    auto mean_alpha = [&](int64_t first, int64_t last) {
      double sum = 0;
      int count = 0;
      for (int64_t i = first; i <= last; ++i) {
        if (!history.contains(i)) continue;
        if (const auto value = alpha(history, h, i)) {
          sum += *value;
          ++count;
        }
      }
      return count ? sum / count : 0.5;
    };
    const bool leaves_for_good = mean_alpha(before, h.a - 1) < 0.5 && mean_alpha(h.b + 1, after) > 0.5;
    extend_to_full_strength(history, h);
    const bool moves_on = alpha_before < -kMaxOvershoot || alpha_after > 1.0 + kMaxOvershoot ||
                          !speeds_up || !leaves_for_good;
    spdlog::debug("dissolve: frames {}-{} (window {}-{}{}): |B-A| {:.1f}, midpoint {:.2f}, coverage {:.2f}, residual "
                  "{:.2f}, contrast kept {:.2f}, alpha {:.2f} before, {:.2f} after, {:.1f} across as many frames beside "
                  "it{}",
                  h.boundary.first_frame, h.boundary.frame, h.a, h.b, h.aligned ? ", aligned" : "", h.distance,
                  h.midpoint, h.coverage, h.residual, h.contrast_kept, alpha_before, alpha_after, around_as_judged,
                  moves_on ? ": camera motion, not a dissolve" : "");
    if (moves_on) return;
    found.push_back(h.boundary);
    reported_until_ = h.boundary.frame;
  }

  static const cv::Mat& thumb(const FrameHistory& history, int64_t i) { return history.at(i).thumb; }

  // A frame's thumbnail is in many windows: its contrast and shape are worked out once.
  double thumb_variance(const FrameHistory& history, int64_t i) {
    auto [entry, added] = variances_.try_emplace(i);
    if (added) entry->second = variance(thumb(history, i));
    return entry->second;
  }
  const cv::Mat& shape(const FrameHistory& history, int64_t i) {
    auto [entry, added] = shapes_.try_emplace(i);
    if (added) entry->second = thumb_shape(thumb(history, i));
    return entry->second;
  }

  // How far frame i has gone from the window's A to its B (0 at A, 1 at B), as the window was judged.
  std::optional<double> alpha(const FrameHistory& history, const Candidate& h, int64_t i) {
    if (!history.contains(i)) return std::nullopt;
    const auto view = views_.ends_in(history, h.a, h.b, i, h.aligned);
    if (!view) return std::nullopt;
    const cv::Mat change = view->b - view->a;
    return (view->frame - view->a).dot(change) / change.dot(change);
  }

  // How much a shot changes on its own from frame `from` to frame `to`: net of its motion when the
  // window was judged aligned (a hand-held shot's picture moves a lot and stays the same). Shots that
  // move out of view change as much as they are apart.
  double own_change(const FrameHistory& history, int64_t from, int64_t to, bool aligned) {
    const auto pair = views_.onto(history, from, to, aligned);
    return pair ? thumb_distance(pair->first, pair->second) : thumb_distance(thumb(history, from), thumb(history, to));
  }

  // A window shorter than the dissolve (the shortest that explains nearly as much is chosen) ends on a
  // frame B is not yet full in: the mix goes on past it, so alpha, measured against the window's ends,
  // keeps rising past 1 frame by frame until B is full, then the shot's own motion takes it back.
  void extend_to_full_strength(const FrameHistory& history, Candidate& h) {
    Boundary& boundary = h.boundary;
    if (boundary.frame != h.b) return;  // B reached full strength inside the window
    const auto before_mix = alpha(history, h, boundary.first_frame - 1);
    if (!before_mix) return;
    const double step = (1.0 - *before_mix) / static_cast<double>(h.b - boundary.first_frame + 1);
    if (step <= 0) return;
    const int64_t furthest = h.b + (h.b - h.a) / 2;
    double previous = 1.0;
    int64_t full = h.b;
    for (int64_t i = h.b + 1; i <= furthest && history.contains(i); ++i) {
      const auto now = alpha(history, h, i);
      if (!now || *now - previous < step * kMinRiseOfMix) break;
      full = i;
      previous = *now;
    }
    boundary.frame = full;
    boundary.last_frame = full - 1;
  }

  // Squared norm of what is left of `b` once each channel of `a` is brought to it by the gain and
  // offset that fit best (least squares): what a change of light cannot explain.
  static double relit_rest(const cv::Mat& a, const cv::Mat& b) {
    cv::Scalar mean_a, dev_a, mean_b, dev_b;
    cv::meanStdDev(a, mean_a, dev_a);
    cv::meanStdDev(b, mean_b, dev_b);
    const cv::Mat centred_a = a - mean_a, centred_b = b - mean_b;
    const cv::Mat product = centred_a.mul(centred_b);
    const cv::Scalar covariance = cv::mean(product);
    cv::Mat rest = centred_b.clone();
    std::vector<cv::Mat> rest_channels, a_channels;
    cv::split(rest, rest_channels);
    cv::split(centred_a, a_channels);
    for (int c = 0; c < 3; ++c) {
      const double gain = dev_a[c] > 1e-6 ? covariance[c] / (dev_a[c] * dev_a[c]) : 0.0;
      rest_channels[static_cast<size_t>(c)] -= gain * a_channels[static_cast<size_t>(c)];
    }
    cv::merge(rest_channels, rest);
    return rest.dot(rest);
  }

  // The share of the pictures' structure (see kMinCoverage) that changes from `a` to `b`.
  static double structure_changed(const cv::Mat& a, const cv::Mat& b, const cv::Mat& change) {
    const cv::Matx13f mean_of_channels(1.f / 3, 1.f / 3, 1.f / 3);
    cv::Mat per_pixel, grey_a, grey_b, detail_a, detail_b;
    cv::transform(cv::abs(change), per_pixel, mean_of_channels);
    cv::transform(a, grey_a, mean_of_channels);
    cv::transform(b, grey_b, mean_of_channels);
    // Largest minus smallest value over each pixel's 3x3 neighbourhood.
    cv::morphologyEx(grey_a, detail_a, cv::MORPH_GRADIENT, cv::Mat());
    cv::morphologyEx(grey_b, detail_b, cv::MORPH_GRADIENT, cv::Mat());
    const cv::Mat changed = per_pixel > kChangedPixel;
    const int structure = cv::countNonZero(changed | (detail_a > kChangedPixel) | (detail_b > kChangedPixel));
    return structure > 0 ? cv::countNonZero(changed) / static_cast<double>(structure) : 0.0;
  }

  // Of all channels together: the picture's contrast.
  static double variance(const cv::Mat& picture) {
    cv::Scalar mean, deviation;
    cv::meanStdDev(picture, mean, deviation);
    return deviation[0] * deviation[0] + deviation[1] * deviation[1] + deviation[2] * deviation[2];
  }

  // The first mixed frame and the first frame of B at full strength, from each frame's alpha: where
  // alpha passes half of the dissolve's step per frame above 0 and below 1, so a frame of noise
  // either way does not move the ends.
  static std::pair<size_t, size_t> extent(const std::vector<double>& alpha) {
    size_t low = 1, high = alpha.size() - 1;
    while (low < high && alpha[low] <= 0.25) ++low;
    while (high > low && alpha[high - 1] >= 0.75) --high;
    const double step = high > low ? (alpha[high] - alpha[low]) / static_cast<double>(high - low) : 0.5;
    // B at full strength: alpha is within half a step of 1, or has stopped rising (B's own motion
    // may carry it on slowly).
    size_t full = high;
    while (full < alpha.size() - 1 && alpha[full] < 1.0 - step / 2 &&
           !(alpha[full] >= 0.85 && alpha[full + 1] - alpha[full] < step / 3)) {
      ++full;
    }
    size_t first = std::min(low, full);
    while (first > 1 && alpha[first - 1] >= step / 2) --first;
    return {first, full};
  }

  // With A and B aligned to each of the window's middle frames (one or two): |middle - (A + B) / 2|
  // relative to |B - A| at the nearer, and |B - A| at the first; none when the aligned pictures share
  // too little of a middle frame.
  std::optional<std::pair<double, double>> aligned_midpoint(const FrameHistory& history, int64_t a, int64_t b) {
    double nearest = INFINITY, distance = 0;
    for (int64_t m = a + (b - a) / 2; m <= a + (b - a + 1) / 2; ++m) {
      const auto view = views_.ends_in(history, a, b, m, true);
      if (!view) return std::nullopt;
      const double apart = thumb_distance(view->a, view->b);
      if (m == a + (b - a) / 2) distance = apart;
      if (apart > 0) {
        thumb_mix(view->a, view->b, mix_);
        nearest = std::min(nearest, thumb_distance(view->frame, mix_) / apart);
      }
    }
    return std::pair{nearest, distance};
  }

  // Whether frames [a, b] are a dissolve from frame a to frame b, and where it starts and ends; `distance`
  // is thumb_distance of the two.
  std::optional<Candidate> judge(const FrameHistory& history, int64_t a, int64_t b, double distance) {
    const FrameRecord& outgoing = history.at(a);
    const FrameRecord& incoming = history.at(b);
    if (outgoing.black() || outgoing.white() || incoming.black() || incoming.white()) return std::nullopt;
    const cv::Mat& pa = outgoing.thumb;
    const cv::Mat& pb = incoming.thumb;
    if (distance < kMinChange) return std::nullopt;
    // The cheap test first: most windows fail it.
    cv::Mat& middle_expected = mix_;
    thumb_mix(pa, pb, middle_expected);
    const std::vector<double> to_middle =
        thumb_distances({&thumb(history, a + (b - a) / 2), &thumb(history, a + (b - a + 1) / 2)}, middle_expected);
    double midpoint = std::min(to_middle[0], to_middle[1]) / distance;
    const bool aligned = midpoint > kMidpointTolerance;
    if (aligned && (b - a > max_aligned_window_ || !AlignedViews::can_align(history, a, b))) return std::nullopt;

    // A mix of two different pictures has less contrast than either (their details average out);
    // the same picture moved or zoomed keeps its contrast. (Unrelated pictures average out wherever
    // they are: this holds for moving shots too, before they are aligned.)
    const double mix_variance = variance(middle_expected);
    const double ends_variance = 0.5 * (thumb_variance(history, a) + thumb_variance(history, b));
    const double contrast_lost = ends_variance - mix_variance;
    const double contrast_kept = contrast_lost > kMinContrastLoss * ends_variance
                                     ? (thumb_variance(history, a + (b - a) / 2) - mix_variance) / contrast_lost
                                     : 0.0;
    if (contrast_kept > kMaxContrastKept) return std::nullopt;

    if (aligned) {
      const auto moved = aligned_midpoint(history, a, b);
      if (!moved || moved->first > kMidpointTolerance || moved->second < kMinChange) return std::nullopt;
      std::tie(midpoint, distance) = *moved;
    }
    // A and B as the middle frame shows them.
    const auto ends = views_.ends_in(history, a, b, a + (b - a) / 2, aligned);
    if (!ends) return std::nullopt;
    const cv::Mat change = ends->b - ends->a;
    const double coverage = structure_changed(ends->a, ends->b, change);
    if (coverage < kMinCoverage) return std::nullopt;
    // A fade (B is A darker) or other light (a flicker of exposure: A brighter, dimmer, greyer) is not
    // a dissolve: B is A with each channel under a gain and an offset.
    if (std::sqrt(relit_rest(ends->a, ends->b) / change.dot(change)) < kSameUnderOtherLight) return std::nullopt;

    // How far each frame has gone from A to B, and how well the mix explains it.
    std::vector<double> alpha, residual;
    std::vector<EndsView> views;  // of each frame, again for the shapes below
    cv::Mat change_in_view;       // unaligned, the same for every frame
    double change_sq = 0;
    for (int64_t m = a; m <= b; ++m) {
      const auto found = views_.ends_in(history, a, b, m, aligned);
      if (!found) return std::nullopt;
      const EndsView& view = views.emplace_back(*found);
      if (aligned || change_in_view.empty()) {
        change_in_view = view.b - view.a;
        change_sq = change_in_view.dot(change_in_view);
      }
      const cv::Mat offset = view.frame - view.a;
      alpha.push_back(offset.dot(change_in_view) / change_sq);
      const cv::Mat rest = offset - alpha.back() * change_in_view;
      residual.push_back(std::sqrt(rest.dot(rest) / change_sq));
    }
    const auto [first, full] = extent(alpha);
    if (full - first < static_cast<size_t>(kMinMixedFrames)) return std::nullopt;
    double residual_sum = 0;
    for (size_t i = first; i <= full; ++i) {
      if (alpha[i] < alpha[i - 1] - 0.1 || alpha[i] - alpha[i - 1] > kMaxAlphaStep) return std::nullopt;
      if (i < full) residual_sum += residual[i];
    }
    const double mean_residual = residual_sum / static_cast<double>(full - first);
    if (mean_residual > kMaxResidual) return std::nullopt;
    // The same whatever the light: a hard cut between flickering shots can look gradual in the mix's
    // terms (each frame's exposure moves it along A to B), not once the light is allowed for, on the
    // pictures' shapes. How far each frame has gone, not how much it changed from the one before: a
    // shot that changes on its own (an object sliding across it, a visualiser's picture) changes
    // every frame of the mix by as much, but mostly across the way from A to B, which the residual
    // weighs, not along it.
    // Unaligned, the ends are the same two thumbnails for every frame, and each frame is as it is: their
    // shapes are the frames' own.
    cv::Mat shape_a, shape_change;
    double change_squared = 0;
    double previous_shape = 0;
    for (size_t i = first - 1; i <= full; ++i) {
      const EndsView& view = views[i];
      if (aligned || shape_a.empty()) {
        shape_a = aligned ? thumb_shape(view.a) : shape(history, a);
        shape_change = (aligned ? thumb_shape(view.b) : shape(history, b)) - shape_a;
        change_squared = shape_change.dot(shape_change);
      }
      const cv::Mat& frame_shape = aligned ? thumb_shape(view.frame) : shape(history, a + static_cast<int64_t>(i));
      const double now = (frame_shape - shape_a).dot(shape_change) / change_squared;
      if (i >= first && (now < previous_shape - 0.1 || now - previous_shape > kMaxAlphaStep)) return std::nullopt;
      previous_shape = now;
    }
    Candidate c;
    const int64_t frame = a + static_cast<int64_t>(full);
    c.boundary = Boundary{frame, a + static_cast<int64_t>(first), frame - 1, CutKind::dissolve,
                          std::clamp(1.0 - mean_residual, 0.5, 1.0)};
    c.a = a;
    c.b = b;
    c.aligned = aligned;
    c.quality = distance * (1.0 - mean_residual);
    c.distance = distance;
    c.midpoint = midpoint;
    c.coverage = coverage;
    c.contrast_kept = contrast_kept;
    c.residual = mean_residual;
    return c;
  }

  int64_t max_window_, max_aligned_window_;
  std::vector<int64_t> lengths_;
  AlignedViews views_;
  std::map<int64_t, double> variances_;  // of frames' thumbnails, while the history keeps them
  std::map<int64_t, cv::Mat> shapes_;
  cv::Mat mix_;                          // the midpoint tests' expected middle, kept for its memory
  std::vector<Candidate> group_;  // overlapping windows that passed, not yet reported
  int64_t group_first_ = 0, group_last_ = -1, last_seen_ = 0;
  int64_t reported_until_ = 0;  // B's first frame at full strength in the last dissolve reported
};

}  // namespace

std::unique_ptr<BoundaryDetector> make_dissolve_detector(const SceneOptions& options, double fps) {
  return std::make_unique<DissolveDetector>(std::max<int64_t>(4, std::llround(options.max_transition_seconds * fps)),
                                            std::llround(kMaxAlignedSeconds * fps) + 2);
}

}  // namespace pressreel::scenes
