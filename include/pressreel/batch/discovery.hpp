#pragma once
// Finding the work: films and their clips under the inputs, recognised by probing, not by extension.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "pressreel/batch/film_info.hpp"
#include "pressreel/media/probe.hpp"

namespace pressreel::batch {

struct ClipSource {
  std::filesystem::path path;
  std::string name;  // file name as found
  std::string slug;  // folder name under OUT/<film>/
  std::optional<media::ProbeResult> probe;  // empty when the file could not be probed
  std::string error;                        // why, then
};

struct FilmSource {
  std::filesystem::path folder;
  std::string name;  // folder name as found
  std::string slug;
  FilmInfo info;
  std::vector<ClipSource> clips;  // sorted by name
};

struct SkippedFile {
  std::filesystem::path path;
  std::string reason;
};

struct WorkList {
  std::vector<FilmSource> films;  // sorted by slug
  std::vector<SkippedFile> skipped;
  size_t clip_count() const;
};

struct DiscoveryOptions {
  media::InputPolicy input;
  bool follow_symlinks_outside = false;  // symlinks leaving an input folder are skipped unless set
  double probe_seconds = 60;  // a probe taking longer is cut off and its clip fails ([limits] stall_seconds)
  // Folders never entered, silently: OUT when it lies inside an input, so a rerun does not take its own
  // outputs for clips. May not exist yet.
  std::vector<std::filesystem::path> exclude;
};

// INPUT is a folder of films (subfolders), a film folder (clips directly inside), or clip files.
// Files that probe as video are clips; files with a video extension that do not probe are clips that
// will fail with the probe's reason, as are files given as inputs themselves; everything else is
// skipped and listed. Throws std::invalid_argument for an input that does not exist.
WorkList discover(const std::vector<std::filesystem::path>& inputs, const DiscoveryOptions& options = {});

// "3 files skipped: 2 hidden file, 1 not a regular file": the reasons, commonest first, for a run that
// found no clip at all.
std::string describe_skipped(const std::vector<SkippedFile>& skipped);

// Keeps the clips whose position in the sorted work list is `index` modulo `count`.
WorkList select_shard(const WorkList& all, int index, int count);

}  // namespace pressreel::batch
