// Whether the previous picture's still structure survives a frame (layout_survival.hpp), and the
// veto of hard cuts built on it, on pictures drawn here: a trace redrawn over a fixed grid and a
// dialog opening over a desktop keep the layout; a switch to another view and a jump cut on a
// camera's noisy picture do not.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include <vector>

#include "pressreel/scenes/predictability.hpp"
#include "scenes/layout_survival.hpp"

namespace {

using namespace pressreel;

const cv::Size kSize{192, 108};

// A desktop-like screen: smooth shading with sharp-edged panels and text-like strokes, the same for
// a seed.
cv::Mat screen(int seed) {
  cv::RNG rng(seed);
  cv::Mat noise(kSize, CV_32F);
  rng.fill(noise, cv::RNG::UNIFORM, 0.0, 255.0);
  cv::Mat shading;
  cv::GaussianBlur(noise, shading, cv::Size(0, 0), 8.0);
  cv::normalize(shading, shading, 60, 180, cv::NORM_MINMAX);
  cv::Mat out;
  shading.convertTo(out, CV_8U);
  for (int i = 0; i < 40; ++i) {
    const cv::Point a(rng.uniform(0, kSize.width), rng.uniform(0, kSize.height));
    const cv::Point b = a + cv::Point(rng.uniform(4, 30), rng.uniform(2, 12));
    cv::rectangle(out, a, b, cv::Scalar(rng.uniform(0, 2) * 230 + 10), 1);
  }
  return out;
}

// The oscilloscope: a dim grid on black, with a bright waveform filled from the centre line, one
// random waveform per seed.
cv::Mat scope(int seed) {
  cv::Mat out(kSize, CV_8U, cv::Scalar(4));
  for (int x = 0; x < kSize.width; x += 12) cv::line(out, {x, 0}, {x, kSize.height - 1}, cv::Scalar(40));
  for (int y = 0; y < kSize.height; y += 12) cv::line(out, {0, y}, {kSize.width - 1, y}, cv::Scalar(40));
  cv::RNG rng(seed);
  const int centre = kSize.height / 2;
  double level = 0;
  for (int x = 0; x < kSize.width; ++x) {
    level = std::clamp(level + rng.gaussian(4.0), -30.0, 30.0);
    cv::line(out, {x, centre}, {x, centre - static_cast<int>(level)}, cv::Scalar(200));
  }
  return out;
}

scenes::LayoutChange change(const std::vector<cv::Mat>& before, const cv::Mat& current) {
  return scenes::layout_change(before, current);
}

TEST(LayoutChange, ATraceRedrawnOverAFixedGridKeepsTheGrid) {
  const scenes::LayoutChange c = change({scope(1), scope(2), scope(3)}, scope(4));
  EXPECT_GT(c.layout, 0.05);
  EXPECT_GT(c.kept, 0.8);
}

TEST(LayoutChange, ADialogOverADesktopKeepsTheRestOfTheDesktop) {
  const cv::Mat desktop = screen(1);
  cv::Mat dialog = desktop.clone();
  // 40% of the picture: a flat panel with a border and a few lines of text.
  const cv::Rect box(30, 10, 120, 65);
  dialog(box).setTo(cv::Scalar(220));
  cv::rectangle(dialog, box, cv::Scalar(30), 2);
  for (int y = box.y + 12; y < box.br().y - 8; y += 10) cv::line(dialog, {box.x + 8, y}, {box.x + 90, y}, cv::Scalar(20));
  const scenes::LayoutChange c = change({desktop, desktop, desktop}, dialog);
  EXPECT_GT(c.layout, 0.1);
  EXPECT_GT(c.kept, 0.5);
  EXPECT_LT(c.kept, 0.8);
}

TEST(LayoutChange, ASwitchToAnotherViewKeepsAlmostNothing) {
  const cv::Mat view = screen(2);
  const scenes::LayoutChange c = change({view, view, view}, screen(3));
  EXPECT_GT(c.layout, 0.1);
  EXPECT_LT(c.kept, 0.3);
}

// A still camera: a textured set with the sensor's noise on every frame, a subject that moves a little
// before the jump and stands elsewhere after it.
cv::Mat camera_frame(int frame, cv::Point subject) {
  cv::Mat set = screen(4);
  cv::circle(set, subject, 20, cv::Scalar(30), cv::FILLED);
  cv::Mat noise(kSize, CV_16S);
  cv::RNG rng(100 + frame);
  rng.fill(noise, cv::RNG::NORMAL, 0.0, 3.0);
  cv::Mat out;
  set.convertTo(out, CV_16S);
  out += noise;
  out.convertTo(out, CV_8U);
  return out;
}

TEST(LayoutChange, OnACamerasNoisyPictureLittleIsStill) {
  const scenes::LayoutChange c = change({camera_frame(0, {60, 50}), camera_frame(1, {61, 50}), camera_frame(2, {62, 51})},
                                        camera_frame(3, {140, 60}));
  EXPECT_LT(c.still, 0.5);  // below what layout_stays asks for
}

TEST(LayoutChange, TheFirstFrameHasNoLayout) {
  const scenes::LayoutChange c = change({}, screen(1));
  EXPECT_EQ(c.layout, 0.0);
  EXPECT_EQ(c.kept, 0.0);
}

// A frame record whose difference to the frame before carries a layout change and a colour change.
scenes::FrameHistory one_change(double layout, double layout_kept, double still_kept, double colour = 0.0,
                                double still = 1.0) {
  scenes::FrameHistory history(8);
  for (int64_t i = 0; i < 3; ++i) {
    scenes::FrameRecord r;
    r.index = i;
    if (i == 2) {
      r.diff.layout = layout;
      r.diff.layout_kept = layout_kept;
      r.diff.still = still;
      r.diff.still_kept = still_kept;
      r.diff.colour = colour;
    }
    history.push(r);
  }
  return history;
}

TEST(LayoutStays, WhenMostOfTheStructureAndOfTheStillAreasStay) {
  EXPECT_TRUE(scenes::layout_stays(one_change(0.3, 0.7, 0.8), 2));  // a dialog over a desktop
  EXPECT_FALSE(scenes::layout_stays(one_change(0.3, 0.1, 0.1), 2));  // another view
}

TEST(LayoutStays, NotWhenOnlyTheFlatBackgroundStays) {
  // New drawings on a white page that stays: the structure is replaced.
  EXPECT_FALSE(scenes::layout_stays(one_change(0.1, 0.2, 0.95), 2));
}

TEST(LayoutStays, NotWhenOnlyTheStructureStays) {
  // Text that stays on a background that changes (in luma, or in colour at the same luma).
  EXPECT_FALSE(scenes::layout_stays(one_change(0.2, 0.8, 0.1), 2));
  EXPECT_FALSE(scenes::layout_stays(one_change(0.2, 0.8, 0.9, 0.6), 2));
}

TEST(LayoutStays, NotWhenLittleOfThePictureWasStill) {
  // A jump cut on a camera's noisy picture: what was still by chance stays, but that is no layout.
  EXPECT_FALSE(scenes::layout_stays(one_change(0.1, 0.9, 0.9, 0.0, 0.2), 2));
}

TEST(LayoutStays, NotWhenWhatStaysIsAsSmallAsALogo) {
  EXPECT_FALSE(scenes::layout_stays(one_change(0.03, 1.0, 1.0), 2));
  EXPECT_FALSE(scenes::layout_stays(one_change(0.3, 0.7, 0.8), 7));  // a frame not kept: nothing to judge by
}

}  // namespace
