#pragma once
// A short muted highlight: pieces of the best shots, re-read from the clip (only those ranges are
// sought to and decoded), as a looping H.264 MP4 and an animated WebP for article pages.

#include <filesystem>
#include <functional>
#include <span>
#include <vector>

#include <nlohmann/json.hpp>

#include "pressreel/media/decoder.hpp"
#include "pressreel/media/probe.hpp"
#include "pressreel/media/time.hpp"
#include "pressreel/preview/options.hpp"
#include "pressreel/preview/shot_look.hpp"
#include "pressreel/scenes/shot.hpp"

namespace pressreel::preview {

// A piece of the clip, in time from its first frame.
using TeaserPiece = media::TimeRange;

struct TeaserOptions {
  double min_seconds = 5.0;        // pieces are chosen to reach at least this...
  double max_seconds = 8.0;        // ...and cut off here
  double piece_seconds = 1.5;      // taken from the middle of each shot
  // The MP4 loop: its height caps the height and max_width the width of the picture as displayed
  // (the WebP's too, with webp_max_width). A muted loop on an article page needs no more than the
  // WebP's size, and x264 costs a quarter of what 720p does.
  RenditionOptions mp4{"teaser", 720, VideoCodec::h264, 23, 3'500'000, 7'000'000, "veryfast"};
  int max_width = 640;
  int webp_max_width = 640;
  double webp_fps = 12.0;          // an animated WebP at full frame rate is several times larger
  double webp_quality = 60.0;      // libwebp quality, 0-100
  int webp_effort = 2;             // libwebp method, 0 (fastest) - 6; 2 is half the time of 4 for ~4% more bytes
  int64_t webp_max_bytes = 1'000'000;  // the WebP's budget: over it, a lower quality, then smaller, then fewer frames
};

// The look of the i-th shot of a best-first list (see shot_look.hpp); asked only for the shots a
// teaser gets to.
using ShotLookOf = std::function<ShotLook(size_t best_first_index)>;

// Pieces for a teaser from shots ordered best first: about piece_seconds from the middle of each,
// until min_seconds is reached (never past max_seconds), returned in clip order. With `look_of`, a
// shot that looks like a better one already taken is passed over, unless the teaser cannot be filled
// without it.
std::vector<TeaserPiece> choose_teaser_pieces(std::span<const scenes::Shot> best_first, const TeaserOptions& options = {},
                                              const ShotLookOf& look_of = {});

// Writes teaser.mp4 and teaser.webp into `folder` (temporary names, renamed on success) from
// `pieces` of the clip; returns the outputs as read back, with the pieces used. `input` is the
// policy of every read of the clip (allowed demuxers, the watchdog's cancel flag); `decode` the
// clip's decoding (deinterlace, autorotate, tone map: the teaser's pictures match the renditions';
// its threads are the teaser's own).
nlohmann::json make_teaser(const media::ProbeResult& probe, std::span<const TeaserPiece> pieces,
                           const std::filesystem::path& folder, const TeaserOptions& options = {},
                           const media::InputPolicy& input = {}, const media::VideoDecoderOptions& decode = {});

}  // namespace pressreel::preview
