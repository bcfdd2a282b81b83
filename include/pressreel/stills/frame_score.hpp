#pragma once
// How a photo editor judges a frame, as measurable signals: each is kept so the manifest can say
// why a frame was chosen. Cheap signals are computed for every sampled frame; faces only for the
// few finalists of a shot.

#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <opencv2/core.hpp>
#include <vector>

#include "pressreel/stills/faces.hpp"

namespace pressreel::stills {

struct FrameSignals {
  // Cheap signals, from the moderate-size copy.
  double sharpness = 0;           // variance of the Laplacian of luma at the analysis width
  double mean_luma = 0;           // 0..255
  double shadows_clipped = 0;     // fraction of pixels at or near black
  double highlights_clipped = 0;  // fraction of pixels at or near white
  double contrast = 0;            // standard deviation of luma, 0..~128
  double colourfulness = 0;       // Hasler & Suesstrunk metric, 0..~150
  double dominant_fraction = 0;   // share of pixels in the most common narrow luma band (plain cards)
  double edge_density = 0;        // share of pixels on strong edges
  double motion = -1;             // mean absolute luma change from the previous frame, 0..1 (-1 = unknown)
  double text_lines = 0;          // share of the frame in rows of rendered text or graphics (cards)
  double flat_background = 0;     // share of pixels with almost no gradient
  // Placement in the shot, set by the keeper.
  int64_t frames_from_boundary = -1;  // to the nearest cut or transition edge (-1 = unknown)
  // How card-like the clip's typical shot is (card_likelihood, 0..1), set by the keeper: the card
  // penalty is what a frame has above it. A screencast or a railing scene is all "text"; there, text
  // is the picture, and only a shot far above the clip's usual is a card.
  double card_baseline = 0;
  // Faces, on finalists only.
  bool faces_checked = false;
  std::vector<FaceBox> faces;
};

struct ScoreWeights {
  double sharpness = 0.30;
  double exposure = 0.20;
  double contrast = 0.10;
  double colourfulness = 0.10;
  double faces = 0.20;
  double placement = 0.05;
  double motion_blur = 0.25;  // penalty
  double plain_card = 0.60;   // penalty for black, white and text-on-plain cards
  double text_card = 0.50;    // penalty for title cards, credits and screens (text or graphics)
};

// Each signal mapped to 0..1 (penalties too), and their weighted sum.
struct ScoreBreakdown {
  double sharpness = 0, exposure = 0, contrast = 0, colourfulness = 0, faces = 0, placement = 0;
  double motion_blur = 0, plain_card = 0, text_card = 0;
  double total = 0;
};

// The analysis width the sharpness of every frame is measured at, so values compare across sources.
inline constexpr int analysis_width = 640;

// Cheap signals of a BGR frame (any size; it is resized to analysis_width for sharpness).
// `previous_gray` is a small luma copy of the frame before (empty when unknown), for motion.
FrameSignals measure_frame(const cv::Mat& bgr, const cv::Mat& previous_gray = {});
// The small luma copy measure_frame compares against for motion.
cv::Mat motion_thumbnail(const cv::Mat& gray);
// Mean absolute difference of two motion thumbnails, 0..1.
double motion_between(const cv::Mat& a, const cv::Mat& b);
// Whether two motion thumbnails show the same picture: no part of it (a tenth of the picture's width
// across) changed by more than the grain of a still shot does. Anything that could hold a face
// appearing, leaving or moving changes a part by more.
bool same_picture(const cv::Mat& a, const cv::Mat& b);

// True when the frame is essentially one flat colour (black, white, a plain card without text).
bool is_near_uniform(const FrameSignals& signals);
// 0..1: how surely the frame is a card of text or graphics rather than a picture (text_card.hpp). It
// is a penalty, not a ban: a clip made only of cards still gets its best card.
double card_likelihood(const FrameSignals& signals);
// The card penalty: card_likelihood above the clip's typical shot (signals.card_baseline), 0..1.
double card_penalty(const FrameSignals& signals);
// A frame whose card penalty is at least this is marked a card: it keeps its tile, and is the poster
// only of a clip that has nothing but cards.
inline constexpr double card_mark = 0.5;

ScoreBreakdown score(const FrameSignals& signals, const ScoreWeights& weights = {}, double fps = 25.0);

nlohmann::json to_json(const FrameSignals& signals);
nlohmann::json to_json(const ScoreBreakdown& breakdown);

}  // namespace pressreel::stills
