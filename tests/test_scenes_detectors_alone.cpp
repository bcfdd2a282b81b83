// Each boundary detector alone, on frame records computed from pictures made here (no decoding, no
// ffmpeg process): what it proposes for the change it is meant to find, where, and that it leaves
// alone the changes other detectors own. The SceneDetector's merging is tested on real clips in
// test_scenes_detector.cpp.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <vector>

#include "pressreel/scenes/boundary_detector.hpp"
#include "pressreel/scenes/frame_features.hpp"
#include "scene_frames.hpp"

namespace {

using namespace pressreel;
using scenes::Boundary;
using scenes::CutKind;

using pressreel::testing::Clip;
using pressreel::testing::frames_of;
using pressreel::testing::mix;
using pressreel::testing::run;
using pressreel::testing::texture;

constexpr double kFps = 25.0;

// Frame `i` (0..95) of a slow pan over texture `seed`: the camera moves right 1 px a frame and down
// 1 px every 3.
cv::Mat pan(int seed, int i) { return texture(seed)(cv::Rect(i, i / 3, 288, 162)).clone(); }

// Shot A (seed 1) panning for `a_frames`, then what `between` makes, then shot B (seed 2) panning.
Clip clip(int a_frames, const std::function<void(Clip&)>& between, int b_frames = 30) {
  Clip frames;
  for (int i = 0; i < a_frames; ++i) frames.push_back(pan(1, i));
  between(frames);
  const int start = static_cast<int>(frames.size());
  for (int i = 0; i < b_frames; ++i) frames.push_back(pan(2, start + i));
  return frames;
}

std::unique_ptr<scenes::BoundaryDetector> adaptive() { return scenes::make_adaptive_cut_detector({}); }
std::unique_ptr<scenes::BoundaryDetector> prediction() { return scenes::make_prediction_cut_detector({}); }
std::unique_ptr<scenes::BoundaryDetector> fade() { return scenes::make_fade_detector({}, kFps); }
std::unique_ptr<scenes::BoundaryDetector> dissolve() { return scenes::make_dissolve_detector({}, kFps); }
std::unique_ptr<scenes::BoundaryDetector> short_transition() { return scenes::make_short_transition_detector(kFps); }

const Clip& hard_cut() {  // A for 30 frames, B from frame 30
  static const Clip c = clip(30, [](Clip&) {});
  return c;
}
const Clip& one_shot() {  // 60 frames of one slow pan
  static const Clip c = clip(60, [](Clip&) {}, 0);
  return c;
}
// A, a 10-frame linear mix from frame 30 to 39, B at full strength from 40. The mix changes the
// picture about 2.5 times as fast as the pan around it does; at 16 frames it was 1.5 times, the
// detector's own limit for telling a dissolve from camera motion, and rounding on another CPU
// decided the test.
const Clip& dissolving() {
  static const Clip c = clip(30, [](Clip& f) {
    for (int k = 1; k <= 10; ++k) {
      const int i = static_cast<int>(f.size());
      f.push_back(mix(pan(1, i), pan(2, i), k / 11.0));
    }
  });
  return c;
}
const Clip& fading() {  // A fades to black over frames 30-41, 6 black frames, B fades in over 48-59
  static const Clip c = clip(30, [](Clip& f) {
    for (int k = 1; k <= 12; ++k) f.push_back(pan(1, static_cast<int>(f.size())) * (1.0 - k / 12.0));
    for (int k = 0; k < 6; ++k) f.push_back(cv::Mat::zeros(162, 288, CV_8UC3));
    for (int k = 0; k < 12; ++k) f.push_back(pan(2, static_cast<int>(f.size())) * (k / 12.0));
  });
  return c;
}
const Clip& wiping() {  // A wiped away left to right by B over 4 frames, from frame 30
  static const Clip c = clip(30, [](Clip& f) {
    for (int k = 1; k <= 4; ++k) {
      const int i = static_cast<int>(f.size());
      cv::Mat frame = pan(1, i);
      const int edge = frame.cols * k / 5;
      pan(2, i)(cv::Rect(0, 0, edge, frame.rows)).copyTo(frame(cv::Rect(0, 0, edge, frame.rows)));
      f.push_back(frame);
    }
  });
  return c;
}

// Frame `i` (0..79) of a shaky, flickering shot of texture `seed`: the camera drifts as in `pan` and
// jumps up to 4 px each way every frame; the exposure (gain 0.9-1.1, offset +-6) changes every frame.
cv::Mat shaky(int seed, int i) {
  cv::RNG rng(static_cast<uint64_t>(1000 * seed + i));
  const int dx = rng.uniform(-4, 5), dy = rng.uniform(-4, 5);
  cv::Mat out;
  texture(seed)(cv::Rect(4 + i + dx, 4 + i / 3 + dy, 288, 162)).convertTo(out, -1, rng.uniform(0.9, 1.1),
                                                                            rng.uniform(-6.0, 6.0));
  return out;
}

// Shaky shot A (seed 1) for 30 frames, a 10-frame mix into shaky shot B (seed 2) over frames 30-39,
// B from 40 to 69: every frame changes more than the mix does in a frame.
const Clip& shaky_dissolving() {
  static const Clip c = [] {
    Clip frames;
    for (int i = 0; i < 70; ++i) {
      const double t = std::clamp((i - 29) / 11.0, 0.0, 1.0);
      frames.push_back(t == 0.0 ? shaky(1, i) : t == 1.0 ? shaky(2, i) : mix(shaky(1, i), shaky(2, i), t));
    }
    return frames;
  }();
  return c;
}

// A 64x36 logo (5% of the picture) on a plain `background`, still for 30 frames, then fading over
// frames 30-69, then gone to frame 129. `level(along, fade)` is the logo's level where `along` runs
// from 0 at its top left to 2 at its bottom right, `fade` from 0 to 1.
Clip logo_fading(int background, double (*level)(double along, double fade)) {
  Clip frames;
  for (int i = 0; i < 130; ++i) {
    const double fade = std::clamp((i - 29) / 40.0, 0.0, 1.0);
    cv::Mat frame(162, 288, CV_8UC3, cv::Scalar::all(background));
    for (int y = 0; y < 36; ++y) {
      for (int x = 0; x < 64; ++x) {
        frame.at<cv::Vec3b>(63 + y, 112 + x) = cv::Vec3b::all(cv::saturate_cast<uchar>(level(x / 63.0 + y / 35.0, fade)));
      }
    }
    frames.push_back(frame);
  }
  return frames;
}

// A shaded logo (dark at its top left, light grey at its bottom right) on white, fading to white (its
// lightest pixels reach the white level first). Its mean moves by less than 0.2 a frame: too slight for
// the mean alone to show a fade.
const Clip& logo_fading_to_white() {
  static const Clip c = logo_fading(255, [](double along, double fade) {
    const double shade = 40.0 + 95.0 * along;
    return shade + (255.0 - shade) * fade;
  });
  return c;
}

// The logo on white in negative: light at its top left, dark grey (just off black) at its bottom
// right, on black, fading to black (its darkest pixels reach the black level first).
const Clip& logo_fading_to_black() {
  static const Clip c = logo_fading(0, [](double along, double fade) {
    const double shade = 215.0 - 95.0 * along;
    return shade * (1.0 - fade);
  });
  return c;
}

// An oscilloscope falling silent: a thin green trace (a sine redrawn a little further on every frame)
// over a dark grid, at full swing for 30 frames, flattening to a line over frames 30-69, then flat to
// frame 129. The black share passes 98% as the trace flattens, but the trace keeps its brightness.
const Clip& trace_flattening_on_black() {
  static const Clip c = [] {
    Clip frames;
    for (int i = 0; i < 130; ++i) {
      cv::Mat frame(162, 288, CV_8UC3, cv::Scalar::all(0));
      for (int x = 0; x < 288; x += 24) cv::line(frame, {x, 0}, {x, 161}, cv::Scalar::all(14));
      for (int y = 9; y < 162; y += 24) cv::line(frame, {0, y}, {287, y}, cv::Scalar::all(14));
      const double swing = 70.0 * std::clamp((69 - i) / 40.0, 0.0, 1.0);
      std::vector<cv::Point> trace;
      for (int x = 0; x < 288; ++x) {
        trace.emplace_back(x, cvRound(81.0 + swing * std::sin(2.0 * CV_PI * (x + 5 * i) / 48.0)));
      }
      cv::polylines(frame, trace, false, cv::Scalar(40, 170, 60), 1, cv::LINE_AA);
      frames.push_back(frame);
    }
    return frames;
  }();
  return c;
}

TEST(DetectorsAlone, BothCutDetectorsFindAHardCutAtTheFirstFrameOfTheNewShot) {
  for (auto* make : {&adaptive, &prediction}) {
    const auto found = run(make(), hard_cut());
    ASSERT_EQ(frames_of(found), (std::vector<int64_t>{30}));
    EXPECT_EQ(found[0].kind, CutKind::cut);
    EXPECT_EQ(found[0].first_frame, 30);
    EXPECT_EQ(found[0].last_frame, 30);
  }
}

TEST(DetectorsAlone, NoDetectorProposesABoundaryInsideOneMovingShot) {
  for (auto* make : {&adaptive, &prediction, &fade, &dissolve, &short_transition}) {
    EXPECT_EQ(frames_of(run(make(), one_shot())), std::vector<int64_t>{}) << make()->name();
  }
}

TEST(DetectorsAlone, TheDissolveDetectorReportsAMixOnceWithItsExtent) {
  const auto found = run(dissolve(), dissolving());
  ASSERT_EQ(found.size(), 1u) << ::testing::PrintToString(frames_of(found));
  EXPECT_EQ(found[0].kind, CutKind::dissolve);
  EXPECT_NEAR(static_cast<double>(found[0].first_frame), 30, 2);
  EXPECT_NEAR(static_cast<double>(found[0].last_frame), 39, 2);
  EXPECT_GT(found[0].frame, found[0].first_frame);
  // A mix changes every frame a little: no cut detector takes it for a cut.
  EXPECT_TRUE(run(adaptive(), dissolving()).empty());
  EXPECT_TRUE(run(prediction(), dissolving()).empty());
}

TEST(DetectorsAlone, TheDissolveDetectorFindsAMixBetweenShakyFlickeringShots) {
  const auto found = run(dissolve(), shaky_dissolving());
  ASSERT_EQ(found.size(), 1u) << ::testing::PrintToString(frames_of(found));
  EXPECT_EQ(found[0].kind, CutKind::dissolve);
  // Inside the mix (its extent is less sure than between still shots: the shake blurs its ends).
  EXPECT_GE(found[0].first_frame, 29);
  EXPECT_LE(found[0].frame, 41);
  EXPECT_GT(found[0].frame, found[0].first_frame);
  // The shake and the flicker alone are no dissolve.
  Clip one_shot;
  for (int i = 0; i < 70; ++i) one_shot.push_back(shaky(1, i));
  EXPECT_EQ(frames_of(run(dissolve(), one_shot)), std::vector<int64_t>{});
}

TEST(DetectorsAlone, TheFadeDetectorReportsFadeOutAndFadeInAsOneTransition) {
  const auto found = run(fade(), fading());
  ASSERT_EQ(found.size(), 1u) << ::testing::PrintToString(frames_of(found));
  EXPECT_EQ(found[0].kind, CutKind::fade);
  EXPECT_NEAR(static_cast<double>(found[0].first_frame), 30, 2);  // A starts to darken
  EXPECT_NEAR(static_cast<double>(found[0].frame), 60, 2);        // B at full strength
  EXPECT_TRUE(run(dissolve(), hard_cut()).empty());
  EXPECT_TRUE(run(fade(), hard_cut()).empty());
}

TEST(DetectorsAlone, TheFadeDetectorFollowsALogoFadingOutToWhite) {
  const auto found = run(fade(), logo_fading_to_white());
  ASSERT_EQ(found.size(), 1u) << ::testing::PrintToString(frames_of(found));
  EXPECT_EQ(found[0].kind, CutKind::fade);
  // White from about frame 66 on (the lightest columns are white before the fade ends).
  EXPECT_NEAR(static_cast<double>(found[0].frame), 66, 4);
  EXPECT_LT(found[0].first_frame, found[0].frame - 4);
  EXPECT_GE(found[0].first_frame, 30);
  // The same logo standing still on white is no fade.
  EXPECT_TRUE(run(fade(), Clip(logo_fading_to_white().begin(), logo_fading_to_white().begin() + 30)).empty());
}

TEST(DetectorsAlone, TheFadeDetectorFollowsALogoFadingOutToBlack) {
  const auto found = run(fade(), logo_fading_to_black());
  ASSERT_EQ(found.size(), 1u) << ::testing::PrintToString(frames_of(found));
  EXPECT_EQ(found[0].kind, CutKind::fade);
  // Black from about frame 66 on, as the logo on white is white.
  EXPECT_NEAR(static_cast<double>(found[0].frame), 66, 4);
  EXPECT_LT(found[0].first_frame, found[0].frame - 4);
  EXPECT_GE(found[0].first_frame, 30);
}

TEST(DetectorsAlone, ATraceFlatteningOnBlackIsNoFade) {
  const Clip& clip = trace_flattening_on_black();
  // What makes it hard: the picture turns black as a fade's would (98% of its pixels at black level).
  EXPECT_LT(scenes::compute_features(clip.front()).black_ratio, 0.95);
  EXPECT_GE(scenes::compute_features(clip.back()).black_ratio, 0.98);
  EXPECT_EQ(frames_of(run(fade(), clip)), std::vector<int64_t>{});
}

TEST(DetectorsAlone, TheShortTransitionDetectorFindsAFourFrameWipeThatIsNoHardCut) {
  const auto found = run(short_transition(), wiping());
  ASSERT_EQ(found.size(), 1u) << ::testing::PrintToString(frames_of(found));
  EXPECT_NEAR(static_cast<double>(found[0].first_frame), 30, 1);
  EXPECT_NEAR(static_cast<double>(found[0].last_frame), 33, 1);
  EXPECT_TRUE(run(short_transition(), hard_cut()).empty());
}

}  // namespace
