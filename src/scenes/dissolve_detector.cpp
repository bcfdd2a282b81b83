// Cross-dissolves. A dissolve is a bump in the frame-to-frame change: for a few to a few dozen
// frames the picture changes faster than the shot did before, then settles. Steady motion raises
// the change too, but without a bump. Each bump is then checked as a whole: the frames before and
// after it (A and B) must differ like two shots, over most of the picture (a title fading in over a
// shot changes only part of it), B must not be just a darker or brighter A (a fade, which the fade
// detector owns), and the frames between must be A + alpha (B - A) with alpha growing steadily.
#include <algorithm>
#include <cmath>
#include <optional>

#include <opencv2/core.hpp>
#include <spdlog/spdlog.h>

#include "pressreel/scenes/boundary_detector.hpp"

namespace pressreel::scenes {
namespace {

// Thumbnail differences are mean absolute values on 0..255.
constexpr double kBumpFactor = 1.8;  // a bump changes this many times faster than the shot before it ...
constexpr double kBumpMargin = 1.0;  // ... plus this (still shots have almost no change to compare with)
constexpr double kMinChange = 10.0;  // A to B
constexpr double kChangedPixel = 12.0;
constexpr double kMinCoverage = 0.33;  // share of the picture that changes from A to B
constexpr double kMaxResidual = 0.5;   // of the mix model, relative to |B - A|
constexpr double kStarted = 0.1, kFinished = 0.85;  // alpha at which B is visible / at full strength
constexpr double kMaxAlphaStep = 0.5;  // more in one frame is a hard cut followed by motion
constexpr int kMinMixedFrames = 2;                   // fewer are a (soft) hard cut, left to the cut detector
constexpr double kTailFactor = 1.2, kTailMargin = 0.3;  // gentler change at a bump's ends still belongs to it
constexpr int kTailFrames = 3;

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

class DissolveDetector final : public BoundaryDetector {
 public:
  DissolveDetector(int64_t max_transition, int64_t baseline_frames)
      : max_transition_(max_transition), baseline_frames_(baseline_frames) {}

  std::string_view name() const override { return "dissolve"; }
  int64_t latency_frames() const override { return max_transition_ + 3 * kTailFrames + 4; }

  std::vector<Boundary> process(const FrameHistory& history) override {
    const int64_t t = history.newest_index();
    if (t < 1) return {};
    std::vector<Boundary> found;
    if (judge_at_ >= 0 && t >= judge_at_) {
      judge_at_ = -1;
      if (auto b = judge(history, widen(history, bump_a_, bump_b_))) found.push_back(*b);
    }
    const double change = step(history, t);
    if (bump_start_ < 0) {
      if (!history.contains(t - baseline_frames_ - 1)) return found;
      std::vector<double> before;
      for (int64_t i = t - baseline_frames_; i < t; ++i) before.push_back(step(history, i));
      baseline_ = median(before);
      if (change >= kBumpFactor * baseline_ + kBumpMargin) {
        bump_start_ = t;
        bump_baseline_ = baseline_;
      }
      return found;
    }
    if (change >= kBumpFactor * baseline_ + kBumpMargin) {
      if (t - bump_start_ > max_transition_ + 2) bump_start_ = -1;  // steady motion, not a bump
      return found;
    }
    // The bump's changes were frames bump_start_ .. t-1: A is the frame before them, B the last.
    // Judged a few frames later, once its gentle tail is known too.
    bump_a_ = bump_start_ - 1;
    bump_b_ = t - 1;
    judge_at_ = t + kTailFrames;
    bump_start_ = -1;
    return found;
  }

 private:
  // A dissolve's first and last frames change less than its middle: widen the bump over them, so
  // A and B are the shots themselves.
  std::pair<int64_t, int64_t> widen(const FrameHistory& history, int64_t a, int64_t b) const {
    const double gentle = kTailFactor * bump_baseline_ + kTailMargin;
    for (int i = 0; i < kTailFrames && history.contains(a - 1) && step(history, a) >= gentle; ++i) --a;
    for (int i = 0; i < kTailFrames && history.contains(b + 1) && step(history, b + 1) >= gentle; ++i) ++b;
    return {a, b};
  }

