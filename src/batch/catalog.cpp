#include "pressreel/batch/catalog.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include <opencv2/imgcodecs.hpp>

#include "pressreel/batch/atomic_file.hpp"
#include "pressreel/batch/out_tree.hpp"
#include "pressreel/stills/contact_sheet.hpp"
#include "pressreel/stills/contact_sheet_tiles.hpp"
#include "pressreel/stills/poster.hpp"
#include "pressreel/version.hpp"

namespace pressreel::batch {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;


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

// The film's poster (the best-scored of its clips' posters, copied to OUT/<film>/poster.<ext>) and its
// contact sheet (each clip's poster with its name and duration).
void write_film_outputs(const fs::path& film_folder, const std::string& title, const json& clips, json& film) {
  std::vector<json> posters;
  std::vector<stills::FilmSheetClip> sheet_clips;
  for (const json& clip : clips) {
    const json poster = clip["outputs"].value("poster", json(nullptr));
    posters.push_back(poster);
    stills::FilmSheetClip sheet_clip{clip.value("name", ""), clip.value("duration_seconds", 0.0), {}};
    if (poster.is_object() && poster.contains("file")) {
      const fs::path file = film_folder / clip["clip"].get<std::string>() / poster.value("folder", "poster") /
                            poster["file"].get<std::string>();
      sheet_clip.poster = cv::imread(file.string(), cv::IMREAD_COLOR);
    }
    sheet_clips.push_back(std::move(sheet_clip));
  }
  if (const auto best = stills::choose_film_poster(posters)) {
    const json& clip = clips[*best];
    const json& poster = posters[*best];
    const fs::path source = film_folder / clip["clip"].get<std::string>() / poster.value("folder", "poster") /
                            poster["file"].get<std::string>();
    std::ifstream in(source, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    if (!bytes.empty()) {
      const std::string name = "poster" + source.extension().string();
      write_file_atomic(film_folder / name, bytes);
      film["poster"] = {{"file", name}, {"clip", clip["clip"]}, {"score", poster["score"]}};
    }
  }
  const bool any_poster =
      std::any_of(sheet_clips.begin(), sheet_clips.end(), [](const auto& c) { return !c.poster.empty(); });
  if (any_poster) {
    film["contact_sheet"] = stills::write_contact_sheet(film_folder, stills::film_sheet_header(title, sheet_clips),
                                                        stills::film_sheet_tiles(sheet_clips));
  }
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
      auto manifest = read_json_file(clip_folder / "manifest.json");
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
                 {"poster", nullptr},
                 {"contact_sheet", nullptr},
                 {"clips", clips}};
    write_film_outputs(film_folder, info.value("title", film_slug), clips, film);
    write_json_atomic(film_folder / "film.json", film);
    clips_total += static_cast<int>(clips.size());
    failed_total += failed;
    films.push_back({{"film", film_slug},
                     {"title", info.value("title", film_slug)},
                     {"year", info.value("year", "")},
                     {"clip_count", clips.size()},
                     {"failed", failed},
                     {"duration_seconds", duration},
                     {"poster", film["poster"].is_object() ? json(film_slug + "/" + film["poster"]["file"].get<std::string>())
                                                            : json(nullptr)},
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
