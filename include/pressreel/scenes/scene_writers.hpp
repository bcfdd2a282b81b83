#pragma once
// Scene lists as files: JSON (pressreel's own), CSV (PySceneDetect's list-scenes columns), CMX 3600
// EDL, WebVTT chapters; and the per-frame stats CSV for tuning. Each returns the file's text, so the
// caller decides where and how it is written (the batch layer writes atomically).

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>

#include "pressreel/scenes/frame_history.hpp"
#include "pressreel/scenes/shot.hpp"

namespace pressreel::scenes {

nlohmann::json to_json(const SceneList& scenes);
std::string scenes_json(const SceneList& scenes);
// As PySceneDetect's `list-scenes`: a "Timecode List:" row, then one row per shot with 1-based
// start frames and end frames (inclusive), times in seconds with 3 decimals.
std::string scenes_csv(const SceneList& scenes);
// One event per shot, source and record timecodes at the nominal rate, non-drop.
std::string scenes_edl(const SceneList& scenes, std::string_view title);
// One chapter per shot.
std::string chapters_vtt(const SceneList& scenes);

// "json", "csv", "edl" or "vtt"; throws std::invalid_argument for anything else.
std::string format_scenes(const SceneList& scenes, std::string_view format, std::string_view title);

// Per-frame stats CSV: the header line, then one line per frame (every signal of FrameDifference).
std::string stats_csv_header();
std::string stats_csv_row(const FrameRecord& frame);

}  // namespace pressreel::scenes
