#include "pressreel/preview/shot_look.hpp"

#include <opencv2/imgproc.hpp>

namespace pressreel::preview {
namespace {

// Histogram correlation above this is the same palette...
constexpr double alike_colours = 0.80;
// ...and a mean thumbnail difference below this (of the full 0..1 range) the same framing.
constexpr double alike_layout = 0.08;

}  // namespace

ShotLook shot_look(const cv::Mat& bgr) {
  ShotLook look;
  if (bgr.empty()) return look;
  cv::Mat small, hsv, grey;
  // The look needs no detail: a small copy makes the histogram and thumbnail cheap.
  cv::resize(bgr, small, cv::Size(64, 36), 0, 0, cv::INTER_AREA);
  cv::cvtColor(small, hsv, cv::COLOR_BGR2HSV);
  const int channels[] = {0, 1};
  const int bins[] = {18, 8};
  const float hue[] = {0, 180}, saturation[] = {0, 256};
  const float* ranges[] = {hue, saturation};
  cv::calcHist(&hsv, 1, channels, cv::Mat(), look.colours, 2, bins, ranges);
  look.colours /= std::max(1.0, cv::sum(look.colours)[0]);
  cv::cvtColor(small, grey, cv::COLOR_BGR2GRAY);
  cv::resize(grey, grey, cv::Size(16, 9), 0, 0, cv::INTER_AREA);
  grey.convertTo(look.layout, CV_32F, 1.0 / 255);
  return look;
}

bool look_alike(const ShotLook& a, const ShotLook& b) {
  if (a.empty() || b.empty()) return false;
  if (cv::compareHist(a.colours, b.colours, cv::HISTCMP_CORREL) < alike_colours) return false;
  return cv::mean(cv::abs(a.layout - b.layout))[0] < alike_layout;
}

}  // namespace pressreel::preview
