#pragma once
// The static HTML gallery of a run, for editors: OUT/index.html (every film), OUT/<film>/index.html
// (a film and its clips) and OUT/<film>/<clip>/index.html (one clip: player with storyboard hover,
// shot strip, poster and crops, contact sheet, scene lists, publishing snippets). Built from the
// manifests and files on disk, so `run` and `merge` produce the same pages. Self-contained: inline
// CSS and JS, system fonts, relative links only; every string from clips or metadata escaped.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "pressreel/batch/gallery_model.hpp"

namespace pressreel::batch {

// Where OUT will be published, e.g. "https://press.example.com/films/": an http(s) address, returned
// ending in "/". Throws std::invalid_argument, saying why, for anything else.
std::string checked_base_url(std::string_view url);

// Reads every film and clip under `out` and writes all pages, each atomically; returns how many
// pages were written. A clip folder without a manifest is incomplete and left out. With a
// `base_url` (from checked_base_url), the publishing snippets carry absolute URLs under it, as
// Open Graph and Twitter cards need; links between the pages stay relative.
int write_gallery(const std::filesystem::path& out, const std::string& base_url = {});

// The HLS player (hls.js, for browsers without native HLS) the gallery ships as OUT/hls.min.js when a
// clip has a stream: the installed copy at $PRESSREEL_HLS_JS, else where tools/setup.sh puts it
// (PRESSREEL_HLS_JS at build time). Empty when neither exists: the pages then play the stream only
// where HLS is native, and the MP4s elsewhere.
std::filesystem::path installed_stream_player();

// The pages as text, for the writer above and for tests.
std::string index_page(const std::vector<GalleryFilm>& films);
std::string film_page(const GalleryFilm& film);
std::string clip_page(const GalleryFilm& film, const GalleryClip& clip, const std::string& base_url = {});

}  // namespace pressreel::batch
