#pragma once
// EBU R128 loudness of a clip's main audio, measured with a fast audio-only read (video packets are
// discarded by the demuxer, never decoded), and the gain that brings it to a target.

#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "pressreel/media/input.hpp"
#include "pressreel/preview/options.hpp"

namespace pressreel::preview {

struct Loudness {
  double integrated_lufs = -70.0;  // gated integrated loudness (ITU-R BS.1770-4)
  double true_peak_dbtp = -120.0;  // maximum true peak over all channels
  double range_lu = 0.0;           // loudness range (EBU Tech 3342)
  double seconds = 0.0;            // audio measured
};

struct LoudnessReading {
  std::optional<Loudness> loudness;  // empty: no audio stream, or none of it decodable
  std::string error;                 // why the audio could not be (fully) read, if it could not
};

// Measures the main audio stream of `clip`. Never throws for broken audio: a stream that fails part
// way is measured up to the failure and the error is reported; a clip without audio gives nothing.
LoudnessReading measure_loudness(const std::filesystem::path& clip, const media::InputPolicy& policy = {});

// The gain (dB) that brings `measured` to the target's integrated loudness without its true peak
// going above the target's ceiling: min(target - I, ceiling - TP). Silence gets no gain.
double normalization_gain_db(const Loudness& measured, const LoudnessTarget& target);

nlohmann::json to_json(const Loudness& loudness);

}  // namespace pressreel::preview
