#include "pressreel/batch/catalog.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>


#include "io/atomic_file.hpp"
#include "batch/out_tree.hpp"
#include "pressreel/stills/contact_sheet.hpp"
#include "pressreel/stills/contact_sheet_tiles.hpp"
#include "stills/image_reader.hpp"
#include "pressreel/stills/poster.hpp"
#include "pressreel/version.hpp"

namespace pressreel::batch {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;


json clip_entry(const json& m, const std::string& slug) {
  const json& error = member(m, "error");
  return {{"clip", slug},
          {"name", string_member(object_member(m, "source"), "name", slug)},
          {"status", string_member(m, "status", "failed")},
          {"error", error.is_object() || error.is_string() ? error : json(nullptr)},
          {"duration_seconds", number_member(object_member(m, "probe"), "duration_seconds")},
          {"manifest", slug + "/manifest.json"},
          {"outputs", object_member(m, "outputs")}};
}

// A single file or folder name: a manifest must not lead the catalog to read outside the clip folder.
bool plain_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos;
}

// The poster a clip's manifest describes ({"file", "folder", "score"}), or null when it names none
// inside the clip folder.
json clip_poster(const json& clip) {
  const json& poster = member(member(clip, "outputs"), "poster");
  const std::string file = string_member(poster, "file", "");
  const std::string folder = string_member(poster, "folder", "poster");
  if (!plain_name(file) || !plain_name(folder)) return nullptr;
  json valid = poster;
  valid["folder"] = folder;
  return valid;
}

// The film's poster (the best-scored of its clips' posters, copied to OUT/<film>/poster.<ext>) and its
// contact sheet (each clip's poster with its name and duration).
void write_film_outputs(const fs::path& film_folder, const std::string& title, const json& clips, json& film) {
  std::vector<json> posters;
  std::vector<stills::FilmSheetClip> sheet_clips;
  for (const json& clip : clips) {
    const json poster = clip_poster(clip);
    posters.push_back(poster);
    stills::FilmSheetClip sheet_clip{clip.value("name", ""), clip.value("duration_seconds", 0.0), {}};
    if (poster.is_object()) {
      const fs::path file = film_folder / clip["clip"].get<std::string>() / poster["folder"].get<std::string>() /
                            poster["file"].get<std::string>();
      sheet_clip.poster = stills::read_image(file);
    }
    sheet_clips.push_back(std::move(sheet_clip));
  }
  if (const auto best = stills::choose_film_poster(posters)) {
    const json& clip = clips[*best];
    const json& poster = posters[*best];
    const fs::path source = film_folder / clip["clip"].get<std::string>() / poster["folder"].get<std::string>() /
                            poster["file"].get<std::string>();
    std::ifstream in(source, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    if (!bytes.empty()) {
      const std::string name = "poster" + source.extension().string();
      io::write_file_atomic(film_folder / name, bytes);
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
      if (!manifest || !manifest->is_object()) continue;
      json entry = clip_entry(*manifest, clip_folder.filename().string());
      if (entry["status"] != "ok") ++failed;
      duration += entry["duration_seconds"].get<double>();
      if (info.empty()) info = object_member(*manifest, "film_info");
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
    write_film_outputs(film_folder, string_member(info, "title", film_slug), clips, film);
    io::write_json_atomic(film_folder / "film.json", film);
    clips_total += static_cast<int>(clips.size());
    failed_total += failed;
    films.push_back({{"film", film_slug},
                     {"title", string_member(info, "title", film_slug)},
                     {"year", string_member(info, "year", "")},
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
  io::write_json_atomic(out / "catalog.json", catalog);
  return catalog;
}

}  // namespace pressreel::batch
