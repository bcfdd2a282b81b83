#pragma once
// Whether a frame is what the frames around it lead one to expect: the motion- and exposure-
// compensated prediction (motion_prediction.hpp) misses it no more than it misses its neighbours, and
// its colours stayed. A hard cut is never predictable, whichever signal proposed it; a jump cut in the
// same camera is not predictable either, while a pan, a shake, a flicker or a swirl of busy motion is.

#include <cstdint>

#include "pressreel/scenes/frame_history.hpp"

namespace pressreel::scenes {

// False when `index` or too few of its neighbours are kept: nothing to judge by, the detectors decide.
bool predictable(const FrameHistory& history, int64_t index);
// The luma prediction's part of it alone: its error at `index` does not stand out from its neighbours'
// (whatever the colours did: a flash over a moving shot washes them out, yet the motion goes on).
bool motion_predicts(const FrameHistory& history, int64_t index);

// Whether most of the picture before `index` is still in place in it (FrameDifference::layout and
// still_kept, layout_survival.hpp): a window opening over a desktop that stays, a trace redrawn over a
// fixed grid, a caption changing on a diagram; or, around a change confined to part of the picture,
// whole regions of its structure stay, colours too (kept_regions: a large window opening or closing).
// A cut replaces the picture whole, its structure (new drawings on a white page that stays) or its fill
// (a background changing colour behind text that stays), so this is never true at one. False when
// `index` is not kept.
bool layout_stays(const FrameHistory& history, int64_t index);

}  // namespace pressreel::scenes
