#include "pressreel/batch/gallery.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <stdexcept>

#include "io/atomic_file.hpp"
#include "batch/out_tree.hpp"

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

// Copies `from` to `to` under a temporary name, then renames it into place.
void copy_file_atomic(const fs::path& from, const fs::path& to) {
  const fs::path temporary = io::temporary_path_for(to);
  try {
    fs::copy_file(from, temporary);
  } catch (const fs::filesystem_error& e) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw std::runtime_error(fmt::format("{}: copying {}: {}", to.string(), from.string(), e.code().message()));
  }
  io::commit_file(temporary, to);
}

// Copies the HLS player, and its licence (Apache 2.0 asks that it go with the code), into OUT each
// time the pages are written, so an updated install reaches OUT; returns the player's path relative
// to a clip folder, or empty when no player is installed.
std::string ship_stream_player(const fs::path& out) {
  const fs::path installed = installed_stream_player();
  if (installed.empty()) return {};
  copy_file_atomic(installed, out / "hls.min.js");
  // The npm package's layout: dist/hls.min.js beside the package's LICENSE.
  if (const fs::path licence = installed.parent_path().parent_path() / "LICENSE"; fs::is_regular_file(licence)) {
    copy_file_atomic(licence, out / "hls.min.js.LICENSE.txt");
  }
  return "../../hls.min.js";
}

}  // namespace

fs::path installed_stream_player() {
  const char* env = std::getenv("PRESSREEL_HLS_JS");
  const fs::path path = env != nullptr && *env != '\0' ? fs::path(env) : fs::path(PRESSREEL_HLS_JS);
  std::error_code ec;
  return fs::is_regular_file(path, ec) ? path : fs::path();
}

std::string checked_base_url(std::string_view url) {
  const auto scheme_end = url.find("://");
  const std::string_view scheme = url.substr(0, scheme_end == std::string_view::npos ? 0 : scheme_end);
  if (scheme != "http" && scheme != "https") {
    throw std::invalid_argument(fmt::format("base URL '{}' must start with http:// or https://", url));
  }
  const std::string_view rest = url.substr(scheme_end + 3);
  if (rest.empty() || rest.front() == '/') throw std::invalid_argument(fmt::format("base URL '{}' has no host", url));
  for (const char c : url) {
    // Spaces, quotes, markup and control bytes would need escaping in every place the URL goes.
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= ' ' || byte >= 0x7F || std::string_view("\"'<>\\`{}|^").find(c) != std::string_view::npos) {
      throw std::invalid_argument(fmt::format("base URL '{}' must be percent-encoded (it holds '{}')", url, c));
    }
  }
  if (url.find_first_of("?#") != std::string_view::npos) {
    throw std::invalid_argument(fmt::format("base URL '{}' must not have a query or fragment", url));
  }
  return std::string(url) + (url.back() == '/' ? "" : "/");
}

int write_gallery(const fs::path& out, const std::string& base_url) {
  std::vector<GalleryFilm> films;
  for (const fs::path& folder : sorted_subfolders(out)) {
    if (auto film = read_film(folder)) films.push_back(std::move(*film));
  }
  const auto has_stream = [](const GalleryFilm& film) {
    return std::any_of(film.clips.begin(), film.clips.end(), [](const auto& clip) { return !clip.stream.empty(); });
  };
  if (std::any_of(films.begin(), films.end(), has_stream)) {
    if (const std::string player = ship_stream_player(out); !player.empty()) {
      for (GalleryFilm& film : films) {
        for (GalleryClip& clip : film.clips) {
          if (!clip.stream.empty()) clip.stream_player = player;
        }
      }
    }
  }
  int pages = 0;
  for (const GalleryFilm& film : films) {
    for (const GalleryClip& clip : film.clips) {
      io::write_file_atomic(out / film.slug / clip.clip_slug / "index.html", clip_page(film, clip, base_url));
      ++pages;
    }
    io::write_file_atomic(out / film.slug / "index.html", film_page(film));
    ++pages;
  }
  io::write_file_atomic(out / "index.html", index_page(films));
  return pages + 1;
}

}  // namespace pressreel::batch
