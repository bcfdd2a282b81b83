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
using pressreel::testing::frames_of;
using pressreel::testing::mix;
using pressreel::testing::run;
using pressreel::testing::texture;
using scenes::Boundary;
using scenes::CutKind;

constexpr int kWidth = 288, kHeight = 162;

// A hand-held camera over texture `seed` enlarged twice (768x432), in contrast too: the 288x162 window's speed is a
// random walk (about 7 px a frame, turning within a few frames), it bounces off the picture's edges and
// rolls a degree or so either way, and each frame is blurred along its motion. The same for a seed.
class HandHeld {
 public:
  HandHeld(int seed, int frames) {
    // The texture's soft colours, enlarged, vary little across a window: their contrast is raised to
    // that of footage (shots about 50 apart on the thumbnails, as in the hard cases).
    cv::Mat enlarged;
    cv::resize(texture(seed), enlarged, cv::Size(), 2.0, 2.0, cv::INTER_CUBIC);
    const cv::Scalar mean = cv::mean(enlarged);
    enlarged.convertTo(enlarged_, -1, 2.5, 128.0 - 2.5 * (mean[0] + mean[1] + mean[2]) / 3.0);
    cv::RNG rng(static_cast<uint64_t>(7919 * seed + 17));
    const double room_x = enlarged_.cols - kWidth, room_y = enlarged_.rows - kHeight;
    double x = room_x / 2, y = room_y / 2, vx = rng.uniform(-8.0, 8.0), vy = rng.uniform(-5.0, 5.0), roll = 0;
    for (int i = 0; i < frames; ++i) {
      vx = 0.8 * vx + rng.uniform(-7.0, 7.0);
      vy = 0.8 * vy + rng.uniform(-4.5, 4.5);
      x += vx;
      y += vy;
      if (x < 0 || x > room_x) vx = -vx, x = std::clamp(x, 0.0, room_x);
      if (y < 0 || y > room_y) vy = -vy, y = std::clamp(y, 0.0, room_y);
      roll = 0.85 * roll + rng.uniform(-1.2, 1.2);
      path_.push_back({x, y, vx, vy, roll});
    }
  }

  cv::Mat frame(int i) const {
    const Place& p = path_.at(static_cast<size_t>(i));
    const cv::Point2f centre(static_cast<float>(p.x + kWidth / 2.0), static_cast<float>(p.y + kHeight / 2.0));
    cv::Mat turned, window, out;
    cv::warpAffine(enlarged_, turned, cv::getRotationMatrix2D(centre, p.roll, 1.0), enlarged_.size(), cv::INTER_LINEAR,
                   cv::BORDER_REFLECT);
    cv::getRectSubPix(turned, cv::Size(kWidth, kHeight), centre, window);
    // Motion blur: the mean along the frame's motion.
    const int length = std::min(15, static_cast<int>(std::hypot(p.vx, p.vy)));
    if (length < 2) return window;
    cv::Mat kernel = cv::Mat::zeros(2 * length + 1, 2 * length + 1, CV_32F);
    cv::line(kernel, cv::Point(length - static_cast<int>(p.vx / 2), length - static_cast<int>(p.vy / 2)),
             cv::Point(length + static_cast<int>(p.vx / 2), length + static_cast<int>(p.vy / 2)), cv::Scalar(1.0));
    kernel /= cv::sum(kernel)[0];
    cv::filter2D(window, out, -1, kernel, cv::Point(-1, -1), 0, cv::BORDER_REFLECT);
    return out;
  }

 private:
  struct Place {
    double x, y, vx, vy, roll;
  };
  cv::Mat enlarged_;
  std::vector<Place> path_;
};

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

void expect_one_dissolve_within_a_frame(const std::vector<Boundary>& found, int64_t first_mixed, int64_t last_mixed) {
  ASSERT_EQ(found.size(), 1u) << ::testing::PrintToString(frames_of(found));
  EXPECT_EQ(found[0].kind, CutKind::dissolve);
  // eval-scenes finds a dissolve whose frame is within a frame of its mixed frames.
  EXPECT_GE(found[0].frame, first_mixed - 1);
  EXPECT_LE(found[0].frame, last_mixed + 1);
  EXPECT_LT(found[0].first_frame, found[0].frame);
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
