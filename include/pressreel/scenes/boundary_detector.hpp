#pragma once
// One way of finding shot boundaries (after PySceneDetect's SceneDetector): it looks at the frame
// history as each frame arrives and proposes boundaries. The SceneDetector merges what its detectors
// propose, filters flashes and too-short shots, and decides.

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "pressreel/media/time.hpp"
#include "pressreel/scenes/frame_history.hpp"
#include "pressreel/scenes/scene_options.hpp"
#include "pressreel/scenes/shot.hpp"

namespace pressreel::scenes {

// A proposed boundary: frame indices only; times are filled in by the SceneDetector.
struct Boundary {
  int64_t frame = 0;        // first frame of the new shot at full strength
  int64_t first_frame = 0;  // the transition (== frame for a hard cut)
  int64_t last_frame = 0;
  CutKind kind = CutKind::cut;
  double confidence = 1.0;
};

class BoundaryDetector {
 public:
  virtual ~BoundaryDetector() = default;
  virtual std::string_view name() const = 0;
  // The newest frame was just added to `history`. Returns boundaries found now.
  virtual std::vector<Boundary> process(const FrameHistory& history) = 0;
  // After the last frame: boundaries still open (e.g. a fade to black that lasts to the end).
  virtual std::vector<Boundary> flush(const FrameHistory& /*history*/) { return {}; }
  // A proposed boundary's first_frame is never more than this many frames behind the newest frame.
  // The history must keep at least this many frames (plus a few).
  virtual int64_t latency_frames() const = 0;
};

// Frame rate-dependent sizes are derived from `fps` (frames per second, nominal).
std::unique_ptr<BoundaryDetector> make_adaptive_cut_detector(const SceneOptions& options);
// Hard cuts as frames the motion- and exposure-compensated previous frame cannot predict.
std::unique_ptr<BoundaryDetector> make_prediction_cut_detector(const SceneOptions& options);
std::unique_ptr<BoundaryDetector> make_fade_detector(const SceneOptions& options, double fps);
std::unique_ptr<BoundaryDetector> make_dissolve_detector(const SceneOptions& options, double fps);
// Gradual changes of a quarter second or less that are neither hard cuts nor clean mixes.
std::unique_ptr<BoundaryDetector> make_short_transition_detector(double fps);

}  // namespace pressreel::scenes
