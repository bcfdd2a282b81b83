#pragma once
// The one look at a decoded frame that both still pickers take: the candidate keeper during the
// decode pass and `thumbs` at its seeks. Scaling to the analysis copy, the cheap signals, the bars,
// the motion copy and the score live here, so a change to how a frame is judged is made once and
// the two pick by the same rules. What differs stays with each picker: which frames are candidates,
// which frame came before (the keeper knows cuts, thumbs finds them), and when faces are looked for.

#include <tbb/enumerable_thread_specific.h>

#include <opencv2/core.hpp>

#include "pressreel/media/scaler.hpp"
#include "pressreel/stills/active_picture.hpp"
#include "pressreel/stills/frame_score.hpp"

struct AVFrame;

namespace pressreel::stills {

// What measure() found in one frame.
struct MeasuredFrame {
  cv::Mat image;          // the analysis copy (BGR), candidates only
  cv::Mat motion_gray;    // the small luma copy motion is measured on (motion_thumbnail), every frame
  FrameSignals signals;   // candidates only; motion is the caller's to set, as only it knows the frame before
  FrameBars bars;         // candidates only
};

class FrameScorer {
 public:
  explicit FrameScorer(int max_width = analysis_width, ScoreWeights weights = {}, double fps = 25.0)
      : max_width_(max_width), weights_(weights), fps_(fps) {}
  FrameScorer(const FrameScorer&) = delete;
  FrameScorer& operator=(const FrameScorer&) = delete;

  // The frame rate placement is scored against; set once the stream is known.
  void set_frame_rate(double fps) { fps_ = fps; }
  double frame_rate() const { return fps_; }
  const ScoreWeights& weights() const { return weights_; }

  // A candidate gets its analysis copy (at most max_width wide), signals, bars and motion copy; a
  // frame looked at only as the one before a candidate, its motion copy. Safe to call from several
  // threads at once (one scaler per thread).
  MeasuredFrame measure(const AVFrame* picture, bool candidate);

  ScoreBreakdown breakdown(const FrameSignals& signals) const { return score(signals, weights_, fps_); }
  double score_of(const FrameSignals& signals) const { return breakdown(signals).total; }

 private:
  int max_width_;
  ScoreWeights weights_;
  double fps_;
  // One scaler per conversion: a scaler keeps one swscale context, and alternating the gray copy of
  // the frame before a candidate with the candidate's colour copy rebuilt it twice per candidate.
  struct Scalers {
    media::Scaler gray, bgr;
  };
  tbb::enumerable_thread_specific<Scalers> scalers_;
};

}  // namespace pressreel::stills