  static double step(const FrameHistory& history, int64_t i) {
    return thumb_distance(history.at(i - 1).thumb, history.at(i).thumb);
  }

  std::optional<Boundary> judge(const FrameHistory& history, std::pair<int64_t, int64_t> bump) const {
    const auto [ai, bi] = bump;
    if (bi - ai < kMinMixedFrames + 1 || !history.contains(ai)) return std::nullopt;
    spdlog::debug("dissolve: judging the change between frames {} and {}", ai, bi);
    const FrameRecord& outgoing = history.at(ai);
    const FrameRecord& incoming = history.at(bi);
    if (outgoing.black() || outgoing.white() || incoming.black() || incoming.white()) return std::nullopt;
    const cv::Mat& a = outgoing.thumb;
    const cv::Mat& b = incoming.thumb;
    const cv::Mat change = b - a;
    if (thumb_distance(a, b) < kMinChange) return std::nullopt;
    cv::Mat per_pixel;
    cv::transform(cv::abs(change), per_pixel, cv::Matx13f(1.f / 3, 1.f / 3, 1.f / 3));
    if (cv::countNonZero(per_pixel > kChangedPixel) < kMinCoverage * static_cast<double>(per_pixel.total())) {
      return std::nullopt;
    }
    const double change_sq = change.dot(change);
    const double beta = a.dot(b) / std::max(1e-9, a.dot(a));
    const cv::Mat scaled = b - beta * a;
    if (std::sqrt(scaled.dot(scaled) / change_sq) < 0.3) return std::nullopt;

    // How far each frame has gone from A to B, and how well the mix explains it.
    std::vector<double> alpha, residual;
    for (int64_t m = ai; m <= bi; ++m) {
      const cv::Mat offset = history.at(m).thumb - a;
      alpha.push_back(offset.dot(change) / change_sq);
      const cv::Mat rest = offset - alpha.back() * change;
      residual.push_back(std::sqrt(rest.dot(rest) / change_sq));
    }
    size_t first = 0, full = alpha.size() - 1;
    while (first < alpha.size() && alpha[first] <= kStarted) ++first;
    for (size_t i = first; i < alpha.size(); ++i) {
      if (alpha[i] >= kFinished) {
        full = i;
        break;
      }
    }
    if (first >= full || full - first < static_cast<size_t>(kMinMixedFrames)) return std::nullopt;
    double residual_sum = 0;
    for (size_t i = first; i <= full; ++i) {
      if (alpha[i] < alpha[i - 1] - 0.1 || alpha[i] - alpha[i - 1] > kMaxAlphaStep) return std::nullopt;
      if (i < full) residual_sum += residual[i];
    }
    const double mean_residual = residual_sum / static_cast<double>(full - first);
    if (mean_residual > kMaxResidual) return std::nullopt;
    const int64_t frame = ai + static_cast<int64_t>(full);
    return Boundary{frame, ai + static_cast<int64_t>(first), frame - 1, CutKind::dissolve,
                    std::clamp(1.0 - mean_residual, 0.5, 1.0)};
  }

  int64_t max_transition_, baseline_frames_;
  int64_t bump_start_ = -1;
  double baseline_ = 0;        // median change of the frames before the newest
  double bump_baseline_ = 0;   // ... before the bump being judged
  int64_t bump_a_ = 0, bump_b_ = 0, judge_at_ = -1;
};

}  // namespace

std::unique_ptr<BoundaryDetector> make_dissolve_detector(const SceneOptions& options, double fps) {
  return std::make_unique<DissolveDetector>(std::max<int64_t>(4, std::llround(options.max_transition_seconds * fps)),
                                            std::max<int64_t>(6, std::llround(0.5 * fps)));
}

}  // namespace pressreel::scenes
