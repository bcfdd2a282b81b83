// A frame's signals measured in one pass over its pixels give what the textbook formulas give.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

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
