#pragma once
// Flashes, strobes and muzzle fire: a few frames that differ from the shot and then give way to the
// same picture again. Detectors see two sharp changes there; this filter, on its own as PySceneDetect
// keeps it, says which proposed boundaries are only the edges of such a flash.

#include <cstdint>

#include "pressreel/scenes/boundary_detector.hpp"
#include "pressreel/scenes/frame_history.hpp"

namespace pressreel::scenes {

class FlashFilter {
 public:
  // `max_frames`: the longest flash, in frames.
  explicit FlashFilter(int64_t max_frames) : max_frames_(std::max<int64_t>(1, max_frames)) {}

  // True when `boundary` enters or leaves a flash: frames [a, b] around it (at most max_frames) are
  // brighter than the frame before them, and the frame after them shows that same picture again.
  bool is_flash(const Boundary& boundary, const FrameHistory& history) const;
  // How many frames after a boundary the filter needs to see.
  int64_t lookahead_frames() const { return max_frames_ + 1; }

 private:
  bool flash_between(const FrameHistory& history, int64_t first, int64_t last) const;

  int64_t max_frames_;
};

}  // namespace pressreel::scenes
