#pragma once
// Loudness normalisation of the preview audio by FFmpeg's loudnorm filter, given the first pass's
// measurement (measure_loudness): a plain gain (loudnorm's linear mode) when the peaks leave room
// for it, and loudnorm's dynamic mode with its true-peak limiter when they do not, so every preview
// reaches the target whatever the source's peaks.

#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

extern "C" {
#include <libavutil/audio_fifo.h>
}

#include "pressreel/media/av_ptr.hpp"
#include "pressreel/media/input.hpp"
#include "pressreel/media/resampler.hpp"
#include "pressreel/preview/loudness.hpp"
#include "pressreel/preview/options.hpp"

namespace pressreel::preview {

// AAC and Opus put back some of the peak a limiter took off (their quantisation noise rides on the
// peaks): loudnorm aims this far below the ceiling so the encoded file stays under it.
constexpr double codec_peak_headroom_db = 1.0;

// Linear when the measured true peak plus the gain stays under the limit, dynamic otherwise.
LoudnessPlan plan_loudness(const Loudness& measured, const LoudnessTarget& target);

// The manifest's record of the plan: mode, gain, the limit aimed at and dynamic mode's offset.
nlohmann::json to_json(const LoudnessPlan& plan);

// loudnorm's limiter, holding the peaks down, takes the loudness they carried with them, which a
// plan made from the source's measurement cannot foresee (a quiet bed under loud clicks comes out
// several LU short). A trial run of the normaliser over the clip's audio, in `format`, measures what
// is lost, and the plan's offset gives it back before the limiter: loudnorm's second-pass
// correction. Costs two more audio-only reads, side by side, for dynamic plans only; a trial that
// fails leaves the plan as the other one says, or as it was.
LoudnessPlan calibrate_dynamic_plan(const std::filesystem::path& clip, const media::InputPolicy& policy,
                                    const Loudness& measured, const LoudnessTarget& target, LoudnessPlan plan,
                                    const media::AudioFormat& format);

// The offset that brings the integrated loudness to `target_lufs`, from the trials at no offset and
// at the probe offset (1.5 dB): along the line through them where it rises at a trustworthy slope
// (at most 1.5 dB past either), otherwise the trial nearer the target. Either trial may be missing (audio unreadable).
double calibrated_offset(double target_lufs, std::optional<double> at_zero, std::optional<double> at_probe);

// loudnorm between a buffer source and sink, in the encoder's sample format, rate and channels (it
// works at 192 kHz inside; the graph resamples back); in linear mode, the one gain loudnorm would
// apply, at the clip's rate. Sample n out is sample n in: the output only lags (up to loudnorm's 3 s
// window in dynamic mode) and is complete once the end is given.
class LoudnessNormalizer {
 public:
  LoudnessNormalizer(const Loudness& measured, const LoudnessTarget& target, const LoudnessPlan& plan,
                     const media::AudioFormat& format, std::string clip);

  // Normalises `samples` (the format given; nullptr marks the end) and appends what loudnorm hands
  // out to `out`, a FIFO of that format.
  void process(const AVFrame* samples, AVAudioFifo& out);

 private:
  void drain(AVAudioFifo& out);

  std::string clip_;
  media::FilterGraphPtr graph_;
  AVFilterContext* source_ = nullptr;  // owned by graph_
  AVFilterContext* sink_ = nullptr;    // owned by graph_
  media::FramePtr out_ = media::make_frame();
  int64_t next_pts_ = 0;  // samples given
  int64_t handed_out_ = 0;  // samples handed out: never more than given (a short clip's padding is cut off)
};

}  // namespace pressreel::preview
