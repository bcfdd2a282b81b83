#pragma once
// The run summary of an OUT folder read back from its clip manifests: what `merge --json` prints,
// in the shape of `run --json`, so one script reads both.

#include <filesystem>

#include "pressreel/batch/batch_run.hpp"

namespace pressreel::batch {

// Whether OUT holds at least one clip manifest (OUT/<film>/<clip>/manifest.json): a folder without
// any (empty, or an input folder) is not a pressreel OUT.
bool holds_clip_manifests(const std::filesystem::path& out);

// One outcome per clip manifest, ordered as a run orders them (film slug, then source file name);
// each clip's time is the one its manifest recorded. No skipped files (merge does not discover) and
// no time of its own: the caller sets `seconds`.
RunReport report_from_manifests(const std::filesystem::path& out);

}  // namespace pressreel::batch
