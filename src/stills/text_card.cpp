#include "stills/text_card.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "pressreel/media/scaler.hpp"

namespace pressreel::stills {
namespace {

constexpr int measure_width = 640;
constexpr int block = 16;
// Sobel |gx| + |gy| on 0..255 luma: a rendered letter's edge is a step of most of the range over a
// pixel or two (300 is a step of about 75 levels); "flat" is a slope of a few levels per pixel.
constexpr int step_edge = 300;
constexpr int flat_slope = 24;
// Flat fill next to a step: within this many pixels of one (a stroke's half width at 640 px).
constexpr int stroke_reach = 4;
// A graphic block: at least this share of its pixels on steps, and this share flat fill beside them.
constexpr double block_steps = 0.10;
constexpr double block_fill = 0.15;

double clamp01(double v) {
  return std::clamp(v, 0.0, 1.0);
}

// The evidence, and the text lines' boxes in the measured copy's blocks.
struct Measured {
  TextEvidence evidence;
  std::vector<cv::Rect> lines;  // in blocks of `block` pixels of the measured copy
  cv::Size measured;            // the measured copy's size
};

Measured measure(const cv::Mat& gray_in) {
  Measured m;
  TextEvidence& e = m.evidence;
  cv::Mat gray = gray_in;
  if (const cv::Size size = media::analysis_size(gray.size(), measure_width, true); size != gray.size()) {
    cv::resize(gray, gray, size, 0, 0, gray.cols > size.width ? cv::INTER_AREA : cv::INTER_LINEAR);
  }
  m.measured = gray.size();
  const int rows = gray.rows / block, cols = gray.cols / block;
  if (rows < 1 || cols < 3) return m;
  cv::Mat gx, gy;
  cv::Sobel(gray, gx, CV_16S, 1, 0);
  cv::Sobel(gray, gy, CV_16S, 0, 1);
  const cv::Mat slope = cv::abs(gx) + cv::abs(gy);  // at most 2040: no saturation in 16 bits
  cv::Mat steps, flat, fill;
  cv::compare(slope, step_edge, steps, cv::CMP_GT);
  cv::compare(slope, flat_slope, flat, cv::CMP_LT);
  e.flat_background = cv::countNonZero(flat) / static_cast<double>(flat.total());
  // Pixels within stroke_reach of a step (city-block distance): the step mask grown by a 3x3 cross
  // once per pixel of reach, exactly what a distance transform would give, at a tenth of its cost.
  cv::dilate(steps, fill, cv::getStructuringElement(cv::MORPH_CROSS, {3, 3}), {-1, -1}, stroke_reach);
  cv::bitwise_and(fill, flat, fill);

  // Block shares, by area-averaging the 0/255 masks down to one value per block.
  const cv::Rect whole(0, 0, cols * block, rows * block);
  cv::Mat step_share, fill_share;
  cv::resize(steps(whole), step_share, {cols, rows}, 0, 0, cv::INTER_AREA);
  cv::resize(fill(whole), fill_share, {cols, rows}, 0, 0, cv::INTER_AREA);
  cv::Mat graphic = (step_share > block_steps * 255) & (fill_share > block_fill * 255);

  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(graphic, labels, stats, centroids, 8);
  int line_blocks = 0;
  for (int i = 1; i < n; ++i) {
    const int w = stats.at<int>(i, cv::CC_STAT_WIDTH), h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
    if (w >= 3 && w >= 2 * h) {
      line_blocks += stats.at<int>(i, cv::CC_STAT_AREA);
      m.lines.emplace_back(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP), w, h);
    }
  }
  e.text_lines = line_blocks / static_cast<double>(rows * cols);
  return m;
}

}  // namespace

TextEvidence measure_text(const cv::Mat& gray) {
  return measure(gray).evidence;
}

std::vector<cv::Rect> text_line_boxes(const cv::Mat& gray) {
  const Measured m = measure(gray);
  std::vector<cv::Rect> boxes;
  const double sx = static_cast<double>(gray.cols) / m.measured.width;
  const double sy = static_cast<double>(gray.rows) / m.measured.height;
  for (const cv::Rect& b : m.lines) {
    // Blocks to pixels of `gray`, rounded outwards: a box must hold its whole line.
    const int x0 = static_cast<int>(std::floor(b.x * block * sx)), y0 = static_cast<int>(std::floor(b.y * block * sy));
    const int x1 = static_cast<int>(std::ceil((b.x + b.width) * block * sx));
    const int y1 = static_cast<int>(std::ceil((b.y + b.height) * block * sy));
    boxes.push_back(cv::Rect(x0, y0, x1 - x0, y1 - y0) & cv::Rect({0, 0}, gray.size()));
  }
  return boxes;
}

double card_likelihood(const TextEvidence& e) {
  // Tuned on the shared clips and part of the pool: Big Buck Bunny's title has 0.09-0.11 of its frame
  // in text lines, natural frames mostly under 0.02 (a bird over a clear sky 0.03-0.04); a frame
  // counter or a copyright line on black has 0.03-0.04 on a background 96% flat.
  const double wide_text = clamp01((e.text_lines - 0.03) / 0.05);
  const double text_on_flat = clamp01((e.text_lines - 0.01) / 0.02) * clamp01((e.flat_background - 0.85) / 0.10);
  return std::max(wide_text, text_on_flat);
}

}  // namespace pressreel::stills
