// Dissolves next to shots that change on their own (issue 21): out of a fixed shot a large object
// slides across while the pictures mix, into a hand-held shot. Every frame of such a mix changes by
// the shots' own change besides the mix's: the mix's progress is judged whatever else moves, and the
// shots' own change across as many frames net of the camera's motion. What must stay: the same object
// sliding across with a hard cut after it, or with no cut at all, is no dissolve. (Pictures made in
// memory, see scene_frames.hpp; three seconds of one hand-held shot: test_scenes_handheld_dissolves.)
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "pressreel/scenes/boundary_detector.hpp"
#include "scene_frames.hpp"

namespace {

using namespace pressreel;
using pressreel::testing::Clip;
using pressreel::testing::EnteringObject;
using pressreel::testing::expect_one_dissolve_within_a_frame;
using pressreel::testing::frames_of;
using pressreel::testing::HandHeld;
using pressreel::testing::mix;
using pressreel::testing::run;

std::unique_ptr<scenes::BoundaryDetector> dissolve() { return scenes::make_dissolve_detector({}, 25.0); }

// A fixed shot (texture 3), across which an object (texture 4) slides in `crossing` frames from frame
// `enter_at`; from frame `from` on, a hand-held shot (seed 2, at `speed` times HandHeld's pace) mixed in
// linearly over `mixed` frames (0: a hard cut).
Clip entering_then_handheld(int enter_at, int crossing, int from, int mixed, double speed = 1.0) {
  constexpr int frames = 90;
  const EnteringObject a(3, 4, enter_at, crossing);
  const HandHeld b(2, frames, speed);
  Clip clip;
  for (int i = 0; i < frames; ++i) {
    const double t = std::clamp((i - from + 1) / (mixed + 1.0), 0.0, 1.0);
    clip.push_back(t == 0.0 ? a.frame(i) : t == 1.0 ? b.frame(i) : mix(a.frame(i), b.frame(i), t));
  }
  return clip;
}

TEST(ChangingShots, ADissolveWhileAnObjectSlidesAcrossTheShotIsFound) {
  // The object crosses the frame in 15 frames, from 4 frames before the mix to its last frames.
  expect_one_dissolve_within_a_frame(run(dissolve(), entering_then_handheld(36, 15, 40, 10)), 40, 49);
}

TEST(ChangingShots, ADissolveIntoASlowerHandheldShotIsReportedOnce) {
  // Windows that start inside the mix and end in B pass too, after the dissolve was reported.
  expect_one_dissolve_within_a_frame(run(dissolve(), entering_then_handheld(30, 10, 40, 10, 0.5)), 40, 49);
}

TEST(ChangingShots, ACutAfterAnObjectSlidingAcrossIsNoDissolve) {
  EXPECT_EQ(frames_of(run(dissolve(), entering_then_handheld(36, 15, 45, 0))), std::vector<int64_t>{});
}

TEST(ChangingShots, AnObjectSlidingAcrossAFixedShotIsNoDissolve) {
  for (const int crossing : {8, 15, 30}) {
    const EnteringObject shot(3, 4, 20, crossing);
    Clip clip;
    for (int i = 0; i < 75; ++i) clip.push_back(shot.frame(i));
    EXPECT_EQ(frames_of(run(dissolve(), clip)), std::vector<int64_t>{}) << "crossing in " << crossing << " frames";
  }
}

}  // namespace
