// A frame's signals measured in one pass over its pixels give what the textbook formulas give.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "pressreel/media/scaler.hpp"
#include "pressreel/stills/frame_score.hpp"

namespace pressreel::stills {
namespace {

// Hasler & Suesstrunk's colourfulness, written out with OpenCV on a quarter of the pixels (every other
// pixel of every other row), as the scorer measured it before it took one pass over the pixels.
double colourfulness_reference(const cv::Mat& bgr) {
  cv::Mat small = bgr, f;
  if (bgr.cols >= 2 && bgr.rows >= 2) cv::resize(bgr, small, {}, 0.5, 0.5, cv::INTER_NEAREST);
  small.convertTo(f, CV_32F);
  cv::Mat ch[3];
  cv::split(f, ch);
  const cv::Mat rg = ch[2] - ch[1];
  const cv::Mat yb = 0.5 * (ch[2] + ch[1]) - ch[0];
  cv::Scalar rg_mean, rg_std, yb_mean, yb_std;
  cv::meanStdDev(rg, rg_mean, rg_std);
  cv::meanStdDev(yb, yb_mean, yb_std);
  return std::hypot(rg_std[0], yb_std[0]) + 0.3 * std::hypot(rg_mean[0], yb_mean[0]);
}

// Sharpness (the Laplacian's variance) and edge density (|Laplacian| > 40) at the analysis width, as
// OpenCV gives them in floating point.
std::pair<double, double> laplacian_reference(const cv::Mat& bgr) {
  cv::Mat gray, laplacian, strong;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  if (const cv::Size size = media::analysis_size(gray.size(), analysis_width, true); size != gray.size()) {
    cv::resize(gray, gray, size, 0, 0, gray.cols > size.width ? cv::INTER_AREA : cv::INTER_LINEAR);
  }
  cv::Laplacian(gray, laplacian, CV_32F);
  cv::Scalar mean, stddev;
  cv::meanStdDev(laplacian, mean, stddev);
  cv::compare(cv::abs(laplacian), 40.0, strong, cv::CMP_GT);
  return {stddev[0] * stddev[0], cv::countNonZero(strong) / static_cast<double>(gray.total())};
}

TEST(FrameSignals, SharpnessAndEdgeDensityMatchTheLaplacianInFloatingPoint) {
  cv::RNG rng(11);
  const std::vector<cv::Size> sizes = {{640, 360}, {641, 361}, {1280, 720}, {333, 17}, {2, 2}, {1, 9}, {9, 1}, {1, 1}};
  for (const cv::Size size : sizes) {
    cv::Mat noise(size, CV_8UC3), blurred;
    rng.fill(noise, cv::RNG::UNIFORM, 0, 256);
    cv::GaussianBlur(noise, blurred, {5, 5}, 1.5);
    for (const cv::Mat& bgr : {noise, blurred}) {
      const auto [sharpness, edges] = laplacian_reference(bgr);
      const FrameSignals got = measure_frame(bgr);
      EXPECT_NEAR(got.sharpness, sharpness, 1e-9 * std::max(1.0, sharpness)) << size;
      EXPECT_DOUBLE_EQ(got.edge_density, edges) << size;
    }
  }
  // A hard edge: values at exactly +-40 and beyond, and a view whose rows are not contiguous.
  cv::Mat steps(200, 300, CV_8UC3, cv::Scalar::all(100));
  steps(cv::Rect(150, 0, 150, 200)).setTo(cv::Scalar::all(140));
  steps(cv::Rect(0, 100, 300, 100)).setTo(cv::Scalar::all(250));
  const cv::Mat view = steps(cv::Rect(3, 5, 201, 151));
  for (const cv::Mat& bgr : {steps, view}) {
    const auto [sharpness, edges] = laplacian_reference(bgr);
    const FrameSignals got = measure_frame(bgr);
    EXPECT_NEAR(got.sharpness, sharpness, 1e-9 * std::max(1.0, sharpness));
    EXPECT_DOUBLE_EQ(got.edge_density, edges);
    EXPECT_GT(got.edge_density, 0.0);
  }
}

TEST(FrameSignals, ColourfulnessMatchesTheFormulaOnAQuarterOfThePixels) {
  cv::RNG rng(7);
  // Odd sizes (which pixels make the quarter), a line, a single pixel, and a view into a larger image
  // (rows not contiguous).
  const std::vector<cv::Size> sizes = {{640, 360}, {641, 361}, {333, 17}, {2, 2}, {3, 3}, {1, 9}, {9, 1}, {1, 1}};
  for (const cv::Size size : sizes) {
    for (const bool flat : {false, true}) {
      cv::Mat bgr(size, CV_8UC3);
      if (flat) bgr.setTo(cv::Scalar(30, 200, 90));
      else rng.fill(bgr, cv::RNG::UNIFORM, 0, 256);
      EXPECT_NEAR(measure_frame(bgr).colourfulness, colourfulness_reference(bgr), 1e-9)
          << size << (flat ? " flat" : " noise");
    }
  }
  cv::Mat large(400, 700, CV_8UC3);
  rng.fill(large, cv::RNG::UNIFORM, 0, 256);
  const cv::Mat view = large(cv::Rect(13, 7, 501, 303));
  EXPECT_NEAR(measure_frame(view).colourfulness, colourfulness_reference(view), 1e-9);
  // A smooth gradient: the opponent channels' spread and mean both count.
  cv::Mat gradient(240, 320, CV_8UC3);
  for (int y = 0; y < gradient.rows; ++y) {
    for (int x = 0; x < gradient.cols; ++x) gradient.at<cv::Vec3b>(y, x) = cv::Vec3b(x * 255 / 319, y, 255 - y);
  }
  EXPECT_NEAR(measure_frame(gradient).colourfulness, colourfulness_reference(gradient), 1e-9);
}

}  // namespace
}  // namespace pressreel::stills
