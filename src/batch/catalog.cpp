#include "pressreel/batch/catalog.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "pressreel/batch/atomic_file.hpp"
#include "pressreel/version.hpp"

namespace pressreel::batch {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::vector<fs::path> sorted_subfolders(const fs::path& folder) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(folder, ec)) {
    if (e.is_directory(ec) && !e.path().filename().string().starts_with(".")) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<json> read_manifest(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  try {
    return json::parse(in);
  } catch (const json::exception& e) {
    spdlog::warn("{}: unreadable manifest: {}", path.string(), e.what());
    return std::nullopt;
  }
}

json clip_entry(const json& m, const std::string& slug) {
  const json& probe = m.value("probe", json::object());
  return {{"clip", slug},
          {"name", m["source"].value("name", slug)},
          {"status", m.value("status", "failed")},
          {"error", m.value("error", json(nullptr))},
          {"duration_seconds", probe.value("duration_seconds", 0.0)},
          {"manifest", slug + "/manifest.json"},
          {"outputs", m.value("outputs", json::object())}};
}

}  // namespace

json write_catalog(const fs::path& out) {
  json films = json::array();
  int clips_total = 0, failed_total = 0;
  for (const fs::path& film_folder : sorted_subfolders(out)) {
    const std::string film_slug = film_folder.filename().string();
    json clips = json::array();
    json info = json::object();
    double duration = 0;
    int failed = 0;
    for (const fs::path& clip_folder : sorted_subfolders(film_folder)) {
      auto manifest = read_manifest(clip_folder / "manifest.json");
      if (!manifest) continue;
      json entry = clip_entry(*manifest, clip_folder.filename().string());
      if (entry["status"] != "ok") ++failed;
      duration += entry["duration_seconds"].get<double>();
      if (info.empty()) info = manifest->value("film_info", json::object());
      clips.push_back(std::move(entry));
    }
    if (clips.empty()) continue;
    json film = {{"film", film_slug},
                 {"info", info},
                 {"clip_count", clips.size()},
                 {"failed", failed},
                 {"duration_seconds", duration},
                 {"clips", clips}};
    write_json_atomic(film_folder / "film.json", film);
    clips_total += static_cast<int>(clips.size());
    failed_total += failed;
    films.push_back({{"film", film_slug},
                     {"title", info.value("title", film_slug)},
                     {"year", info.value("year", "")},
                     {"clip_count", clips.size()},
                     {"failed", failed},
                     {"duration_seconds", duration},
                     {"film_json", film_slug + "/film.json"}});
  }
  json catalog = {{"pressreel_version", version()},
                  {"film_count", films.size()},
                  {"clip_count", clips_total},
                  {"failed", failed_total},
                  {"films", films}};
  write_json_atomic(out / "catalog.json", catalog);
  return catalog;
}

}  // namespace pressreel::batch
