#pragma once
// Loudness normalisation of the preview audio, given the first pass's measurement
// (measure_loudness): one gain when the peaks leave room for it (linear), and otherwise one gain
// followed by FFmpeg's lookahead limiter run at four times the rate, where its sample peaks are the
// signal's true peaks (limited). The limited plan's gain and limit come from trial runs
// (loudness_calibration.hpp), so every preview reaches the target whatever the source's peaks.

#include <nlohmann/json_fwd.hpp>
#include <string>

extern "C" {
#include <libavutil/audio_fifo.h>
}

#include "pressreel/media/av_ptr.hpp"
#include "pressreel/media/resampler.hpp"
#include "pressreel/preview/loudness.hpp"
#include "pressreel/preview/options.hpp"

namespace pressreel::preview {

// AAC and Opus put back some of the peak a limiter took off (their quantisation noise rides on the
// peaks): the first limit is this far below the ceiling; trials lower it where the encoded file
// still peaks over the ceiling.
constexpr double codec_peak_headroom_db = 1.0;

// Linear when the measured true peak plus the gain stays under the limit, limited otherwise (the
// gain is then the linear one until calibrate_limited_plan finds the one that reaches the target).
LoudnessPlan plan_loudness(const Loudness& measured, const LoudnessTarget& target);

// The manifest's record of the plan: mode, gain, the limit aimed at, and the trials it took.
nlohmann::json to_json(const LoudnessPlan& plan);

// The plan's gain (and limiter) between a buffer source and sink, in the encoder's sample format,
// rate and channels. Linear: `volume` at the clip's rate. Limited: up to four times the rate,
// `volume`, `alimiter` (delay compensated) and back. Sample n out is sample n in: the output only
// lags (by the limiter's lookahead) and is complete once the end is given.
class LoudnessNormalizer {
 public:
  LoudnessNormalizer(const LoudnessPlan& plan, const media::AudioFormat& format, std::string clip);

  // Normalises `samples` (the format given; nullptr marks the end) and appends what the graph hands
  // out to `out`, a FIFO of that format.
  void process(const AVFrame* samples, AVAudioFifo& out);

 private:
  void drain(AVAudioFifo& out);

  std::string clip_;
  media::FilterGraphPtr graph_;
  AVFilterContext* source_ = nullptr;  // owned by graph_
  AVFilterContext* sink_ = nullptr;    // owned by graph_
  media::FramePtr out_ = media::make_frame();
  int64_t next_pts_ = 0;    // samples given
  int64_t handed_out_ = 0;  // samples handed out: never more than given
};

}  // namespace pressreel::preview
