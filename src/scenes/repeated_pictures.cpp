#include "scenes/repeated_pictures.hpp"

namespace pressreel::scenes {
namespace {

bool repeat(const FrameHistory& history, int64_t index) {
  return index >= 1 && history.contains(index) && history.at(index).diff.repeat;
}

}  // namespace

bool held_repeat(const FrameHistory& history, int64_t index) {
  if (!repeat(history, index)) return false;
  int64_t run = 1;
  for (int64_t i = index - 1; run <= kMaxHeldRepeats && repeat(history, i); --i) ++run;
  for (int64_t i = index + 1; run <= kMaxHeldRepeats && repeat(history, i); ++i) ++run;
  return run <= kMaxHeldRepeats;
}

DistinctNeighbours distinct_neighbours(const FrameHistory& history, int64_t index, int64_t count) {
  DistinctNeighbours n;
  const int64_t span = count * (kMaxHeldRepeats + 1);
  for (int64_t i = index - 1; i >= index - span && static_cast<int64_t>(n.before.size()) < count; --i) {
    if (i >= 1 && history.contains(i) && !held_repeat(history, i)) n.before.push_back(i);
  }
  for (int64_t i = index + 1; i <= index + span && static_cast<int64_t>(n.after.size()) < count; ++i) {
    if (i >= 1 && history.contains(i) && !held_repeat(history, i)) n.after.push_back(i);
  }
  return n;
}

}  // namespace pressreel::scenes
