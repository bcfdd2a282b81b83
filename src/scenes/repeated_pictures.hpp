#pragma once
// Footage made at a lower rate than its container's (12.5 fps animation in 25 fps, a frame-doubled
// web encode, whole frames pulled down 2:3) shows each picture two or three times. A repeat changes
// nothing, so beside it every change between pictures is twice its neighbours' mean (half of them
// are nothing) and the prediction's usual error looks like none. Judged against the frames that show
// new pictures, a change is compared with changes of its own kind.

#include <cstdint>
#include <vector>

#include "pressreel/scenes/frame_history.hpp"

namespace pressreel::scenes {

// The most repeats in a row that are one picture held (three showings of it, as in 2:3 pulldown).
// More in a row is a still shot: there, nothing is the change there is, and it stays in the judgement.
inline constexpr int64_t kMaxHeldRepeats = 2;

// Whether `index` shows the picture before it again (FrameDifference::repeat) within a run of at most
// kMaxHeldRepeats repeats. Frames not kept are taken as showing new pictures.
bool held_repeat(const FrameHistory& history, int64_t index);

// The frames on each side of `index` that show new pictures, nearest first: up to `count` a side,
// skipping held repeats, within count * (kMaxHeldRepeats + 1) frames. Only kept frames after the
// first (which has no difference to judge).
struct DistinctNeighbours {
  std::vector<int64_t> before, after;
};
DistinctNeighbours distinct_neighbours(const FrameHistory& history, int64_t index, int64_t count);

// How far beyond `index` distinct_neighbours(index, count) and the runs it checks may look: a
// detector waits this long before judging a frame.
constexpr int64_t distinct_reach(int64_t count) { return count * (kMaxHeldRepeats + 1) + kMaxHeldRepeats; }

}  // namespace pressreel::scenes
