#pragma once
// What the web previews look like. Every field is settable by a recipe; the defaults play everywhere.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>
#include <opencv2/core/types.hpp>

namespace pressreel::preview {

enum class VideoCodec { h264, vp9, av1 };
std::string to_string(VideoCodec codec);
VideoCodec video_codec_from_string(const std::string& name);  // "h264", "vp9", "av1"

struct RenditionOptions {
  std::string name;                 // "720p": the file is preview-720p.mp4 (or .webm)
  int height = 0;                   // short side of the picture in pixels; never upscaled
  VideoCodec codec = VideoCodec::h264;
  int crf = 23;                     // constant quality...
  int64_t maxrate = 0;              // ...capped (bits/s, 0 = uncapped) so a busy trailer still streams
  int64_t bufsize = 0;              // VBV buffer (bits)
  std::string preset = "veryfast";  // x264 preset; svt-av1 preset number; vp9 cpu-used
};

struct LoudnessTarget {
  double integrated_lufs = -16.0;  // EBU R128 integrated loudness to reach
  double true_peak_dbtp = -1.5;    // never exceeded: the gain is lowered instead
};

struct AudioOptions {
  bool enabled = true;
  int64_t aac_bitrate = 128000;   // AAC-LC, MP4 renditions
  int64_t opus_bitrate = 96000;   // Opus, WebM renditions
  int sample_rate = 48000;
  int channels = 2;               // 5.1 and others are downmixed
  bool normalize = true;
  LoudnessTarget target;
};

struct PreviewOptions {
  std::vector<RenditionOptions> renditions;  // default_renditions() when built by default
  double gop_seconds = 2.0;                  // closed GOP of about this length
  int encoder_threads = 0;                   // per uncapped encoder; 0 = six shared by renditions, 2+ each
  AudioOptions audio;

  PreviewOptions();
};

// H.264 1080p, 720p, 480p with CRF 23 and bitrate caps.
std::vector<RenditionOptions> default_renditions();
// An optional WebM rendition (VP9 or AV1, with Opus) at `height`.
RenditionOptions webm_rendition(VideoCodec codec, int height = 720);

// A rendition decided for one clip: its options, its picture size and its file name.
struct PlannedRendition {
  RenditionOptions options;
  cv::Size size;          // even, square pixels, the source's display aspect
  std::string file_name;  // preview-720p.mp4
  std::string container;  // mp4 or webm
};

// The renditions a source of `display` size (upright, square pixels) gets: those not taller than
// the source; when none fits, one at the source size per codec, so a small clip still has a preview.
std::vector<PlannedRendition> plan_renditions(cv::Size display, const std::vector<RenditionOptions>& wanted);

nlohmann::json to_json(const RenditionOptions& options);

}  // namespace pressreel::preview
