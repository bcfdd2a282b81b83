#pragma once
// The article path: a poster and its crops in a fraction of a full decode. Decodes well-spread
// keyframes alone, scores them as the candidate keeper does, then decodes about a second after
// the best and picks the final frame there. With `at`, the exact
// frame shown at that time instead.

#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <stdexcept>
#include <vector>

#include "pressreel/media/input.hpp"
#include "pressreel/media/time.hpp"
#include "pressreel/stills/crops.hpp"
#include "pressreel/stills/frame_score.hpp"
#include "pressreel/stills/image_writer.hpp"

namespace pressreel::stills {

struct ThumbsOptions {
  std::optional<double> at_seconds;  // the frame on screen at this time, exactly
  std::vector<CropSpec> crops = standard_crops();
  ImageOptions image;
  int probes = 8;               // keyframes visited across the clip
  int frames_per_probe = 4;     // scored at least after the best keyframe (past the skipped ones)
  int skip_after_keyframe = 3;  // encoders put keyframes on cuts: a shot's first frames are not stills
  double refine_seconds = 0.5;  // decoded after the best probe's keyframe (5 candidates at 25 fps)
  int max_width = 640;          // analysis copies
  size_t finalists = 3;         // checked for faces
  // libavcodec threads for the grabber. One: every seek flushes the decoder, and H.264 then frees and
  // re-zeroes its tables in each frame thread's context; for 12 lone keyframes and a second of frames
  // that cost more CPU (0.62 s against 0.48 s of probing on the 1080p bench clip) than the threads won.
  int decoder_threads = 1;
  ScoreWeights weights;
  media::InputPolicy input;
};

// A time the clip does not reach; the message gives its duration.
struct TimePastEnd : std::out_of_range {
  using std::out_of_range::out_of_range;
};

// Writes `out_dir`/poster.<ext>, the crops and thumbs.json; returns the JSON (also describing how
// many frames were decoded, to show the cost). Throws MediaError for clips that cannot be read, and
// TimePastEnd when `at_seconds` is at or past the clip's end.
nlohmann::json make_thumbs(const std::filesystem::path& clip, const std::filesystem::path& out_dir,
                           const ThumbsOptions& options = {});

// "12.5", "75" (seconds), "00:01:15.250" or "1:15.25" to seconds; throws std::invalid_argument.
double parse_time(const std::string& text);

}  // namespace pressreel::stills
