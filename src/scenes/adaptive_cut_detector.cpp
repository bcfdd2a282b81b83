// Hard cuts: a frame whose difference to its predecessor stands out from its neighbours' differences
// (PySceneDetect's AdaptiveDetector). Fast motion raises the neighbours too, so it does not cut; a
// quiet cut between similar shots still stands out against a still neighbourhood.
#include <algorithm>
#include <vector>

#include "pressreel/scenes/boundary_detector.hpp"

namespace pressreel::scenes {
namespace {

constexpr double kQuietScoreShare = 0.5;  // of the minimum score
constexpr double kQuietRatioFactor = 4.0; // times the usual ratio
constexpr double kQuietMinContent = 2.0;  // mean pixel difference, 0..255

class AdaptiveCutDetector final : public BoundaryDetector {
 public:
  explicit AdaptiveCutDetector(const SceneOptions& options)
      : window_(std::max(1, options.window)), ratio_(options.adaptive_ratio), min_score_(options.min_score) {}

  std::string_view name() const override { return "adaptive-cut"; }
  int64_t latency_frames() const override { return window_ + 1; }

  std::vector<Boundary> process(const FrameHistory& history) override {
    return judge(history, history.newest_index() - window_);
  }

  std::vector<Boundary> flush(const FrameHistory& history) override {
    std::vector<Boundary> found;
    for (int64_t target = history.newest_index() - window_ + 1; target <= history.newest_index(); ++target) {
      for (const Boundary& b : judge(history, target)) found.push_back(b);
    }
    return found;
  }

 private:
  std::vector<Boundary> judge(const FrameHistory& history, int64_t target) const {
    // Frame 0 has no predecessor, so no difference to judge.
    if (target < 1 || !history.contains(target) || !history.contains(target - 1)) return {};
    const double score = history.at(target).diff.score;
    // Below the minimum score a change still cuts where the frames around it hardly change at all (a
    // cut between two framings of one still picture), if it stands out that much more.
    const bool quiet = score < min_score_;
    if (quiet && (score < kQuietScoreShare * min_score_ || history.at(target).diff.content < kQuietMinContent ||
                  history.at(target).black() || history.at(target - 1).black())) {
      return {};  // dark frames' edges and histograms are noise; only their pixels count
    }
    const double mean = neighbourhood(history, target);
    const double ratio = mean > 1e-6 ? score / mean : 255.0;
    if (ratio < (quiet ? kQuietRatioFactor * ratio_ : ratio_)) return {};
    Boundary b;
    b.frame = b.first_frame = b.last_frame = target;
    b.kind = CutKind::cut;
    // Just over both thresholds is a coin toss; three times the score and twice the ratio is certain
    // (and the SceneDetector then lets a short shot follow).
    b.confidence = quiet ? 0.5
                         : 0.5 + 0.5 * std::min(1.0, (score / min_score_ - 1.0) / 2.0) * std::min(1.0, ratio / ratio_ - 1.0);
    return {b};
  }

  // The mean score of the frames around `target`. A neighbour that stands out from the others as a
  // cut does is left out: it is the other edge of an insert of a frame or two (a montage's flash of
  // another picture), and would hide this edge as much as it stands out itself.
  double neighbourhood(const FrameHistory& history, int64_t target) const {
    std::vector<double> around;
    for (int64_t i = target - window_; i <= target + window_; ++i) {
      if (i != target && i >= 1 && history.contains(i)) around.push_back(history.at(i).diff.score);
    }
    if (around.empty()) return 0.0;
    double sum = 0;
    for (const double s : around) sum += s;
    const auto largest = std::max_element(around.begin(), around.end());
    if (around.size() >= 2) {
      const double rest = (sum - *largest) / static_cast<double>(around.size() - 1);
      if (*largest >= min_score_ && *largest >= ratio_ * rest) return rest;
    }
    return sum / static_cast<double>(around.size());
  }

  int window_;
  double ratio_, min_score_;
};

}  // namespace

std::unique_ptr<BoundaryDetector> make_adaptive_cut_detector(const SceneOptions& options) {
  return std::make_unique<AdaptiveCutDetector>(options);
}

}  // namespace pressreel::scenes
