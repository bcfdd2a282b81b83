#include "pressreel/batch/out_report.hpp"

#include <algorithm>

#include "batch/out_tree.hpp"

namespace pressreel::batch {

namespace fs = std::filesystem;
using nlohmann::json;

bool holds_clip_manifests(const fs::path& out) {
  for (const fs::path& film : sorted_subfolders(out)) {
    for (const fs::path& clip : sorted_subfolders(film)) {
      std::error_code ec;
      if (fs::is_regular_file(clip / "manifest.json", ec)) return true;
    }
  }
  return false;
}

RunReport report_from_manifests(const fs::path& out) {
  RunReport report;
  for (const fs::path& film_folder : sorted_subfolders(out)) {
    std::vector<std::pair<std::string, ClipOutcome>> clips;  // by source name, as discovery sorts them
    for (const fs::path& clip_folder : sorted_subfolders(film_folder)) {
      const auto manifest = read_json_file(clip_folder / "manifest.json");
      if (!manifest || !manifest->is_object()) continue;
      const json source = object_member(*manifest, "source");
      const json error = object_member(*manifest, "error");
      ClipOutcome c;
      c.film_slug = film_folder.filename().string();
      c.clip_slug = clip_folder.filename().string();
      c.source = string_member(source, "path", "");
      c.ok = string_member(*manifest, "status", "failed") == "ok";
      if (!c.ok) {
        c.stage = string_member(error, "stage", "");
        c.error = string_member(error, "message", "no reason recorded");
      }
      c.seconds = number_member(object_member(*manifest, "timings"), "total");
      c.manifest_path = clip_folder / "manifest.json";
      clips.emplace_back(string_member(source, "name", c.clip_slug), std::move(c));
    }
    std::stable_sort(clips.begin(), clips.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [name, clip] : clips) report.clips.push_back(std::move(clip));
  }
  return report;
}

}  // namespace pressreel::batch
