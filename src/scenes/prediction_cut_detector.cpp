// Hard cuts as frames that cannot be predicted: the previous frame, moved by dense optical flow and
// brought to the same exposure (motion_prediction.hpp), misses much of the new frame, while on at
// least one side of it the frames predict each other far better. A pan, a shaking hand-held camera,
// a wobble, a flicker or an object walking in are predicted frame after frame, so they do not stand
// out; a cut next to such a stretch still does, which the adaptive detector misses when the motion
// raises the plain differences around the cut as much as the cut itself. The sides are the frames that
// show new pictures (repeated_pictures.hpp): a held repeat is predicted perfectly, whatever the motion.
#include <algorithm>

#include "pressreel/scenes/boundary_detector.hpp"
#include "scenes/repeated_pictures.hpp"

namespace pressreel::scenes {
namespace {

// The prediction must miss at least this share of the picture: a cut replaces most of it.
constexpr double kMinUnexplained = 0.3;
// Its error must be this many times the error on the quieter side (and more than on the busier one).
constexpr double kStandOut = 3.0;
// Errors below this (0..255 at the common contrast) are coding noise and grain, whatever the ratio.
constexpr double kNoiseResidual = 1.0;
// Beyond this much standing out and this share missed, the cut is certain (a short shot may follow).
constexpr double kCertainUnexplained = 0.6;

class PredictionCutDetector final : public BoundaryDetector {
 public:
  explicit PredictionCutDetector(const SceneOptions& options) : min_score_(options.min_score) {}

  std::string_view name() const override { return "prediction-cut"; }
  int64_t latency_frames() const override { return distinct_reach(kSide) + 1; }

  std::vector<Boundary> process(const FrameHistory& history) override {
    return judge(history, history.newest_index() - distinct_reach(kSide));
  }

  std::vector<Boundary> flush(const FrameHistory& history) override {
    std::vector<Boundary> found;
    for (int64_t target = history.newest_index() - distinct_reach(kSide) + 1; target <= history.newest_index(); ++target) {
      for (const Boundary& b : judge(history, target)) found.push_back(b);
    }
    return found;
  }

 private:
  static constexpr int64_t kSide = 2;  // frames looked at on each side

  std::vector<Boundary> judge(const FrameHistory& history, int64_t target) const {
    // Both sides must be known in full: at the ends of a clip there is nothing to compare with.
    if (target - kSide < 1 || !history.contains(target - kSide) || !history.contains(target + kSide)) return {};
    const FrameDifference& d = history.at(target).diff;
    if (d.unexplained < kMinUnexplained || d.score < min_score_) return {};
    if (history.at(target).black() || history.at(target - 1).black()) return {};  // fades' business
    const DistinctNeighbours n = distinct_neighbours(history, target, kSide);
    double before = 0, after = 0;
    for (const int64_t i : n.before) before = std::max(before, history.at(i).diff.residual);
    for (const int64_t i : n.after) after = std::max(after, history.at(i).diff.residual);
    const double quieter = std::max(kNoiseResidual, std::min(before, after));
    if (d.residual <= std::max(before, after) || d.residual < kStandOut * quieter) return {};
    Boundary b;
    b.frame = b.first_frame = b.last_frame = target;
    b.kind = CutKind::cut;
    const double margin = std::min(1.0, (d.residual / (kStandOut * quieter) - 1.0) / 2.0);
    b.confidence = std::min(0.99, 0.5 + 0.5 * margin * std::min(1.0, d.unexplained / kCertainUnexplained));
    return {b};
  }

  double min_score_;
};

}  // namespace

std::unique_ptr<BoundaryDetector> make_prediction_cut_detector(const SceneOptions& options) {
  return std::make_unique<PredictionCutDetector>(options);
}

}  // namespace pressreel::scenes
