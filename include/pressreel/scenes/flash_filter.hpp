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

// The other kind of short run between two hard cuts: frames [first, last] are a shot of their own,
// however short (a montage's one-frame insert), when each of them has structure. A blank white or
// black frame between two shots, or a flash that washes the picture out, has none: with the cut
// before it, it is one cut. (That the insert is not the picture before it, brightened or moved, is the
// prediction's word: see predictability.hpp.)
bool is_insert(const FrameHistory& history, int64_t first, int64_t last);

// Whether frames [first, last] look like an insert between the frames around them: each has structure
// (is_insert), and the change into the first of them leads away from the frame after the last, not
// toward it. A soft cut's middle frame, a mix of the shots on either side, is on the way; so is each
// frame of a steady morph or move. Needs frames first - 1 and last + 1.
bool stands_apart(const FrameHistory& history, int64_t first, int64_t last);

}  // namespace pressreel::scenes
