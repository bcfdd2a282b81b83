// The motion- and exposure-compensated prediction signal and the detector built on it, on pictures and
// frame records made here (no decoding).
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include <vector>

#include "pressreel/scenes/boundary_detector.hpp"
#include "pressreel/scenes/flash_filter.hpp"
#include "pressreel/scenes/predictability.hpp"
#include "scenes/motion_prediction.hpp"

namespace {

using namespace pressreel;

// A textured luma picture (smooth blobs plus fine noise), the same for a seed.
cv::Mat texture(int seed, cv::Size size = {384, 216}) {
  cv::RNG rng(seed);
  cv::Mat noise(size, CV_32F);
  rng.fill(noise, cv::RNG::UNIFORM, 0.0, 255.0);
  cv::Mat blobs;
  cv::GaussianBlur(noise, blobs, cv::Size(0, 0), 6.0);
  cv::normalize(blobs, blobs, 0, 255, cv::NORM_MINMAX);
  cv::Mat out;
  blobs.convertTo(out, CV_8U);
  return out;
}

cv::Mat window(const cv::Mat& big, int x, int y) { return big(cv::Rect(x, y, 192, 108)).clone(); }

TEST(MotionPrediction, APanIsPredictedAndACutIsNot) {
  const cv::Mat scene = texture(1), other = texture(2);
  const scenes::Prediction pan = scenes::predict(window(scene, 40, 30), window(scene, 46, 33));
  const scenes::Prediction cut = scenes::predict(window(scene, 40, 30), window(other, 40, 30));
  EXPECT_LT(pan.residual, 4.0);
  EXPECT_LT(pan.unexplained, 0.05);
  EXPECT_GT(cut.residual, 20.0);
  EXPECT_GT(cut.unexplained, 0.3);
  // Without motion compensation the pan is a large change.
  EXPECT_GT(pan.flicker, 3 * pan.residual);
}

TEST(MotionPrediction, AChangeOfExposureIsPredicted) {
  const cv::Mat frame = window(texture(3), 10, 10);
  cv::Mat darker;
  frame.convertTo(darker, CV_8U, 0.6, 20);  // a flicker of the light: gain and offset
  const scenes::Prediction p = scenes::predict(frame, darker);
  EXPECT_LT(p.flicker, 2.0);
  EXPECT_LT(p.unexplained, 0.02);
  EXPECT_GT(cv::norm(frame, darker, cv::NORM_L1) / static_cast<double>(frame.total()), 20.0);
}

TEST(MotionPrediction, AnObjectEnteringLeavesMostOfThePicturePredicted) {
  const cv::Mat background = window(texture(4), 0, 0);
  cv::Mat with_object = background.clone();
  texture(5)(cv::Rect(0, 0, 50, 60)).copyTo(with_object(cv::Rect(100, 20, 50, 60)));
  const scenes::Prediction p = scenes::predict(background, with_object);
  EXPECT_LT(p.unexplained, 0.2);
}

// Frame records whose differences carry `residual` and `unexplained` (and a score above the minimum).
scenes::FrameHistory history_of(const std::vector<std::pair<double, double>>& frames) {
  scenes::FrameHistory history(64);
  for (size_t i = 0; i < frames.size(); ++i) {
    scenes::FrameRecord r;
    r.index = static_cast<int64_t>(i);
    r.mean_luma = 120;
    r.diff.residual = frames[i].first;
    r.diff.unexplained = frames[i].second;
    r.diff.score = i == 0 ? 0.0 : 40.0;
    history.push(r);
  }
  return history;
}

std::vector<int64_t> run(const std::vector<std::pair<double, double>>& frames) {
  auto detector = scenes::make_prediction_cut_detector(scenes::SceneOptions{});
  scenes::FrameHistory history(64);
  std::vector<int64_t> found;
  const scenes::FrameHistory all = history_of(frames);
  for (int64_t i = 0; i <= all.newest_index(); ++i) {
    history.push(all.at(i));
    for (const auto& b : detector->process(history)) found.push_back(b.frame);
  }
  return found;
}

TEST(PredictionCutDetector, CutsWhereOneFrameIsUnpredictableBesidePredictableOnes) {
  std::vector<std::pair<double, double>> frames(20, {3.0, 0.02});
  frames[10] = {45.0, 0.7};
  EXPECT_EQ(run(frames), (std::vector<int64_t>{10}));
}

TEST(PredictionCutDetector, CutsOutOfAnUnpredictableStretchIntoAPredictableOne) {
  std::vector<std::pair<double, double>> frames(20, {3.0, 0.02});
  for (int i = 0; i < 10; ++i) frames[i] = {40.0, 0.6};  // a visualiser: nothing predicts anything
  frames[10] = {48.0, 0.7};
  EXPECT_EQ(run(frames), (std::vector<int64_t>{10}));
}

TEST(PredictionCutDetector, NeverCutsInsideAStretchThatIsUnpredictableThroughout) {
  std::vector<std::pair<double, double>> frames;
  for (int i = 0; i < 30; ++i) frames.push_back({35.0 + (i * 7) % 11, 0.5});  // constant change, no standout
  EXPECT_TRUE(run(frames).empty());
}

TEST(PredictionCutDetector, NeverCutsWhenMostOfThePictureIsPredicted) {
  std::vector<std::pair<double, double>> frames(20, {1.0, 0.0});
  frames[10] = {12.0, 0.15};  // a large object entering: high error, but on a small share
  EXPECT_TRUE(run(frames).empty());
}

// A 48x27 BGR thumbnail of texture `seed`, scaled by `gain` and lifted by `lift` (0..255).
cv::Mat thumb(int seed, double gain = 1.0, double lift = 0.0) {
  cv::Mat grey, bgr, out;
  cv::resize(texture(seed), grey, cv::Size(48, 27), 0, 0, cv::INTER_AREA);
  cv::cvtColor(grey, bgr, cv::COLOR_GRAY2BGR);
  bgr.convertTo(out, CV_32FC3, gain, lift);
  return out;
}

// Frames 0-9 show `before`; frame 10 `at`; frames 11-19 `after`.
bool flash_at_10(const cv::Mat& before, const cv::Mat& at, const cv::Mat& after) {
  scenes::FrameHistory history(64);
  for (int64_t i = 0; i < 20; ++i) {
    scenes::FrameRecord r;
    r.index = i;
    r.thumb = i < 10 ? before : i == 10 ? at : after;
    r.mean_luma = cv::mean(r.thumb)[0];
    history.push(r);
  }
  scenes::Boundary cut;
  cut.frame = cut.first_frame = cut.last_frame = 10;
  return scenes::FlashFilter(3).is_flash(cut, history);
}

TEST(FlashFilter, AFlashReturnsToTheSamePicture) {
  EXPECT_TRUE(flash_at_10(thumb(7), thumb(7, 0.3, 170), thumb(7)));
}

TEST(FlashFilter, ACutIntoAFlickeringShotIsNotAFlash) {
  // The new shot's first frame is brighter than the rest of it (old-film flicker): it is darker after
  // the first frame, and closer to the old shot in plain pixels than that bright frame, but another picture.
  EXPECT_FALSE(flash_at_10(thumb(8, 0.6, 40), thumb(9, 0.5, 150), thumb(9, 0.5, 60)));
}

// Frame records whose differences carry only the prediction's error and the colour change.
scenes::FrameHistory errors(const std::vector<double>& residuals, double colour_at_10 = 0.0) {
  scenes::FrameHistory history(64);
  for (size_t i = 0; i < residuals.size(); ++i) {
    scenes::FrameRecord r;
    r.index = static_cast<int64_t>(i);
    r.diff.residual = residuals[i];
    r.diff.colour = i == 10 ? colour_at_10 : 0.0;
    history.push(r);
  }
  return history;
}

TEST(Predictability, BusyMotionIsPredictableAndACutInItIsNot) {
  std::vector<double> busy(20);
  for (size_t i = 0; i < busy.size(); ++i) busy[i] = 8.0 + static_cast<double>(i % 3);  // a swirl: 8-10
  busy[10] = 12.0;  // a little more than usual: still the swirl
  EXPECT_TRUE(scenes::predictable(errors(busy), 10));
  busy[10] = 30.0;
  EXPECT_FALSE(scenes::predictable(errors(busy), 10));
}

TEST(Predictability, BothEdgesOfATwoFrameInsertAreUnpredictable) {
  std::vector<double> residuals(20, 3.0);
  residuals[10] = residuals[12] = 20.0;  // each edge has the other among its neighbours
  EXPECT_FALSE(scenes::predictable(errors(residuals), 10));
  EXPECT_FALSE(scenes::predictable(errors(residuals), 12));
  EXPECT_TRUE(scenes::predictable(errors(residuals), 11));
}

TEST(Predictability, ANewColourIsNotPredictedFromLuma) {
  const std::vector<double> still(20, 2.0);  // the same layout: luma prediction explains every frame
  EXPECT_TRUE(scenes::predictable(errors(still, 0.1), 10));
  EXPECT_FALSE(scenes::predictable(errors(still, 0.9), 10));
}

TEST(Predictability, WithoutNeighboursTheDetectorsDecide) {
  EXPECT_FALSE(scenes::predictable(errors({2.0, 2.0}), 1));
  EXPECT_FALSE(scenes::predictable(errors({2.0, 2.0, 2.0}), 7));
}

// Frames 0-9, 10-11 and 12-19 show `a`, `insert` and `b`.
bool insert_at_10(const cv::Mat& a, const cv::Mat& insert, const cv::Mat& b) {
  scenes::FrameHistory history(64);
  for (int64_t i = 0; i < 20; ++i) {
    scenes::FrameRecord r;
    r.index = i;
    r.thumb = i < 10 ? a : i < 12 ? insert : b;
    history.push(r);
  }
  return scenes::is_insert(history, 10, 11);
}

TEST(FlashFilter, AnInsertHasAPictureABlankOrWashedOutFrameHasNone) {
  EXPECT_TRUE(insert_at_10(thumb(7), thumb(8, 0.3, 170), thumb(9)));  // faint, but a picture
  EXPECT_FALSE(insert_at_10(thumb(7), thumb(8, 0.0, 250), thumb(9)));
  EXPECT_FALSE(insert_at_10(thumb(7), thumb(7, 0.02, 240), thumb(9)));
}

}  // namespace
