#pragma once
// Everything pressreel makes from one clip, in one decode pass: the flow of a clip, top to bottom.

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "pressreel/batch/discovery.hpp"
#include "pressreel/batch/recipe.hpp"

namespace pressreel::batch {

struct ClipJobOptions {
  std::filesystem::path out;          // OUT; the clip goes to OUT/<film>/<clip>/
  int decoder_threads = 0;            // libavcodec threads for this clip (0 = recipe/automatic)
  bool force = false;                 // redo even when the clip's input key is unchanged
  const std::atomic<bool>* cancel = nullptr;
  std::function<void(double fraction)> on_progress;  // 0..1 of the clip's duration decoded
};

struct ClipOutcome {
  std::string film_slug, clip_slug;
  std::filesystem::path source;
  bool ok = false;
  bool skipped = false;  // up to date: content, recipe and version unchanged since its manifest
  std::string stage;  // where it failed
  std::string error;  // why
  double seconds = 0;
  std::filesystem::path manifest_path;
};

// Processes one clip and writes OUT/<film>/<clip>/manifest.json last. Never throws for a bad clip:
// the failure is recorded in the manifest and the outcome.
ClipOutcome process_clip(const FilmSource& film, const ClipSource& clip, const Recipe& recipe,
                         const ClipJobOptions& options);

std::filesystem::path clip_folder(const std::filesystem::path& out, const std::string& film_slug,
                                  const std::string& clip_slug);

}  // namespace pressreel::batch
