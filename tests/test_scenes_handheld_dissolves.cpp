// Short dissolves between hand-held shots (issue 21): both shots go on moving fast and shaking while
// their pictures mix, so the window's ends are not the pictures mixed in its middle. Shots are a window
// moving over an enlarged picture, as tools/make_hard_scene_cases.py makes them from real frames; the
// pictures are made in memory (see scene_frames.hpp). What must stay: one hand-held shot alone is no
// dissolve, and a hard cut between two hand-held shots is a cut.
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "pressreel/media/decode_pass.hpp"
#include "pressreel/scenes/boundary_detector.hpp"
#include "pressreel/scenes/scene_detector.hpp"
#include "scene_frames.hpp"
#include "test_support.hpp"

namespace {

using namespace pressreel;
using pressreel::testing::Clip;
using pressreel::testing::expect_one_dissolve_within_a_frame;
using pressreel::testing::HandHeld;
using pressreel::testing::frames_of;
using pressreel::testing::mix;
using pressreel::testing::run;
using pressreel::testing::texture;
using scenes::Boundary;
using scenes::CutKind;

// Hand-held shot A (seed 1) for `before` frames, a linear mix over `mixed` frames into hand-held shot
// B (seed 2) while both go on moving, B for `after` frames: the mixed frames are before ..
// before + mixed - 1.
Clip handheld_dissolve(int before, int mixed, int after) {
  const int frames = before + mixed + after;
  const HandHeld a(1, frames), b(2, frames);
  Clip clip;
  for (int i = 0; i < frames; ++i) {
    const double t = std::clamp((i - before + 1) / (mixed + 1.0), 0.0, 1.0);
    clip.push_back(t == 0.0 ? a.frame(i) : t == 1.0 ? b.frame(i) : mix(a.frame(i), b.frame(i), t));
  }
  return clip;
}

// Hand-held shot A (seed 1) for `before` frames, then hand-held shot B (seed 2).
Clip handheld_cut(int before, int after) {
  const HandHeld a(1, before + after), b(2, before + after);
  Clip clip;
  for (int i = 0; i < before + after; ++i) clip.push_back(i < before ? a.frame(i) : b.frame(i));
  return clip;
}

std::unique_ptr<scenes::BoundaryDetector> dissolve() { return scenes::make_dissolve_detector({}, 25.0); }

TEST(HandheldDissolves, ATenFrameDissolveBetweenHandheldShotsIsFound) {
  expect_one_dissolve_within_a_frame(run(dissolve(), handheld_dissolve(40, 10, 40)), 40, 49);
}

TEST(HandheldDissolves, AnEightFrameAndATwelveFrameDissolveAreFound) {
  expect_one_dissolve_within_a_frame(run(dissolve(), handheld_dissolve(40, 8, 40)), 40, 47);
  expect_one_dissolve_within_a_frame(run(dissolve(), handheld_dissolve(40, 12, 40)), 40, 51);
}

TEST(HandheldDissolves, ThreeSecondsOfOneHandheldShotAreNoDissolve) {
  for (const int seed : {1, 2, 3}) {
    const HandHeld shot(seed, 75);
    Clip clip;
    for (int i = 0; i < 75; ++i) clip.push_back(shot.frame(i));
    EXPECT_EQ(frames_of(run(dissolve(), clip)), std::vector<int64_t>{}) << "seed " << seed;
  }
}

TEST(HandheldDissolves, AHardCutBetweenHandheldShotsIsNoDissolve) {
  EXPECT_EQ(frames_of(run(dissolve(), handheld_cut(40, 40))), std::vector<int64_t>{});
}

// The pictures as an H.264 clip at 25 fps (lossless: the detector sees them as made).
std::filesystem::path encode(const Clip& clip, const pressreel::testing::TempDir& dir, const std::string& name) {
  for (size_t i = 0; i < clip.size(); ++i) cv::imwrite((dir / fmt::format("{}-{:04d}.png", name, i)).string(), clip[i]);
  const auto out = dir / (name + ".mp4");
  pressreel::testing::ffmpeg({"-framerate", "25", "-i", (dir / (name + "-%04d.png")).string(), "-c:v", "libx264",
                              "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv444p"},
                             out);
  return out;
}

scenes::SceneList detect(const std::filesystem::path& clip) {
  scenes::SceneDetector detector{scenes::SceneOptions{}};
  media::FrameSink* sinks[] = {&detector};
  media::run_decode_pass(media::probe(clip), sinks, {});
  return detector.result();
}

TEST(HandheldDissolves, TheWholeDetectorFindsTheDissolveAndKeepsTheCutACut) {
  pressreel::testing::TempDir dir;
  const scenes::SceneList dissolving = detect(encode(handheld_dissolve(40, 10, 40), dir, "dissolve"));
  ASSERT_EQ(dissolving.cuts.size(), 1u);
  EXPECT_EQ(dissolving.cuts[0].kind, CutKind::dissolve);
  EXPECT_GE(dissolving.cuts[0].frame, 39);
  EXPECT_LE(dissolving.cuts[0].frame, 50);

  const scenes::SceneList cut = detect(encode(handheld_cut(40, 40), dir, "cut"));
  ASSERT_EQ(cut.cuts.size(), 1u);
  EXPECT_EQ(cut.cuts[0].kind, CutKind::cut);
  EXPECT_EQ(cut.cuts[0].frame, 40);
}

}  // namespace
