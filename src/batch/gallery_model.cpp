#include "pressreel/batch/gallery_model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>

#include "stills/image_reader.hpp"

namespace pressreel::batch {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool is_image(const fs::path& p) {
  const std::string ext = p.extension().string();
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".webp";
}

// Files of `folder` (not temporary leftovers), sorted by name.
std::vector<fs::path> files_in(const fs::path& folder) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(folder, ec)) {
    if (e.is_regular_file(ec) && !e.path().filename().string().starts_with(".")) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The stages describe each file in the manifest's "outputs" in their own shape; the gallery finds
// the object that names a file (by relative path or bare file name) wherever it sits.
const json* describe(const json& outputs, const std::string& relative, const std::string& filename) {
  if (outputs.is_object()) {
    for (const auto& [key, value] : outputs.items()) {
      if (value.is_string() && (value == relative || value == filename) && (key == "file" || key == "path")) {
        return &outputs;
      }
    }
  }
  if (outputs.is_object() || outputs.is_array()) {
    for (const auto& value : outputs) {
      if (const json* found = describe(value, relative, filename)) return found;
    }
  }
  return nullptr;
}

// A pixel size; a number that cannot be one (negative, or beyond any picture, such as 1e300) is unknown.
int int_field(const json* j, const char* key) {
  if (j == nullptr || !j->contains(key) || !(*j)[key].is_number()) return 0;
  const double value = (*j)[key].get<double>();
  return value >= 0 && value <= 1 << 20 ? static_cast<int>(value) : 0;
}

double seconds_field(const json* j) {
  if (j == nullptr) return -1;
  for (const char* key : {"seconds", "start_seconds"}) {
    if (j->contains(key) && (*j)[key].is_number()) return (*j)[key].get<double>();
  }
  if (j->contains("time")) return seconds_field(&(*j)["time"]);
  return -1;
}

// Size from the manifest, else from a "WxH" in the name, else from the image itself.
void fill_size(GalleryImage& image, const fs::path& file, const json* description) {
  image.width = int_field(description, "width");
  image.height = int_field(description, "height");
  if (image.width > 0 && image.height > 0) return;
  static const std::regex size_pattern(R"((\d{2,5})x(\d{2,5}))");
  std::smatch m;
  const std::string stem = file.stem().string();
  if (std::regex_search(stem, m, size_pattern)) {
    image.width = std::stoi(m[1]);
    image.height = std::stoi(m[2]);
    return;
  }
  if (const auto size = stills::image_size(file)) {
    image.width = size->width;
    image.height = size->height;
  }
}

GalleryImage image_of(const fs::path& clip_folder, const fs::path& file, const json& outputs) {
  GalleryImage image;
  image.path = fs::relative(file, clip_folder).generic_string();
  const json* d = describe(outputs, image.path, file.filename().string());
  fill_size(image, file, d);
  image.seconds = seconds_field(d);
  image.card = d != nullptr && d->contains("card") && (*d)["card"].is_boolean() && (*d)["card"].get<bool>();
  image.label = file.stem().string();
  return image;
}

void read_renditions(GalleryClip& clip, const fs::path& folder, const json& outputs) {
  static const std::regex name_pattern(R"(preview-(.+)\.(mp4|webm))");
  for (const fs::path& file : files_in(folder)) {
    std::smatch m;
    const std::string name = file.filename().string();
    if (!std::regex_match(name, m, name_pattern)) continue;
    GalleryRendition r{name, "video/" + m[2].str(), m[1].str(), 0, 0};
    const json* d = describe(outputs, name, name);
    r.width = int_field(d, "width");
    r.height = int_field(d, "height");
    if (r.height == 0) {
      static const std::regex height_pattern(R"((\d{3,4})p)");
      if (std::smatch h; std::regex_search(r.label, h, height_pattern)) r.height = std::stoi(h[1]);
    }
    clip.renditions.push_back(std::move(r));
  }
  std::stable_sort(clip.renditions.begin(), clip.renditions.end(), [](const auto& a, const auto& b) {
    if (a.type != b.type) return a.type == "video/mp4";
    return a.height > b.height;
  });
}

void read_shots(GalleryClip& clip, const fs::path& scenes_json) {
  std::ifstream in(scenes_json);
  if (!in) return;
  try {
    const json scenes = json::parse(in);
    int number = 0;
    for (const json& s : scenes.value("shots", json::array())) {
      clip.shots.push_back({++number, s.value("start_seconds", 0.0), s.value("end_seconds", 0.0)});
    }
  } catch (const json::exception&) {
    clip.warnings.push_back("scenes.json is unreadable");
  }
}

std::string metadata_value(const json& probe, const char* key) {
  const json& metadata = probe.value("metadata", json::object());
  if (!metadata.is_object()) return {};
  for (const auto& [k, v] : metadata.items()) {
    if (v.is_string() && std::equal(k.begin(), k.end(), key, key + std::strlen(key),
                                    [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      return v.get<std::string>();
    }
  }
  return {};
}

void read_probe(GalleryClip& clip, const json& manifest) {
  const json probe = manifest.value("probe", json::object());
  if (!probe.is_object()) return;
  clip.duration_seconds = probe.value("duration_seconds", 0.0);
  clip.container = container_name(probe, clip.name);
  const std::string title = metadata_value(probe, "title");
  if (!title.empty()) clip.title = title;
  const std::string created = metadata_value(probe, "creation_time");
  if (created.size() >= 10) clip.creation_date = created.substr(0, 10);
  for (const json& v : probe.value("video", json::array())) {
    if (v.value("attached_picture", false)) continue;
    clip.width = int_field(&v, v.contains("display_width") ? "display_width" : "width");
    clip.height = int_field(&v, v.contains("display_height") ? "display_height" : "height");
    clip.frame_rate = frame_rate_text(v);
    break;
  }
}

// The manifest's own fields; throws json::exception when one has a type pressreel never writes.
void read_manifest(GalleryClip& clip, const json& manifest) {
  const json source = manifest.value("source", json::object());
  clip.name = source.is_object() ? source.value("name", clip.clip_slug) : clip.clip_slug;
  clip.title = fs::path(clip.name).stem().string();
  if (clip.title.empty()) clip.title = clip.name;
  clip.ok = manifest.value("status", "failed") == "ok";
  if (const json error = manifest.value("error", json(nullptr)); error.is_object()) {
    clip.error_stage = error.value("stage", "");
    clip.error_message = error.value("message", "");
  } else if (error.is_string()) {
    clip.error_message = error.get<std::string>();
  }
  for (const json& w : manifest.value("warnings", json::array())) {
    if (w.is_string()) clip.warnings.push_back(w.get<std::string>());
  }
  read_probe(clip, manifest);
}

}  // namespace

GalleryClip read_gallery_clip(const fs::path& folder, const json& manifest) {
  GalleryClip clip;
  clip.clip_slug = folder.filename().string();
  clip.film_slug = folder.parent_path().filename().string();
  clip.name = clip.title = clip.clip_slug;
  try {
    read_manifest(clip, manifest);
  } catch (const json::exception& e) {
    // Another version's manifest or a hand edit: show what was read, and say why the rest is missing.
    clip.warnings.push_back(fmt::format("manifest.json is not as pressreel writes it: {}", e.what()));
  }
  const json outputs = manifest.is_object() && manifest.contains("outputs") ? manifest["outputs"] : json::object();

  read_renditions(clip, folder, outputs);
  // The poster first, then the crops.
  std::vector<fs::path> poster_files = files_in(folder / "poster");
  std::stable_partition(poster_files.begin(), poster_files.end(),
                        [](const fs::path& p) { return p.stem() == "poster"; });
  for (const fs::path& file : poster_files) {
    if (is_image(file)) clip.posters.push_back(image_of(folder, file, outputs));
  }
  read_shots(clip, folder / "scenes.json");
  for (const fs::path& file : files_in(folder / "stills")) {
    if (!is_image(file)) continue;
    GalleryImage still = image_of(folder, file, outputs);
    // shot-007.jpg is shot 7; its time from the manifest, else the shot's start in scenes.json.
    static const std::regex shot_pattern(R"((\d{1,6})$)");  // std::stoi would throw beyond int
    std::smatch m;
    const std::string stem = file.stem().string();
    const int shot = std::regex_search(stem, m, shot_pattern) ? std::stoi(m[1]) : 0;
    still.label = shot > 0 ? fmt::format("Shot {}", shot) : stem;
    if (still.seconds < 0 && shot > 0 && shot <= static_cast<int>(clip.shots.size())) {
      still.seconds = clip.shots[static_cast<size_t>(shot - 1)].start_seconds;
    }
    clip.stills.push_back(std::move(still));
  }
  for (const char* name : {"scenes.csv", "scenes.edl", "scenes.json", "chapters.vtt"}) {
    if (fs::is_regular_file(folder / name)) clip.scene_files.emplace_back(name);
  }
  if (fs::is_regular_file(folder / "contact-sheet.jpg")) clip.contact_sheet = "contact-sheet.jpg";
  if (fs::is_regular_file(folder / "storyboard.vtt")) clip.storyboard_vtt = read_text(folder / "storyboard.vtt");
  for (const char* name : {"teaser.mp4", "teaser.webp"}) {
    if (fs::is_regular_file(folder / name)) clip.teasers.emplace_back(name);
  }
  if (fs::is_regular_file(folder / "stream" / "master.m3u8")) clip.stream = "stream/master.m3u8";
  return clip;
}

std::string string_field(const json& object, const char* key) {
  const auto it = object.is_object() ? object.find(key) : object.end();
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string GalleryFilm::title() const {
  const std::string title = string_field(info, "title");
  return title.empty() ? slug : title;
}

std::string cover_image(const GalleryClip& clip) {
  if (!clip.posters.empty()) return clip.posters.front().path;
  if (!clip.stills.empty()) return clip.stills.front().path;
  return clip.contact_sheet;
}

std::string clock_duration(double seconds) {
  const auto total = static_cast<long long>(std::llround(std::max(0.0, seconds)));
  const long long h = total / 3600, m = total / 60 % 60, s = total % 60;
  return h > 0 ? fmt::format("{}:{:02}:{:02}", h, m, s) : fmt::format("{}:{:02}", m, s);
}

}  // namespace pressreel::batch
