// Hard cuts: a frame whose difference to its predecessor stands out from its neighbours' differences
// (PySceneDetect's AdaptiveDetector). Fast motion raises the neighbours too, so it does not cut; a
// quiet cut between similar shots still stands out against a still neighbourhood. Neighbours are the
// frames that show new pictures (repeated_pictures.hpp): a held repeat's nothing says nothing of motion.
#include <algorithm>

#include "pressreel/scenes/boundary_detector.hpp"
#include "pressreel/scenes/flash_filter.hpp"
#include "pressreel/scenes/predictability.hpp"
#include "scenes/repeated_pictures.hpp"

namespace pressreel::scenes {
namespace {

constexpr double kQuietScoreShare = 0.5;  // of the minimum score
constexpr double kQuietRatioFactor = 4.0; // times the usual ratio
constexpr double kQuietMinContent = 2.0;  // mean pixel difference, 0..255
constexpr double kAlone = 2.0;            // times the score of every other neighbour
constexpr int64_t kCalmBefore = 8;        // frames looked back on for changes as large as an insert's edge
constexpr double kComparable = 0.5;       // of the edge's score

class AdaptiveCutDetector final : public BoundaryDetector {
 public:
  explicit AdaptiveCutDetector(const SceneOptions& options)
      : window_(std::max(1, options.window)), ratio_(options.adaptive_ratio), min_score_(options.min_score) {}

  std::string_view name() const override { return "adaptive-cut"; }
  // A frame is judged once the neighbours of its neighbours are known (the other edge of an insert
  // is judged by its own).
  int64_t latency_frames() const override { return reach() + 1; }

  std::vector<Boundary> process(const FrameHistory& history) override {
    return judge(history, history.newest_index() - reach());
  }

  std::vector<Boundary> flush(const FrameHistory& history) override {
    std::vector<Boundary> found;
    for (int64_t target = history.newest_index() - reach() + 1; target <= history.newest_index(); ++target) {
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

  // The mean score of the frames around `target`. A neighbour that is a cut by its own neighbours,
  // and alone among this one's, is left out when the frames between it and `target` are an insert of
  // a frame or two (a montage's flash of another picture, which motion does not predict): it would
  // hide this edge as much as it stands out itself. (Where every other frame repeats the one before,
  // changes alternate with nothing: none of them is alone. A camera flash over a moving shot is the
  // same picture washed out: the motion predicts it.)
  double neighbourhood(const FrameHistory& history, int64_t target) const {
    int64_t edge = -1;  // the neighbour with the largest score (the later one of equals)
    double largest = -1, second = -1;
    for (const int64_t i : neighbours(history, target)) {
      const double score = history.at(i).diff.score;
      if (score >= largest) {
        second = largest;
        largest = score;
        edge = i;
      } else if (score > second) {
        second = score;
      }
    }
    const bool other_edge = second >= 0 && largest >= min_score_ && largest >= kAlone * second &&
                            largest >= ratio_ * mean_around(history, edge, target) &&
                            calm_but_for(history, target, edge) && !motion_predicts(history, target) &&
                            stands_apart(history, std::min(edge, target), std::max(edge, target) - 1);
    return mean_around(history, target, other_edge ? edge : target);
  }

  // The mean score of the frames around `edge`, but for `skip`.
  double mean_around(const FrameHistory& history, int64_t edge, int64_t skip) const {
    double sum = 0;
    int count = 0;
    for (const int64_t i : neighbours(history, edge)) {
      if (i == skip) continue;
      sum += history.at(i).diff.score;
      ++count;
    }
    return count > 0 ? sum / count : 0.0;
  }

  // An insert interrupts calmer footage: over the frames before `target` (and its neighbours after
  // it), no change but `edge`'s comes near the size of target's. Where changes that large come every
  // few frames (busy motion, a waveform redrawn), a pair of them is no insert.
  bool calm_but_for(const FrameHistory& history, int64_t target, int64_t edge) const {
    const double score = history.at(target).diff.score;
    for (int64_t i = target - kCalmBefore; i <= target + window_; ++i) {
      if (i == target || i == edge || i < 1 || !history.contains(i)) continue;
      if (history.at(i).diff.score >= kComparable * score) return false;
    }
    return true;
  }

  // The `window` frames that show new pictures on each side of `index`, oldest first.
  std::vector<int64_t> neighbours(const FrameHistory& history, int64_t index) const {
    const DistinctNeighbours n = distinct_neighbours(history, index, window_);
    std::vector<int64_t> all(n.before.rbegin(), n.before.rend());
    all.insert(all.end(), n.after.begin(), n.after.end());
    return all;
  }

  // How far past a frame its neighbours' neighbours (and their runs of repeats) may lie.
  int64_t reach() const { return 2 * distinct_reach(window_); }

  int window_;
  double ratio_, min_score_;
};

}  // namespace

std::unique_ptr<BoundaryDetector> make_adaptive_cut_detector(const SceneOptions& options) {
  return std::make_unique<AdaptiveCutDetector>(options);
}

}  // namespace pressreel::scenes
