#pragma once
// What the gallery shows of a clip, gathered from its folder in OUT: the manifest for metadata, the
// files on disk for what exists. Each output is optional (a recipe may make no previews, a stage
// may have failed), so every field may be empty and the pages leave out what is missing.

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pressreel::batch {

// A file of the clip, by its path relative to the clip folder (not yet URL-encoded).
struct GalleryImage {
  std::string path;
  int width = 0, height = 0;
  double seconds = -1;   // where in the clip (stills), -1 when unknown
  std::string label;     // crop name, shot number...
  bool card = false;     // the manifest marks it a card (title, rating, release date, credits): shown as such
};

struct GalleryRendition {
  std::string path;  // "preview-720p.mp4"
  std::string type;  // "video/mp4"
  std::string label; // "720p"
  int width = 0, height = 0;
};

struct GalleryShot {
  int number = 0;  // 1-based
  double start_seconds = 0, end_seconds = 0;
};

struct GalleryClip {
  std::string film_slug, clip_slug;
  std::string name;   // source file name
  std::string title;  // container title metadata, else the name without its extension
  bool ok = false;
  std::string error_stage, error_message;
  std::vector<std::string> warnings;
  double duration_seconds = 0;
  int width = 0, height = 0;
  std::string frame_rate;  // for people: frame_rate_text
  std::string container;   // for people: container_name
  std::string creation_date;
  std::vector<GalleryRendition> renditions;  // mp4 first (widest support), larger first
  std::vector<GalleryImage> posters;         // the poster, then its crops
  std::vector<GalleryImage> stills;          // best still per shot, in shot order
  std::vector<GalleryShot> shots;            // from scenes.json
  std::vector<std::string> scene_files;      // scenes.json/csv/edl, chapters.vtt: those present
  std::string contact_sheet;                 // "contact-sheet.jpg" or empty
  std::string storyboard_vtt;                // the VTT's text, empty without a storyboard
  std::vector<std::string> teasers;          // teaser.mp4 / teaser.webp present
  std::string stream;                        // "stream/master.m3u8" when the previews were packaged, or empty
  std::string stream_player;                 // the HLS player shipped in OUT, relative to the clip folder, or empty
};

struct GalleryFilm {
  std::string slug;
  nlohmann::json info;         // film.json's "info" (film.toml): title, year, director...
  std::vector<GalleryClip> clips;
  std::string contact_sheet;   // OUT/<film>/contact-sheet.jpg, relative to the film folder, or empty
  std::string poster;          // OUT/<film>/poster.<ext> (the best clip poster), or empty
  double duration_seconds = 0;
  int failed = 0;
  std::string title() const;
};

// Reads OUT/<film>/<clip>/manifest.json and the files beside it. Never throws for a bad or
// incomplete folder: what cannot be read is left out.
GalleryClip read_gallery_clip(const std::filesystem::path& clip_folder, const nlohmann::json& manifest);

// The first poster (or still) of a clip, relative to its folder; empty when it has none.
std::string cover_image(const GalleryClip& clip);

// A text field of a JSON object read from disk: empty when it is absent or not a string (a film's
// metadata is written by hand, so "title": 1984 must not end the gallery).
std::string string_field(const nlohmann::json& object, const char* key);

// A probe's video stream's rate for people: "23.976 fps", "16.05 fps (variable)"; empty when unknown.
std::string frame_rate_text(const nlohmann::json& video);
// A probe's container as people know it (MP4, QuickTime, Matroska, WebM, AVI, MPEG-PS...), told apart by
// the file's brand or extension where one FFmpeg demuxer reads several formats.
std::string container_name(const nlohmann::json& probe, const std::string& file_name);

// "1:02:03" / "2:03" for people; "0:00" for unknown.
std::string clock_duration(double seconds);

}  // namespace pressreel::batch
