#pragma once
// The result of shot detection, as later stages (stills, sheets, chapters, teaser) consume it.

#include <cstdint>
#include <string>
#include <vector>

#include "pressreel/media/time.hpp"

namespace pressreel::scenes {

enum class CutKind { cut, fade, dissolve };
std::string to_string(CutKind kind);

// A boundary between two shots. `frame` is the first frame of the new shot; for a transition it is
// the first frame of the incoming picture at full strength, and [first_frame, last_frame] is the
// transition itself (equal to `frame` for a hard cut).
struct Cut {
  int64_t frame = 0;
  media::RationalTime time;   // presentation time of `frame`
  CutKind kind = CutKind::cut;
  double confidence = 1.0;    // 0..1
  int64_t first_frame = 0;
  int64_t last_frame = 0;
  // The mix in time: from the presentation time of first_frame to that of last_frame, the instants
  // its first and last mixed pictures stand for (scenes.json's first_seconds and last_seconds). The
  // last mixed picture is the ramp's end point, not a stretch of it, so a hard cut's is empty.
  media::TimeRange transition;
};

// A run of frames between boundaries: [start_frame, end_frame] inclusive, and in time from the start
// of start_frame to the end of end_frame (its time + duration), which is where the next shot starts.
struct Shot {
  int64_t start_frame = 0, end_frame = 0;
  media::TimeRange time;
};

struct SceneList {
  int64_t frames = 0;
  media::Rational fps;             // nominal rate
  media::RationalTime duration;
  std::vector<Cut> cuts;
  std::vector<Shot> shots;
};

}  // namespace pressreel::scenes
