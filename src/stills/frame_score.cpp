#include "pressreel/stills/frame_score.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include "pressreel/media/scaler.hpp"
#include "stills/text_card.hpp"

namespace pressreel::stills {
namespace {

constexpr int motion_width = 64;
// Grey levels a part of the motion thumbnail (a tenth of the width across) moves by between frames of
// a still shot: grain and compression stay within 2 there (the bench's grainy still shots: 1); a
// face coming, going or moving by its own width changes its part by tens.
constexpr double same_picture_most_change = 6.0;
constexpr int near_black = 12;
constexpr int near_white = 245;

double clamp01(double v) {
  return std::clamp(v, 0.0, 1.0);
}

// Hasler & Suesstrunk (2003): spread and mean of the opponent channels rg = R - G and
// yb = (R + G) / 2 - B. Statistics of the whole picture: every other pixel of every other row (a
// quarter) measures them as well. One pass over the 8-bit pixels: each value is a whole or half number
// and the sums of up to a few million of them stay exact in a double.
double colourfulness_of(const cv::Mat& bgr) {
  CV_Assert(bgr.type() == CV_8UC3);
  // A picture one pixel wide or high has no quarter to take: all of it is measured.
  const int step = bgr.cols >= 2 && bgr.rows >= 2 ? 2 : 1;
  const int cols = step == 2 ? cvRound(bgr.cols * 0.5) : bgr.cols;
  const int rows = step == 2 ? cvRound(bgr.rows * 0.5) : bgr.rows;
  double rg_sum = 0, rg_squares = 0, yb_sum = 0, yb_squares = 0;
  for (int y = 0; y < rows; ++y) {
    const cv::Vec3b* row = bgr.ptr<cv::Vec3b>(y * step);
    for (int x = 0; x < cols; ++x) {
      const cv::Vec3b& p = row[x * step];
      const double rg = static_cast<double>(p[2]) - p[1];
      const double yb = 0.5 * (static_cast<double>(p[2]) + p[1]) - p[0];
      rg_sum += rg;
      rg_squares += rg * rg;
      yb_sum += yb;
      yb_squares += yb * yb;
    }
  }
  const double n = static_cast<double>(cols) * rows;
  const double rg_mean = rg_sum / n, yb_mean = yb_sum / n;
  const double rg_std = std::sqrt(std::max(0.0, rg_squares / n - rg_mean * rg_mean));
  const double yb_std = std::sqrt(std::max(0.0, yb_squares / n - yb_mean * yb_mean));
  return std::hypot(rg_std, yb_std) + 0.3 * std::hypot(rg_mean, yb_mean);
}

}  // namespace

cv::Mat motion_thumbnail(const cv::Mat& gray) {
  cv::Mat small;
  cv::resize(gray, small, media::analysis_size(gray.size(), motion_width, true), 0, 0, cv::INTER_AREA);
  return small;
}

bool same_picture(const cv::Mat& a, const cv::Mat& b) {
  if (a.empty() || a.size() != b.size() || a.type() != b.type()) return false;
  return cv::norm(a, b, cv::NORM_INF) <= same_picture_most_change;
}

double motion_between(const cv::Mat& a, const cv::Mat& b) {
  if (a.empty() || b.empty() || a.size() != b.size()) return -1;
  return cv::norm(a, b, cv::NORM_L1) / (255.0 * static_cast<double>(a.total()));
}

FrameSignals measure_frame(const cv::Mat& bgr, const cv::Mat& previous_gray) {
  FrameSignals s;
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  // Sharpness is measured at one width whatever the picture's; a 2x4096 one stops at 1x1280 instead
  // of growing to 640x1310720 (9.9 GB).
  if (const cv::Size size = media::analysis_size(gray.size(), analysis_width, true); size != gray.size()) {
    cv::resize(gray, gray, size, 0, 0, gray.cols > size.width ? cv::INTER_AREA : cv::INTER_LINEAR);
  }
  // Sharpness is the Laplacian's variance; edge density the share of pixels where it is strong. The
  // Laplacian of 8-bit pixels is a whole number within +-1020: 16 bits hold it, and its sums are exact.
  cv::Mat laplacian;
  cv::Laplacian(gray, laplacian, CV_16S);
  int64_t sum = 0, squares = 0, strong = 0;
  for (int y = 0; y < laplacian.rows; ++y) {
    const int16_t* row = laplacian.ptr<int16_t>(y);
    for (int x = 0; x < laplacian.cols; ++x) {
      const int64_t v = row[x];
      sum += v;
      squares += v * v;
      strong += (v > 40 || v < -40) ? 1 : 0;
    }
  }
  const double pixels = static_cast<double>(laplacian.total());
  const double lap_mean = static_cast<double>(sum) / pixels;
  s.sharpness = std::max(0.0, static_cast<double>(squares) / pixels - lap_mean * lap_mean);
  s.edge_density = static_cast<double>(strong) / pixels;

  cv::Scalar mean, stddev;
  cv::meanStdDev(gray, mean, stddev);
  s.mean_luma = mean[0];
  s.contrast = stddev[0];

  // A 64-bin luma histogram: clipped ends, and the most common narrow band (plain cards are one).
  std::array<int, 256> hist{};
  for (int y = 0; y < gray.rows; ++y) {
    const uint8_t* row = gray.ptr<uint8_t>(y);
    for (int x = 0; x < gray.cols; ++x) ++hist[row[x]];
  }
  const double total = static_cast<double>(gray.total());
  int dark = 0, bright = 0;
  for (int v = 0; v <= near_black; ++v) dark += hist[v];
  for (int v = near_white; v < 256; ++v) bright += hist[v];
  s.shadows_clipped = dark / total;
  s.highlights_clipped = bright / total;
  int best_band = 0, band = 0;
  constexpr int band_width = 12;
  for (int v = 0; v < 256; ++v) {
    band += hist[v];
    if (v >= band_width) band -= hist[v - band_width];
    best_band = std::max(best_band, band);
  }
  s.dominant_fraction = best_band / total;
  const TextEvidence text = measure_text(gray);
  s.text_lines = text.text_lines;
  s.flat_background = text.flat_background;
  s.colourfulness = colourfulness_of(bgr);
  if (!previous_gray.empty()) s.motion = motion_between(motion_thumbnail(gray), previous_gray);
  return s;
}

bool is_near_uniform(const FrameSignals& s) {
  return s.contrast < 6.0 || s.dominant_fraction > 0.92;
}

double card_likelihood(const FrameSignals& s) {
  return card_likelihood(TextEvidence{s.text_lines, s.flat_background});
}

double card_penalty(const FrameSignals& s) {
  return clamp01(card_likelihood(s) - s.card_baseline);
}

ScoreBreakdown score(const FrameSignals& s, const ScoreWeights& w, double fps) {
  ScoreBreakdown b;
  // Log scale: a blurred frame's variance is tens, a crisp one's thousands.
  b.sharpness = clamp01(std::log10(1.0 + s.sharpness) / 3.2);
  b.exposure = clamp01(1.0 - std::abs(s.mean_luma - 115.0) / 115.0 - 2.0 * std::max(0.0, s.shadows_clipped - 0.10) -
                       2.0 * std::max(0.0, s.highlights_clipped - 0.05));
  b.contrast = clamp01(s.contrast / 60.0);
  b.colourfulness = clamp01(s.colourfulness / 80.0);
  if (s.faces_checked && !s.faces.empty()) {
    int eyes = 0;
    for (const FaceBox& f : s.faces) eyes = std::max(eyes, f.eyes);
    b.faces = eyes >= 2 ? 1.0 : eyes == 1 ? 0.8 : 0.6;  // a face with closed eyes is the editor's last choice
  }
  b.placement = s.frames_from_boundary < 0 ? 0.5 : clamp01(static_cast<double>(s.frames_from_boundary) / (0.5 * fps));
  b.motion_blur = s.motion < 0 ? 0.0 : clamp01((s.motion - 0.02) / 0.08);
  b.plain_card = is_near_uniform(s) ? 1.0 : clamp01((s.dominant_fraction - 0.5) / 0.4);
  b.text_card = card_penalty(s);
  b.total = w.sharpness * b.sharpness + w.exposure * b.exposure + w.contrast * b.contrast +
            w.colourfulness * b.colourfulness + w.faces * b.faces + w.placement * b.placement -
            w.motion_blur * b.motion_blur - w.plain_card * b.plain_card - w.text_card * b.text_card;
  return b;
}

nlohmann::json to_json(const FrameSignals& s) {
  nlohmann::json j = {{"sharpness", s.sharpness},
                      {"mean_luma", s.mean_luma},
                      {"shadows_clipped", s.shadows_clipped},
                      {"highlights_clipped", s.highlights_clipped},
                      {"contrast", s.contrast},
                      {"colourfulness", s.colourfulness},
                      {"dominant_fraction", s.dominant_fraction},
                      {"edge_density", s.edge_density},
                      {"text_lines", s.text_lines},
                      {"flat_background", s.flat_background},
                      {"card", card_likelihood(s)},
                      {"card_baseline", s.card_baseline},
                      {"near_uniform", is_near_uniform(s)}};
  j["motion"] = s.motion < 0 ? nlohmann::json(nullptr) : nlohmann::json(s.motion);
  j["frames_from_boundary"] =
      s.frames_from_boundary < 0 ? nlohmann::json(nullptr) : nlohmann::json(s.frames_from_boundary);
  if (s.faces_checked) {
    nlohmann::json faces = nlohmann::json::array();
    for (const FaceBox& f : s.faces) {
      faces.push_back(
          {{"x", f.box.x}, {"y", f.box.y}, {"width", f.box.width}, {"height", f.box.height}, {"eyes", f.eyes}});
    }
    j["faces"] = std::move(faces);
  }
  return j;
}

nlohmann::json to_json(const ScoreBreakdown& b) {
  return {{"total", b.total},
          {"sharpness", b.sharpness},
          {"exposure", b.exposure},
          {"contrast", b.contrast},
          {"colourfulness", b.colourfulness},
          {"faces", b.faces},
          {"placement", b.placement},
          {"motion_blur_penalty", b.motion_blur},
          {"plain_card_penalty", b.plain_card},
          {"text_card_penalty", b.text_card}};
}

}  // namespace pressreel::stills
