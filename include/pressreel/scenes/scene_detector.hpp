#pragma once
// Shot detection as a consumer of the single decode pass. Features are computed in the pass's
// parallel stage on a small analysis frame; detectors (hard cuts, fades, dissolves) propose
// boundaries in order; the flash filter and the minimum shot length decide; each boundary is handed
// on as soon as it is final.

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "pressreel/media/frame_sink.hpp"
#include "pressreel/scenes/boundary_detector.hpp"
#include "pressreel/scenes/flash_filter.hpp"
#include "pressreel/scenes/frame_features.hpp"
#include "pressreel/scenes/frame_history.hpp"
#include "pressreel/scenes/scene_options.hpp"
#include "pressreel/scenes/shot.hpp"

namespace pressreel::scenes {

class SceneDetector : public media::FrameSink {
 public:
  explicit SceneDetector(SceneOptions options = {});
  ~SceneDetector() override;

  std::string_view name() const override { return "scenes"; }
  void on_start(const media::ProbeResult& probe, const media::VideoStreamInfo& video) override;
  std::any prepare(const media::VideoFrame& frame) override;
  void on_frame(const media::VideoFrame& frame, std::any& prepared) override;
  void on_end(const media::DecodeSummary& summary) override;

  // Called in frame order, from on_frame/on_end, as each boundary becomes final.
  void set_cut_listener(std::function<void(const Cut&)> listener) { cut_listener_ = std::move(listener); }
  // Called for every frame once its difference to the previous one is known (stats files, tuning).
  void set_frame_listener(std::function<void(const FrameRecord&)> listener) { frame_listener_ = std::move(listener); }
  // How far behind the frame being delivered a boundary may still be reported (valid after on_start).
  int64_t max_latency_frames() const { return latency_; }
  // The shots and cuts of the clip (after on_end).
  SceneList result() const { return result_; }

 private:
  void propose(const Boundary& boundary);
  // Whether a proposal of higher precedence that is not itself outranked overlaps `boundary`.
  bool outranked(const Boundary& boundary) const;
  static bool cut_right_after(const Boundary& transition, const Boundary& cut);
  void decide_up_to(int64_t frame);
  void decide(const Boundary& boundary);

  SceneOptions options_;
  media::Rational fps_;
  std::vector<std::unique_ptr<BoundaryDetector>> detectors_;
  std::optional<FlashFilter> flash_filter_;
  FrameHistory history_;
  std::optional<FrameFeatures> previous_;
  double previous_mafd_ = 0;
  int64_t latency_ = 0;
  int64_t min_shot_frames_ = 0;
  std::vector<Boundary> pending_;  // proposed, sorted by frame, not yet decided
  std::optional<Boundary> last_final_;
  std::vector<Cut> cuts_;
  SceneList result_;
  std::function<void(const Cut&)> cut_listener_;
  std::function<void(const FrameRecord&)> frame_listener_;
  struct Scalers;
  std::unique_ptr<Scalers> scalers_;  // one swscale context per pipeline thread
};

// The shots between `cuts` (sorted by frame) of a clip of `frames` frames ending at `duration`.
std::vector<Shot> shots_from_cuts(const std::vector<Cut>& cuts, int64_t frames, media::RationalTime duration);

}  // namespace pressreel::scenes
