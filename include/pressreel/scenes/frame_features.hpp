#pragma once
// Per-frame descriptors for shot detection, computed in the decode pass's parallel stage on a small
// analysis frame, and the differences between two consecutive frames, computed in order.

#include <array>
#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>

#include "pressreel/media/av_ptr.hpp"
#include "pressreel/media/scaler.hpp"

namespace pressreel::scenes {

inline constexpr int kLumaBins = 32;
inline constexpr int kChromaBins = 16;
inline constexpr int kThumbWidth = 48;
// Full-range luma at or below this is black, at or above the other white (as ffmpeg's blackdetect
// counts pixels: 10% of the range).
inline constexpr int kBlackLevel = 24;
inline constexpr int kWhiteLevel = 232;

// What one frame looks like, in small: everything a detector compares between frames.
struct FrameFeatures {
  cv::Mat ycrcb;          // CV_8UC3 at analysis size (hue is noise where colour is faint; chroma is not)
  cv::Mat luma;           // CV_8U at analysis size
  cv::Mat edges;          // CV_8U, 255 on edges (Canny)
  cv::Mat edges_dilated;  // edges grown by a few pixels, so small motion is not an edge change
  int edge_count = 0;     // pixels on edges
  cv::Mat luma_normalised;  // luma at one mean and contrast, as motion prediction compares frames
  cv::Mat thumb;          // CV_32FC3 BGR, kThumbWidth wide: transitions and flashes are checked on it
  std::array<float, kLumaBins + 2 * kChromaBins> histogram{};  // Y, Cr, Cb; each part sums to 1
  uint64_t hash = 0;      // difference hash of the luma (9x8 gradient signs)
  double mean_luma = 0;   // 0..255
  double black_ratio = 0; // share of pixels at or below the black level
  double white_ratio = 0; // share of pixels at or above the white level
};

// Scales `frame` to `analysis_width` (display aspect) with `scaler` (ScaleQuality::area) and computes
// its features.
FrameFeatures compute_features(const AVFrame* frame, media::Scaler& scaler, int analysis_width);
// The same from a BGR picture (any size is used as it is): tests and tools that have images.
FrameFeatures compute_features(const cv::Mat& bgr);

// How much frame b differs from frame a, by several signals. Each catches what another misses:
// pixel content for most cuts, luma with scdet's trick for flicker, histograms for motion, edges
// and hash for cuts between shots of similar colour.
struct FrameDifference {
  double content = 0;    // mean |dY|, |dCr|, |dCb| averaged, 0..255 (PySceneDetect's content_val, without hue noise)
  double luma = 0;       // mean |dY|, 0..255 (scdet's mafd)
  double scdet = 0;      // min(mafd, |mafd - previous mafd|): steady change (motion, fades) scores low
  double histogram = 0;  // 1 - histogram intersection, 0..1
  double hash = 0;       // share of differing hash bits, 0..1
  double edges = 0;      // edge change ratio, 0..1
  // The new frame predicted from the old one (motion_prediction.hpp): what motion and exposure explain.
  double flicker = 0;      // mean |dY| after matching mean and contrast, 0..255
  double residual = 0;     // mean |error| of the motion- and gain-compensated prediction, 0..255
  double unexplained = 0;  // share of pixels that prediction misses, 0..1
  // The one thing that luma prediction cannot see: the colours present changed (chroma histograms,
  // 0..1). Motion and exposure leave them nearly as they were; a cut between two shots of the same
  // shapes in other colours does not.
  double colour = 0;
  // The previous picture's layout (layout_survival.hpp), filled in by the detector, which keeps the
  // frames before: the share of the picture that was still and structured, how much of it stayed in
  // place, the share that was still at all, how much of that stayed, and the share of the picture in
  // blocks of layout kept whole, colours too.
  double layout = 0;
  double layout_kept = 0;
  double still = 0;
  double still_kept = 0;
  double kept_regions = 0;
  double score = 0;      // the combination the cut decision uses, 0..255 scale
  // The same picture as before, coded again: footage of a lower frame rate shows each picture two or
  // three times (repeated_pictures.hpp).
  bool repeat = false;
};

// `previous_mafd` is the luma difference of the pair before (for scdet's term).
FrameDifference compare(const FrameFeatures& a, const FrameFeatures& b, double previous_mafd);

// Mean absolute difference of two thumbnails, 0..255.
double thumb_distance(const cv::Mat& a, const cv::Mat& b);
// thumb_distance of each of `from` to `to`, at once: faster than one by one.
std::vector<double> thumb_distances(const std::vector<const cv::Mat*>& from, const cv::Mat& to);
// The even mix of two thumbnails, (a + b) / 2 to the bit, into `out` (whose memory a caller that mixes
// many pairs keeps).
void thumb_mix(const cv::Mat& a, const cv::Mat& b, cv::Mat& out);
// A thumbnail with each channel brought to zero mean and unit contrast: its picture whatever the light.
cv::Mat thumb_shape(const cv::Mat& thumb);
// Mean absolute difference of two thumbnails' shapes: how far apart two pictures are whatever the
// light (unrelated pictures are about 1.1 apart).
double thumb_shape_distance(const cv::Mat& a, const cv::Mat& b);

}  // namespace pressreel::scenes
