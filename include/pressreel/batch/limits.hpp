#pragma once
// What one clip may be and may cost. The clip's shape (picture size, duration, streams) is checked
// right after the probe, before anything is decoded; time and bytes written are watched while the
// clip is processed (batch/watchdog.hpp). Set in a recipe's [limits] section.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "pressreel/media/probe.hpp"

namespace pressreel::batch {

struct Limits {
  // The largest picture any H.264/HEVC/VVC level allows (level 6.x MaxLumaPs, e.g. 8K DCI 8192x4320).
  // A bigger frame is no real clip, and decoding a header's claim of one costs gigabytes per frame.
  int64_t max_frame_pixels = 35'651'584;
  // A feature film's length; promotional clips are minutes. A longer claim is most often a broken header.
  double max_duration_seconds = 4 * 3600.0;
  // Promo clips carry a handful of streams, masters with every language a few dozen.
  int max_streams = 64;
  // Everything a clip writes, previews included: a 4 h clip's web renditions at their maxrate (~20 GB)
  // still fit; a runaway encoder or a crafted clip filling the disk does not.
  int64_t max_output_bytes = int64_t{24} << 30;
  // The decode pass delivering no frame for this long is a stall: the clip fails, the batch goes on.
  double stall_seconds = 60;
  // The whole clip may take this many times its duration, but never less than the minimum (slow
  // hosts and short clips with heavy outputs).
  double time_budget_factor = 20;
  double time_budget_min_seconds = 600;
  // Resident memory of the worker process that runs the clip (`run` runs each clip in one); over it,
  // the worker is killed and the clip fails. 0 = default_max_memory_bytes for the machine and --jobs.
  int64_t max_memory_bytes = 0;
};

// Why the probed clip is over a limit, naming the value and the recipe key, or nullopt when it is within.
std::optional<std::string> over_limit(const media::ProbeResult& probe, const Limits& limits);

// Seconds a clip of `duration_seconds` may take in all.
double time_budget_seconds(const Limits& limits, double duration_seconds);

// Bytes of the files under `folder` last written at or after `since` (temporary files included):
// what a clip job has written so far, without the outputs of earlier runs it is about to replace.
uintmax_t bytes_written_since(const std::filesystem::path& folder, std::filesystem::file_time_type since);

// A clip's share of the machine: three quarters of its memory split between the clips run at once
// (the rest for the supervisor, the page cache and other programs), at least 1 GiB, in whole MiB.
int64_t default_max_memory_bytes(uint64_t physical_bytes, int clips_at_once);
// The memory installed in this machine.
uint64_t physical_memory_bytes();
// "4 GiB", "1.5 GiB", "200 MiB": a memory size as a person reads it.
std::string memory_size_text(int64_t bytes);

nlohmann::json to_json(const Limits& limits);

}  // namespace pressreel::batch
