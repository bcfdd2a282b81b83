#include "pressreel/batch/gallery.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <optional>

#include "pressreel/batch/atomic_file.hpp"
#include "pressreel/batch/out_tree.hpp"

namespace pressreel::batch {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;


std::optional<GalleryFilm> read_film(const fs::path& folder) {
  GalleryFilm film;
  film.slug = folder.filename().string();
  for (const fs::path& clip_folder : sorted_subfolders(folder)) {
    const auto manifest = read_json_file(clip_folder / "manifest.json");
    if (!manifest || !manifest->is_object()) continue;
    if (film.info.is_null()) film.info = manifest->value("film_info", json::object());
    GalleryClip clip = read_gallery_clip(clip_folder, *manifest);
    film.duration_seconds += clip.duration_seconds;
    if (!clip.ok) ++film.failed;
    film.clips.push_back(std::move(clip));
  }
  if (film.clips.empty()) return std::nullopt;
  // film.json, when the catalog has written it, is the film's record; the manifests are the fallback.
  if (const auto film_json = read_json_file(folder / "film.json"); film_json && film_json->is_object()) {
    const json info = film_json->value("info", json::object());
    if (info.is_object() && !info.empty()) film.info = info;
  }
  if (fs::is_regular_file(folder / "contact-sheet.jpg")) film.contact_sheet = "contact-sheet.jpg";
  for (const char* name : {"poster.jpg", "poster.png", "poster.webp"}) {
    if (film.poster.empty() && fs::is_regular_file(folder / name)) film.poster = name;
  }
  return film;
}

}  // namespace

int write_gallery(const fs::path& out) {
  std::vector<GalleryFilm> films;
  for (const fs::path& folder : sorted_subfolders(out)) {
    if (auto film = read_film(folder)) films.push_back(std::move(*film));
  }
  int pages = 0;
  for (const GalleryFilm& film : films) {
    for (const GalleryClip& clip : film.clips) {
      write_file_atomic(out / film.slug / clip.clip_slug / "index.html", clip_page(film, clip));
      ++pages;
    }
    write_file_atomic(out / film.slug / "index.html", film_page(film));
    ++pages;
  }
  write_file_atomic(out / "index.html", index_page(films));
  return pages + 1;
}

}  // namespace pressreel::batch
