#pragma once
// What a clip is: container, duration and every stream, read without decoding.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "pressreel/media/input.hpp"
#include "pressreel/media/time.hpp"

namespace pressreel::media {

using Metadata = std::map<std::string, std::string>;

struct VideoStreamInfo {
  int index = -1;
  std::string codec, profile;
  int width = 0, height = 0;          // coded picture size
  Rational sample_aspect{1, 1};       // pixel shape (SAR)
  Rational display_aspect{0, 1};      // DAR of the picture as displayed, before rotation
  int rotation = 0;                   // clockwise degrees to turn the picture upright: 0, 90, 180, 270
  int display_width = 0, display_height = 0;  // upright, square-pixel size a viewer sees
  Rational frame_rate;                // nominal (r_frame_rate)
  Rational average_frame_rate;        // avg_frame_rate
  bool variable_frame_rate = false;   // packet durations vary beyond rounding
  std::string pixel_format;
  int bit_depth = 8;
  std::string field_order = "unknown";  // progressive, tt, bb, tb, bt, unknown
  bool interlaced = false;
  std::string color_primaries, color_transfer, color_matrix, color_range;
  std::string hdr;                     // "", "HDR10" (PQ) or "HLG"
  std::optional<int64_t> frame_count;  // from the container, when it says
  AVRational time_base{1, 1};
  int64_t start_pts = 0;
  double duration_seconds = 0;
  bool attached_picture = false;       // cover art, not video
  Metadata metadata;
};

struct AudioStreamInfo {
  int index = -1;
  std::string codec, profile;
  int channels = 0;
  std::string channel_layout;
  int sample_rate = 0;
  int64_t bit_rate = 0;
  double duration_seconds = 0;
  Metadata metadata;
};

struct StreamSummary {
  int index = -1;
  std::string type;   // video, audio, subtitle, data, attachment
  std::string codec;
  Metadata metadata;
};

struct ProbeResult {
  std::filesystem::path path;
  std::string container, container_long_name;
  double duration_seconds = 0;
  int64_t bit_rate = 0;
  uintmax_t size_bytes = 0;
  Metadata metadata;
  std::vector<StreamSummary> streams;
  std::vector<VideoStreamInfo> video;
  std::vector<AudioStreamInfo> audio;
  int best_video = -1;  // index into `video`, -1 when there is no video
  int best_audio = -1;  // index into `audio`

  const VideoStreamInfo* main_video() const { return best_video < 0 ? nullptr : &video[best_video]; }
  const AudioStreamInfo* main_audio() const { return best_audio < 0 ? nullptr : &audio[best_audio]; }
};

// Probes a clip. Throws MediaError for files that are not media or cannot be read.
ProbeResult probe(const std::filesystem::path& path, const InputPolicy& policy = {});
// Probes an already opened input (used by the decoder, and for in-memory inputs).
ProbeResult probe(AVFormatContext* ctx, const std::filesystem::path& path);
// What probe(path) reports of a freshly opened input: probe(ctx, path) plus the variable frame rate
// seen in packet timing. Reads packets, so the input is used up afterwards.
ProbeResult probe_with_packet_timing(AVFormatContext* ctx, const std::filesystem::path& path);

// Clockwise degrees (0/90/180/270) to turn a stream's pictures upright, from its display matrix.
int stream_rotation(const AVStream* stream);

nlohmann::json to_json(const ProbeResult& probe);
// Human-readable, several lines, as `pressreel probe` prints it.
std::string to_text(const ProbeResult& probe);

}  // namespace pressreel::media
