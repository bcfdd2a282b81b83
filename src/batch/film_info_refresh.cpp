#include "batch/film_info_refresh.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "io/atomic_file.hpp"
#include "batch/out_tree.hpp"

namespace pressreel::batch {

namespace fs = std::filesystem;
using nlohmann::json;

bool refresh_film_info(const fs::path& clip_folder, const FilmInfo& info, const stills::SheetStyle& sheet) {
  const fs::path manifest_path = clip_folder / "manifest.json";
  try {
    auto manifest = read_json_file(manifest_path);
    if (!manifest || !manifest->is_object()) return false;
    const json fresh = to_json(info);
    const json& recorded = member(*manifest, "film_info");
    if (recorded == fresh) return false;
    // The manifest names the sheet; only a plain file name inside the clip folder is rewritten.
    json* contact_sheet = nullptr;
    if (auto outputs = manifest->find("outputs"); outputs != manifest->end() && outputs->is_object()) {
      if (auto it = outputs->find("contact_sheet"); it != outputs->end() && it->is_object()) contact_sheet = &*it;
    }
    const std::string sheet_file = contact_sheet ? string_member(*contact_sheet, "path", "") : "";
    if (string_member(recorded, "title", "") != info.title && !sheet_file.empty() &&
        fs::path(sheet_file).filename() == sheet_file) {
      const auto bytes = stills::retitle_contact_sheet(clip_folder / sheet_file, info.title, sheet);
      if (!bytes) throw std::runtime_error(sheet_file + ": unreadable, title not redrawn");
      (*contact_sheet)["bytes"] = *bytes;
    }
    (*manifest)["film_info"] = fresh;
    io::write_json_atomic(manifest_path, *manifest);
    return true;
  } catch (const std::exception& e) {
    spdlog::warn("{}: film information not refreshed: {}", manifest_path.string(), e.what());
    return false;
  }
}

}  // namespace pressreel::batch
