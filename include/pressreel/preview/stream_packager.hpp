#pragma once
// Adaptive streaming from the written renditions, without re-encoding: their packets are copied into
// CMAF (fragmented MP4) segments that an HLS master playlist and a DASH MPD both point at. The
// renditions' closed GOPs fall on the same times, so every segment starts with a keyframe at the same
// time in every rendition; the audio, identical in every rendition, is taken once as its own group.

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace pressreel::preview {

struct StreamOptions {
  // Segments end at the first keyframe at or after each multiple of this; a multiple of the GOP
  // (2 s) makes every segment the same length.
  double segment_seconds = 4.0;
};

// The names inside the stream folder.
inline constexpr const char* stream_folder_name = "stream";
inline constexpr const char* hls_master_name = "master.m3u8";
inline constexpr const char* dash_manifest_name = "manifest.mpd";

// Packages `renditions` (H.264 + AAC MP4 files, best first) into `clip_folder`/stream/: master.m3u8
// and a media playlist per rendition and for the audio, manifest.mpd, init-<n>.m4s and
// chunk-<n>-<number>.m4s. The folder is built under a temporary name and renamed into place whole.
// `clip` names the clip in errors. Returns the manifest's description of the stream: its files, the
// segment length and per rendition its size, codecs and bandwidth (the peak over a segment, which
// both HLS BANDWIDTH and DASH @bandwidth mean). Throws MediaError (stage "stream") on failure.
nlohmann::json package_stream(const std::filesystem::path& clip_folder,
                              const std::vector<std::filesystem::path>& renditions, const StreamOptions& options,
                              const std::string& clip);

}  // namespace pressreel::preview
