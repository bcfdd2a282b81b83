// The dissolve detector on the dissolves trailers and featurettes use (2-3 s), on text cards that
// dissolve over one background, and on what changes as much over 3 s without being a dissolve: a
// slow pan, a zoom, a change of light, a title fading in over a shot. Pictures are made in memory
// (see scene_frames.hpp); eval-scenes counts a dissolve found when its frame is within a frame of
// the mixed frames, which is what these tests ask.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <vector>

#include "pressreel/scenes/boundary_detector.hpp"
#include "scene_frames.hpp"

namespace {

using namespace pressreel;
using pressreel::testing::Clip;
using pressreel::testing::frames_of;
using pressreel::testing::mix;
using pressreel::testing::run;
using pressreel::testing::texture;
using scenes::Boundary;
using scenes::CutKind;

std::unique_ptr<scenes::BoundaryDetector> dissolve() { return scenes::make_dissolve_detector({}, 25.0); }

// Frame `i` (0..160) of a slow drift over texture `seed`, 288x162: the camera moves 0.6 px a frame
// right and 0.2 px down (sub-pixel, as a real camera does).
cv::Mat drift(int seed, int i) {
  cv::Mat out;
  cv::getRectSubPix(texture(seed), cv::Size(288, 162), cv::Point2f(146.0f + 0.6f * i, 83.0f + 0.2f * i), out);
  return out;
}

// `before` frames of drifting shot A (seed 1), a linear mix over `mixed` frames into drifting shot B
// (seed 2), `after` frames of B: the mixed frames are before .. before + mixed - 1.
Clip drifting_dissolve(int before, int mixed, int after) {
  Clip frames;
  for (int i = 0; i < before + mixed + after; ++i) {
    const double t = std::clamp((i - before + 1) / (mixed + 1.0), 0.0, 1.0);
    frames.push_back(mix(drift(1, i), drift(2, i), t));
  }
  return frames;
}

// A word in dark grey letters over a light background (a soft vertical gradient with a little
// texture, as a title card's backdrop), 288x162.
cv::Mat card(const std::string& word) {
  cv::Mat out;
  cv::getRectSubPix(texture(7), cv::Size(288, 162), cv::Point2f(192, 108), out);
  out = 0.15 * out;  // faint texture
  cv::Mat gradient(162, 288, CV_8UC3);
  for (int y = 0; y < 162; ++y) gradient.row(y).setTo(cv::Scalar::all(200 + 40 * y / 161));
  out += gradient;
  cv::putText(out, word, cv::Point(30, 110), cv::FONT_HERSHEY_DUPLEX, 3.4, cv::Scalar(40, 40, 60), 12, cv::LINE_AA);
  return out;
}

void expect_one_dissolve(const std::vector<Boundary>& found, int64_t first_mixed, int64_t last_mixed) {
  ASSERT_EQ(found.size(), 1u) << ::testing::PrintToString(frames_of(found));
  EXPECT_EQ(found[0].kind, CutKind::dissolve);
  // eval-scenes finds a dissolve whose frame is within a frame of its mixed frames.
  EXPECT_GE(found[0].frame, first_mixed - 1);
  EXPECT_LE(found[0].frame, last_mixed + 1);
  // Its ends: on long mixes alpha leaves 0 and nears 1 slowly (and the shots move), so each end may be
  // taken a tenth of the mix inside.
  const double slack = std::max(3.0, (last_mixed - first_mixed + 1) / 10.0);
  EXPECT_NEAR(static_cast<double>(found[0].first_frame), static_cast<double>(first_mixed), slack);
  EXPECT_NEAR(static_cast<double>(found[0].frame), static_cast<double>(last_mixed + 1), slack);
}

TEST(LongDissolves, A2point8SecondDissolveBetweenDriftingShotsIsFoundWhole) {
  // 70 mixed frames, 30-99: longer than any window of two seconds.
  expect_one_dissolve(run(dissolve(), drifting_dissolve(30, 70, 40)), 30, 99);
}

TEST(LongDissolves, A2point4SecondDissolveIsFoundWhole) {
  expect_one_dissolve(run(dissolve(), drifting_dissolve(30, 60, 40)), 30, 89);
}

TEST(LongDissolves, TextCardsDissolvingOverOneBackgroundAreOneDissolve) {
  // "ANY" for 30 frames, 40 mixed frames (30-69) into "KEY", which holds for 40 frames. The letters
  // cover a small part of the picture: the background stays.
  const cv::Mat a = card("ANY"), b = card("KEY");
  Clip frames;
  for (int i = 0; i < 110; ++i) frames.push_back(mix(a, b, std::clamp((i - 29) / 41.0, 0.0, 1.0)));
  expect_one_dissolve(run(dissolve(), frames), 30, 69);
}

TEST(LongDissolves, LongTextCardDissolveIsOneDissolve) {
  // As wx3.2-examples_press: 60 mixed frames (30-89) between two words.
  const cv::Mat a = card("ANY"), b = card("KEY");
  Clip frames;
  for (int i = 0; i < 140; ++i) frames.push_back(mix(a, b, std::clamp((i - 29) / 61.0, 0.0, 1.0)));
  expect_one_dissolve(run(dissolve(), frames), 30, 89);
}

TEST(LongDissolves, ATitleFadingInOverAStillShotIsNoDissolve) {
  // White letters fade in over frames 30-89 on a still shot: only the letters change, and the shot
  // around them holds detail.
  Clip frames;
  for (int i = 0; i < 130; ++i) {
    cv::Mat frame = drift(1, 0), titled = frame.clone();
    cv::putText(titled, "KEY", cv::Point(46, 108), cv::FONT_HERSHEY_DUPLEX, 3.0, cv::Scalar::all(255), 8, cv::LINE_AA);
    frames.push_back(mix(frame, titled, std::clamp((i - 29) / 61.0, 0.0, 1.0)));
  }
  EXPECT_EQ(frames_of(run(dissolve(), frames)), std::vector<int64_t>{});
}

TEST(LongDissolves, ASlowPanOverFourSecondsIsNoDissolve) {
  Clip frames;
  for (int i = 0; i < 100; ++i) frames.push_back(drift(1, i));
  EXPECT_EQ(frames_of(run(dissolve(), frames)), std::vector<int64_t>{});
}

TEST(LongDissolves, AZoomOverThreeSecondsIsNoDissolve) {
  // From the whole texture to its middle 60% over frames 20-94, then held.
  Clip frames;
  for (int i = 0; i < 120; ++i) {
    const double scale = 1.0 - 0.4 * std::clamp((i - 20) / 75.0, 0.0, 1.0);
    cv::Mat window, out;
    cv::getRectSubPix(texture(3), cv::Size(static_cast<int>(384 * scale), static_cast<int>(216 * scale)),
                      cv::Point2f(192, 108), window);
    cv::resize(window, out, cv::Size(288, 162), 0, 0, cv::INTER_AREA);
    frames.push_back(out);
  }
  EXPECT_EQ(frames_of(run(dissolve(), frames)), std::vector<int64_t>{});
}

TEST(LongDissolves, ALightChangeOverThreeSecondsIsNoDissolve) {
  // A drifting shot turns warmer and darker over frames 20-94: blue and green lose a third, red a tenth.
  Clip frames;
  for (int i = 0; i < 120; ++i) {
    const double t = std::clamp((i - 20) / 75.0, 0.0, 1.0);
    cv::Mat frame = drift(1, i);
    cv::multiply(frame, cv::Scalar(1.0 - 0.33 * t, 1.0 - 0.33 * t, 1.0 - 0.1 * t), frame);
    frames.push_back(frame);
  }
  EXPECT_EQ(frames_of(run(dissolve(), frames)), std::vector<int64_t>{});
}

}  // namespace
