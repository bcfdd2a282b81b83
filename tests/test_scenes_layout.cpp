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

// A picture in colour (YCrCb): `luma` with one hue all over.
cv::Mat in_colour(const cv::Mat& luma, int cr, int cb) {
  cv::Mat ycrcb;
  const cv::Mat red(luma.size(), CV_8U, cv::Scalar(cr)), blue(luma.size(), CV_8U, cv::Scalar(cb));
  cv::merge(std::vector<cv::Mat>{luma, red, blue}, ycrcb);
  return ycrcb;
}

TEST(LayoutChange, AColourfulWindowOverHalfADesktopLeavesWholeRegionsAroundIt) {
  const cv::Mat desktop = screen(1);
  const cv::Mat desktop_colour = in_colour(desktop, 120, 150);  // blue-grey
  // An orange window with a border and lines of text over half of the picture.
  const cv::Rect box(40, 20, 120, 80);
  cv::Mat window = desktop.clone(), window_colour = desktop_colour.clone();
  window(box).setTo(cv::Scalar(150));
  window_colour(box).setTo(cv::Scalar(150, 180, 80));
  for (cv::Mat* picture : {&window, &window_colour}) {
    cv::rectangle(*picture, box, cv::Scalar::all(230), 2);
    for (int y = box.y + 12; y < box.br().y - 8; y += 10) {
      cv::line(*picture, {box.x + 8, y}, {box.x + 90, y}, cv::Scalar::all(20));
    }
  }
  cv::Mat window_luma;
  cv::extractChannel(window_colour, window_luma, 0);
  const scenes::LayoutChange c = scenes::layout_change(std::vector<cv::Mat>{desktop, desktop, desktop}, window_luma,
                                                       desktop_colour, window_colour);
  EXPECT_GT(c.kept_regions, 0.2);  // what layout_stays asks for
}

TEST(LayoutChange, TextKeptOverABackgroundOfAnotherColourLeavesNoWholeRegion) {
  // The same luma, every pixel in place, in another hue: in luma alone the whole layout stays.
  const cv::Mat page = screen(2);
  const scenes::LayoutChange luma_only = scenes::layout_change(std::vector<cv::Mat>{page, page, page}, page);
  EXPECT_GT(luma_only.kept_regions, 0.25);
  const scenes::LayoutChange c = scenes::layout_change(std::vector<cv::Mat>{page, page, page}, page,
                                                       in_colour(page, 120, 150), in_colour(page, 170, 100));
  EXPECT_GT(c.kept, 0.9);
  EXPECT_EQ(c.kept_regions, 0.0);
}

TEST(LayoutChange, ASwitchUnderATopBarKeepsOnlyTheBarsRowOfRegions) {
  // The top bar, one row of blocks tall (108 / 9 = 12 rows), stays; the view below it is another.
  const cv::Mat before = screen(2);
  cv::Mat after = screen(3);
  before.rowRange(0, 12).copyTo(after.rowRange(0, 12));
  const scenes::LayoutChange c = change({before, before, before}, after);
  EXPECT_LE(c.kept_regions, 1.0 / 9.0 + 1e-9);
}

TEST(LayoutChange, TheFirstFrameHasNoLayout) {
  const scenes::LayoutChange c = change({}, screen(1));
  EXPECT_EQ(c.layout, 0.0);
  EXPECT_EQ(c.kept, 0.0);
}

// A frame record whose difference to the frame before carries a layout change and a colour change.
scenes::FrameHistory one_change(double layout, double layout_kept, double still_kept, double colour = 0.0,
                                double still = 1.0, double kept_regions = 0.0) {
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
      r.diff.kept_regions = kept_regions;
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

TEST(LayoutStays, WhenWholeRegionsStayAroundAWindowOfNewColours) {
  // The GNOME screencast's Displays window opening (frame 60) and closing (535): the colours change
  // as much as at a cut, half of the structure is under the window, the desktop around it stays whole.
  EXPECT_TRUE(scenes::layout_stays(one_change(0.28, 0.55, 0.6, 0.45, 1.0, 0.3), 2));
  EXPECT_TRUE(scenes::layout_stays(one_change(0.34, 0.46, 0.58, 0.45, 1.0, 0.3), 2));
  EXPECT_FALSE(scenes::layout_stays(one_change(0.34, 0.46, 0.58, 0.45, 1.0, 0.1), 2));  // a top bar's row
  EXPECT_FALSE(scenes::layout_stays(one_change(0.34, 0.46, 0.58, 0.45, 0.2, 0.3), 2));  // a camera's picture
  EXPECT_FALSE(scenes::layout_stays(one_change(0.34, 0.46, 0.3, 0.45, 1.0, 0.3), 2));   // most still areas change
}

TEST(LayoutStays, NotWhenWhatStaysIsAsSmallAsALogo) {
  EXPECT_FALSE(scenes::layout_stays(one_change(0.03, 1.0, 1.0), 2));
  EXPECT_FALSE(scenes::layout_stays(one_change(0.3, 0.7, 0.8), 7));  // a frame not kept: nothing to judge by
}

}  // namespace
