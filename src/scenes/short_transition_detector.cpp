// Short gradual transitions: a change that takes a few frames (about a quarter of a second) and is
// neither a hard cut (one frame carries most of it) nor a clean mix of its ends (which the dissolve
// detector checks frame by frame): a soft cut, a quick dissolve between moving shots. Measured across
// k frames, such a change stands out from the change across the k frames before and after it; steady
// motion changes as much in every k frames, so it does not.
#include <algorithm>
#include <cmath>
#include <deque>

#include <opencv2/core.hpp>

#include "pressreel/scenes/boundary_detector.hpp"

namespace pressreel::scenes {
namespace {

constexpr double kMinShortChange = 15.0;    // across k frames, thumbnail mean absolute difference (0..255)
constexpr double kRatio = 2.5;         // times the change across the k frames before and after
constexpr double kMaxStepShare = 0.5;  // one frame carrying more of the change is a hard cut
constexpr double kStarted = 0.1, kFinished = 0.85;  // share of the change at which it starts / is done
constexpr double kCleanMix = 0.2;      // |middle - (A + B) / 2| below this share of |B - A|: a plain dissolve

class ShortTransitionDetector final : public BoundaryDetector {
 public:
  explicit ShortTransitionDetector(int64_t span) : k_(span) {}

  std::string_view name() const override { return "short-transition"; }
  int64_t latency_frames() const override { return 2 * k_ + 2; }

  std::vector<Boundary> process(const FrameHistory& history) override {
    const int64_t t = history.newest_index();
    change_.push_back(history.contains(t - k_) ? thumb_distance(history.at(t - k_).thumb, history.newest().thumb) : 0.0);
    while (static_cast<int64_t>(change_.size()) > 2 * k_ + 1) change_.pop_front();
    // The change across [c - k, c] is judged once the k frames after c are known.
    const int64_t c = t - k_;
    if (static_cast<int64_t>(change_.size()) < 2 * k_ + 1 || t - 3 * k_ < 0) return {};
    auto across = [&](int64_t end) { return change_[static_cast<size_t>(end - (t - 2 * k_))]; };
    const double peak = across(c);
    if (peak < kMinShortChange || peak < kRatio * std::max(across(c - k_), across(t))) return {};
    for (int64_t i = c - k_; i <= t; ++i) {  // the strongest of its neighbourhood (the first of equals)
      if (i < c ? across(i) >= peak : across(i) > peak) return {};
    }
    const int64_t a = c - k_;
    const FrameRecord& outgoing = history.at(a);
    const FrameRecord& incoming = history.at(c);
    if (outgoing.black() || outgoing.white() || incoming.black() || incoming.white()) return {};  // a fade's

    const cv::Mat& pa = outgoing.thumb;
    const cv::Mat change = incoming.thumb - pa;
    const double change_sq = change.dot(change);
    const double beta = pa.dot(incoming.thumb) / std::max(1e-9, pa.dot(pa));
    const cv::Mat scaled = incoming.thumb - beta * pa;
    if (std::sqrt(scaled.dot(scaled) / change_sq) < 0.3) return {};  // the light changed, not the shot

    // A clean mix of its ends is the dissolve detector's, which finds its whole extent.
    cv::Mat middle_expected;
    thumb_mix(pa, incoming.thumb, middle_expected);
    if (std::min(thumb_distance(history.at(a + k_ / 2).thumb, middle_expected),
                 thumb_distance(history.at(a + (k_ + 1) / 2).thumb, middle_expected)) < kCleanMix * peak) {
      return {};
    }

    std::vector<double> progress;
    for (int64_t i = a; i <= c; ++i) {
      if (i > a && thumb_distance(history.at(i - 1).thumb, history.at(i).thumb) > kMaxStepShare * peak) return {};
      progress.push_back((history.at(i).thumb - pa).dot(change) / change_sq);
    }
    int64_t full = k_;
    for (int64_t i = 1; i <= k_; ++i) {
      if (progress[static_cast<size_t>(i)] >= kFinished) {
        full = i;
        break;
      }
    }
    int64_t first = full;
    while (first > 1 && progress[static_cast<size_t>(first - 1)] > kStarted) --first;
    // Sharper than its surroundings by far is certain; just over the ratio is likely.
    const double confidence = std::clamp(0.5 + 0.1 * (peak / std::max(1.0, std::max(across(a), across(t)))), 0.5, 0.95);
    return {Boundary{a + full, a + first, a + full - 1, CutKind::dissolve, confidence}};
  }

 private:
  int64_t k_;
  std::deque<double> change_;  // change across k frames ending at each of the last 2k + 1 frames
};

}  // namespace

std::unique_ptr<BoundaryDetector> make_short_transition_detector(double fps) {
  return std::make_unique<ShortTransitionDetector>(std::max<int64_t>(3, std::llround(0.25 * fps)));
}

}  // namespace pressreel::scenes
