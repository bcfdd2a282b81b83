#pragma once
// EBU R128 loudness of a clip's main audio, measured with a fast audio-only read (video packets are
// discarded by the demuxer, never decoded), and the plan that brings it to a target: the first pass
// of the normalisation that loudness_normalizer.hpp does in the decode pass.

#include <filesystem>
#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "pressreel/media/av_ptr.hpp"
#include "pressreel/media/input.hpp"
#include "pressreel/preview/options.hpp"

namespace pressreel::preview {

struct Loudness {
  double integrated_lufs = -70.0;  // gated integrated loudness (ITU-R BS.1770-4)
  double true_peak_dbtp = -120.0;  // maximum true peak over all channels
  double range_lu = 0.0;           // loudness range (EBU Tech 3342)
  double seconds = 0.0;            // audio measured
  double threshold_lufs = -70.0;   // relative gating threshold (what loudnorm calls measured_thresh)
};

enum class LoudnessMode {
  none,     // silence, or normalisation switched off: the audio passes unchanged
  linear,   // one gain for the whole clip
  limited,  // one gain, then a true-peak limiter (FFmpeg's alimiter at four times the rate) holding
            // the peaks at the limit
};
std::string to_string(LoudnessMode mode);

struct LoudnessPlan {
  LoudnessMode mode = LoudnessMode::none;
  double gain_db = 0.0;     // linear: target - measured loudness; limited: the gain in front of the limiter
  double limit_dbtp = 0.0;  // the true peak aimed at: the ceiling less the codec's headroom
  int trials = 0;           // limited: trial runs the gain and limit were found by (calibrate_limited_plan)
  bool trial_reached = false;  // limited: the chosen trial's encoded audio was on target (±1 LU, under the ceiling)
};

struct LoudnessReading {
  std::optional<Loudness> loudness;  // empty: no audio stream, or none of it decodable
  std::optional<LoudnessPlan> plan;  // when asked for, and there is audio
  std::string error;                 // why the audio could not be (fully) read, if it could not
};

// Measures the main audio stream of `clip`. Never throws for broken audio: a stream that fails part
// way is measured up to the failure and the error is reported; a clip without audio gives nothing.
LoudnessReading measure_loudness(const std::filesystem::path& clip, const media::InputPolicy& policy = {});

// The same, and the plan that normalises it to `preview.audio`'s target (when audio.normalize):
// limited plans are calibrated by trial runs over the audio, encoded as `preview`'s renditions
// encode it (see calibrate_limited_plan).
LoudnessReading measure_loudness(const std::filesystem::path& clip, const media::InputPolicy& policy,
                                 const PreviewOptions& preview);

// `plan` as the previews will use it: a limited plan calibrated by trial runs over `clip`'s audio,
// encoded as `preview`'s renditions encode it (AAC for MP4, Opus for WebM); any other as it is.
LoudnessPlan plan_for_previews(const std::filesystem::path& clip, const media::InputPolicy& policy,
                               const PreviewOptions& preview, const LoudnessPlan& plan);

// Decodes the main audio stream of `clip` (video packets are discarded by the demuxer) and hands
// each decoded frame to `on_audio`. False when the clip has no audio stream. A read or decode error,
// or a MediaError thrown by `on_audio`, ends the read and is put in `error`.
bool read_main_audio(const std::filesystem::path& clip, const media::InputPolicy& policy,
                     const std::function<void(const AVFrame&)>& on_audio, std::string& error);

// FFmpeg's ebur128 filter (with true peak) between a buffer source and sink, for audio of the first
// frame's format. The running results ride on each frame's metadata, so the last frame carries the
// whole audio's figures.
class LoudnessMeter {
 public:
  LoudnessMeter(const AVFrame& first, const std::string& clip);
  // Adds `frame` (of the first frame's format); nullptr marks the end of the audio.
  void add(const AVFrame* frame);
  Loudness result() const;
  int64_t samples() const { return samples_; }

 private:
  // The meter's values on `frame`; only its true peak when `peak_only` (a block with padding in it).
  void read_metadata(const AVFrame& frame, bool peak_only);
  // A block of silence after the last frame: see add.
  void add_padding();

  std::string clip_;
  media::FilterGraphPtr graph_;
  AVFilterContext* source_ = nullptr;  // owned by graph_
  AVFilterContext* sink_ = nullptr;    // owned by graph_
  media::FramePtr out_ = media::make_frame();
  double integrated_ = -70.0, range_ = 0.0, peak_ = 0.0;
  double gated_energy_ = 0.0;  // sum over blocks above the absolute gate of 10^(M/10)
  int64_t gated_blocks_ = 0;
  int64_t samples_ = 0;        // measured (out of the meter), padding not counted
  int64_t input_samples_ = 0;  // given to add
  int rate_ = 0;
  media::FramePtr format_;  // the first frame, for the padding's format
};

nlohmann::json to_json(const Loudness& loudness);

}  // namespace pressreel::preview
