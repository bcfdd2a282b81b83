#include "pressreel/batch/recipe.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <fmt/ranges.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <toml++/toml.h>

namespace pressreel::batch {
namespace {

namespace fs = std::filesystem;

// One [section] of a recipe: reads typed keys, remembers which were used, and rejects the rest.
class Section {
 public:
  Section(const toml::table& root, std::string name, const fs::path& file) : name_(std::move(name)), file_(file) {
    if (const toml::node* node = root.get(name_)) {
      table_ = node->as_table();
      if (table_ == nullptr) fail(*node, name_, "must be a table ([" + name_ + "])");
    }
  }

  void get(std::string_view key, bool& out) {
    if (const toml::node* n = find(key)) {
      if (!n->is_boolean()) fail(*n, key, "must be true or false");
      out = n->value<bool>().value();
    }
  }

  void get(std::string_view key, std::string& out) {
    if (const toml::node* n = find(key)) {
      if (!n->is_string()) fail(*n, key, "must be a string");
      out = n->value<std::string>().value();
    }
  }

  void get(std::string_view key, int& out, int min, int max) {
    if (const toml::node* n = find(key)) {
      if (!n->is_integer()) fail(*n, key, "must be an integer");
      const int64_t v = n->value<int64_t>().value();
      if (v < min || v > max) fail(*n, key, fmt::format("must be between {} and {}", min, max));
      out = static_cast<int>(v);
    }
  }

  void get(std::string_view key, double& out, double min, double max) {
    if (const toml::node* n = find(key)) {
      if (!n->is_number()) fail(*n, key, "must be a number");
      const double v = n->value<double>().value();
      if (!(v >= min && v <= max)) fail(*n, key, fmt::format("must be between {} and {}", min, max));
      out = v;
    }
  }

  void get(std::string_view key, int64_t& out, int64_t min, int64_t max) {
    if (const toml::node* n = find(key)) {
      if (!n->is_integer()) fail(*n, key, "must be an integer");
      const int64_t v = n->value<int64_t>().value();
      if (v < min || v > max) fail(*n, key, fmt::format("must be between {} and {}", min, max));
      out = v;
    }
  }

  void get(std::string_view key, size_t& out, size_t min, size_t max) {
    int64_t v = static_cast<int64_t>(out);
    get(key, v, static_cast<int64_t>(min), static_cast<int64_t>(max));
    out = static_cast<size_t>(v);
  }

  // A string that must be one of `choices`.
  void get_choice(std::string_view key, std::string& out, std::initializer_list<std::string_view> choices) {
    if (const toml::node* n = find(key)) {
      const auto v = n->value<std::string>();
      if (!v || std::find(choices.begin(), choices.end(), *v) == choices.end()) {
        fail(*n, key, fmt::format("must be one of: {}", fmt::join(choices, ", ")));
      }
      out = *v;
    }
  }

  // An array of tables ([[section.key]]), each read by `read(Section&)`.
  template <class Read>
  bool get_tables(std::string_view key, Read read) {
    const toml::node* n = find(key);
    if (n == nullptr) return false;
    const toml::array* array = n->as_array();
    if (array == nullptr) fail(*n, key, "must be an array of tables ([[" + name_ + "." + std::string(key) + "]])");
    for (const auto& item : *array) {
      const toml::table* t = item.as_table();
      if (t == nullptr) fail(item, key, "must be an array of tables");
      toml::table wrapper;
      wrapper.insert(std::string(key), *t);
      Section sub(wrapper, std::string(key), file_);
      sub.name_ = name_ + "." + std::string(key);
      read(sub);
      sub.reject_unknown();
    }
    return true;
  }

  // A colour as [b, g, r] or "#rrggbb".
  void get(std::string_view key, cv::Scalar& out) {
    if (const toml::node* n = find(key)) {
      const auto text = n->value<std::string>();
      unsigned rgb = 0;
      if (!text || text->size() != 7 || (*text)[0] != '#' || std::sscanf(text->c_str() + 1, "%6x", &rgb) != 1) {
        fail(*n, key, "must be a colour \"#rrggbb\"");
      }
      out = cv::Scalar(rgb & 0xff, (rgb >> 8) & 0xff, (rgb >> 16) & 0xff);
    }
  }

  void get(std::string_view key, std::vector<std::string>& out) {
    if (const toml::node* n = find(key)) {
      const toml::array* array = n->as_array();
      if (array == nullptr) fail(*n, key, "must be an array of strings");
      out.clear();
      for (const auto& item : *array) {
        if (!item.is_string()) fail(item, key, "must be an array of strings");
        out.push_back(item.value<std::string>().value());
      }
    }
  }

  // Every key the recipe gave in this section must have been read.
  void reject_unknown() const {
    if (table_ == nullptr) return;
    for (const auto& [key, node] : *table_) {
      if (!used_.contains(std::string(key.str()))) fail(node, key.str(), "unknown key");
    }
  }

 private:
  const toml::node* find(std::string_view key) {
    used_.insert(std::string(key));
    return table_ == nullptr ? nullptr : table_->get(key);
  }

  [[noreturn]] void fail(const toml::node& node, std::string_view key, std::string_view why) const {
    throw RecipeError(fmt::format("{}:{}: [{}] {}: {}", file_.string(), node.source().begin.line, name_, key, why));
  }

  std::string name_;
  const fs::path& file_;
  const toml::table* table_ = nullptr;
  std::set<std::string> used_;
};

fs::path executable_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

void read_stage_sections(const toml::table& root, const fs::path& source, Recipe& r) {
  {
    Section s(root, "outputs", source);
    s.get("scenes", r.outputs.scenes);
    s.get("stills", r.outputs.stills);
    s.get("poster", r.outputs.poster);
    s.get("contact_sheet", r.outputs.contact_sheet);
    s.get("storyboard", r.outputs.storyboard);
    s.get("previews", r.outputs.previews);
    s.get("teaser", r.outputs.teaser);
    s.reject_unknown();
  }
  {
    Section s(root, "scenes", source);
    auto& o = r.scenes;
    s.get("analysis_width", o.analysis_width, 32, 1024);
    s.get("adaptive_ratio", o.adaptive_ratio, 1.0, 100.0);
    s.get("window", o.window, 1, 32);
    s.get("min_score", o.min_score, 0.0, 255.0);
    s.get("min_shot_seconds", o.min_shot_seconds, 0.0, 60.0);
    s.get("max_transition_seconds", o.max_transition_seconds, 0.1, 10.0);
    s.get("max_dip_seconds", o.max_dip_seconds, 0.0, 10.0);
    s.get("flash_seconds", o.flash_seconds, 0.0, 1.0);
    s.get("detect_fades", o.detect_fades);
    s.get("detect_dissolves", o.detect_dissolves);
    s.get("filter_flashes", o.filter_flashes);
    s.reject_unknown();
  }
  {
    Section s(root, "stills", source);
    auto& k = r.keeper;
    s.get("samples_per_second", k.samples_per_second, 0.1, 60.0);
    s.get("max_width", k.max_width, 64, 4096);
    s.get("cut_margin_frames", k.cut_margin_frames, 0, 1000);
    s.get("open_shot_candidates", k.open_shot_candidates, 1, 256);
    s.get("finalists", k.finalists, 1, 64);
    s.get("alternates", k.alternates, 0, 64);
    s.get("full_resolution_copies", k.full_resolution_copies, 1, 64);
    std::string format = stills::extension(r.stills.image.format);
    s.get_choice("format", format, {"jpg", "jpeg", "webp"});
    r.stills.image.format = stills::parse_image_format(format);
    s.get("quality", r.stills.image.quality, 1, 100);
    s.get("progressive", r.stills.image.progressive);
    s.get("poster_alternates", r.stills.alternates, 0, 64);
    std::vector<std::string> crops;
    s.get("crops", crops);
    if (!crops.empty()) {
      r.stills.crops.clear();
      for (const auto& name : crops) {
        try {
          r.stills.crops.push_back(stills::parse_crop(name));
        } catch (const std::exception& e) {
          throw RecipeError(fmt::format("{}: [stills] crops: {}", source.string(), e.what()));
        }
      }
    }
    s.reject_unknown();
  }
  {
    Section s(root, "storyboard", source);
    auto& o = r.storyboard;
    s.get("tile_width", o.tile_width, 16, 1920);
    s.get("target_tiles", o.target_tiles, 1, 10000);
    s.get("min_interval_seconds", o.min_interval_seconds, 0.04, 3600.0);
    s.get("interval_seconds", o.interval_seconds, 0.0, 3600.0);
    s.get("max_tiles", o.max_tiles, 1, 100000);
    s.get("max_sprite_size", o.max_sprite_size, 256, 16384);
    s.get("quality", o.image.quality, 1, 100);
    s.reject_unknown();
  }
  {
    Section s(root, "contact_sheet", source);
    auto& o = r.sheet;
    s.get("columns", o.columns, 1, 32);
    s.get("tile_width", o.tile_width, 32, 4096);
    s.get("spacing", o.spacing, 0, 256);
    s.get("margin", o.margin, 0, 512);
    s.get("max_width", o.max_width, 256, 16384);
    s.get("max_height", o.max_height, 256, 65500);
    s.get("title_size", o.title_size, 6, 200);
    s.get("info_size", o.info_size, 6, 200);
    s.get("label_size", o.label_size, 6, 200);
    s.get("background", o.background);
    s.get("tile_background", o.tile_background);
    s.get("title_colour", o.title_colour);
    s.get("info_colour", o.info_colour);
    s.get("label_colour", o.label_colour);
    std::string format = stills::extension(o.image.format);
    s.get_choice("format", format, {"jpg", "jpeg", "webp"});
    o.image.format = stills::parse_image_format(format);
    s.get("quality", o.image.quality, 1, 100);
    s.get("min_shots", r.sheet_sampling.min_shots, 0, 1000);
    s.get("interval_tiles", r.sheet_sampling.interval_tiles, 1, 1000);
    s.reject_unknown();
  }
  {
    Section s(root, "preview", source);
    auto& o = r.preview;
    s.get("gop_seconds", o.gop_seconds, 0.1, 20.0);
    s.get("encoder_threads", o.encoder_threads, 0, 64);
    s.get("audio", o.audio.enabled);
    s.get("aac_bitrate", o.audio.aac_bitrate, 16000, 512000);
    s.get("opus_bitrate", o.audio.opus_bitrate, 16000, 512000);
    s.get("normalize_loudness", o.audio.normalize);
    s.get("target_lufs", o.audio.target.integrated_lufs, -70.0, 0.0);
    s.get("true_peak_dbtp", o.audio.target.true_peak_dbtp, -30.0, 0.0);
    std::vector<preview::RenditionOptions> renditions;
    const bool given = s.get_tables("renditions", [&](Section& t) {
      preview::RenditionOptions rendition;
      std::string codec = "h264";
      t.get("name", rendition.name);
      t.get("height", rendition.height, 16, 4320);
      t.get_choice("codec", codec, {"h264", "vp9", "av1"});
      rendition.codec = preview::video_codec_from_string(codec);
      t.get("crf", rendition.crf, 0, 63);
      t.get("maxrate", rendition.maxrate, 0, 200'000'000);
      t.get("bufsize", rendition.bufsize, 0, 400'000'000);
      t.get("preset", rendition.preset);
      if (rendition.name.empty()) rendition.name = fmt::format("{}p", rendition.height);
      if (rendition.height == 0) throw RecipeError(fmt::format("{}: [[preview.renditions]] '{}': height is required", source.string(), rendition.name));
      renditions.push_back(rendition);
    });
    if (given) o.renditions = renditions;
    s.reject_unknown();
  }
  {
    Section s(root, "teaser", source);
    auto& o = r.teaser;
    s.get("min_seconds", o.min_seconds, 1.0, 60.0);
    s.get("max_seconds", o.max_seconds, 1.0, 120.0);
    s.get("piece_seconds", o.piece_seconds, 0.2, 30.0);
    s.get("height", o.mp4.height, 16, 2160);
    s.get("max_width", o.max_width, 16, 4096);
    s.get("crf", o.mp4.crf, 0, 63);
    s.get("webp_max_width", o.webp_max_width, 16, 4096);
    s.get("webp_fps", o.webp_fps, 1.0, 60.0);
    s.get("webp_quality", o.webp_quality, 0.0, 100.0);
    s.get("webp_effort", o.webp_effort, 0, 6);
    s.reject_unknown();
    if (o.max_seconds < o.min_seconds) {
      throw RecipeError(fmt::format("{}: [teaser] max_seconds ({}) is below min_seconds ({})", source.string(),
                                    o.max_seconds, o.min_seconds));
    }
  }
}

}  // namespace

std::vector<fs::path> recipe_folders() {
  std::vector<fs::path> folders;
  if (const char* env = std::getenv("PRESSREEL_PIPELINES")) folders.emplace_back(env);
  const fs::path exe = executable_dir();
  if (!exe.empty()) {
    folders.push_back(exe / "pipelines");
    folders.push_back(exe.parent_path() / "pipelines");
    folders.push_back(exe.parent_path() / "share" / "pressreel" / "pipelines");
  }
  folders.emplace_back(PRESSREEL_PIPELINES_DIR);
  return folders;
}

Recipe parse_recipe(const std::string& toml_text, const fs::path& source) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source.string());
  } catch (const toml::parse_error& e) {
    throw RecipeError(fmt::format("{}:{}: {}", source.string(), e.source().begin.line, e.description()));
  }
  static const std::set<std::string> sections = {"recipe",  "input",  "decode",     "batch",         "outputs",
                                                  "scenes",  "stills", "storyboard", "contact_sheet", "preview",
                                                  "teaser",  "limits"};
  for (const auto& [key, node] : root) {
    if (!sections.contains(std::string(key.str()))) {
      throw RecipeError(fmt::format("{}:{}: unknown section or key '{}'", source.string(), node.source().begin.line,
                                    key.str()));
    }
  }
  Recipe r;
  r.source = source;
  r.name = source.stem().string();
  {
    Section s(root, "recipe", source);
    s.get("name", r.name);
    s.get("description", r.description);
    s.reject_unknown();
  }
  {
    Section s(root, "input", source);
    s.get("allow_demuxers", r.allow_demuxers);
    s.get("follow_symlinks_outside", r.follow_symlinks_outside);
    s.reject_unknown();
  }
  {
    Section s(root, "decode", source);
    s.get("threads", r.decoder.threads, 0, 64);
    s.get("deinterlace", r.decoder.deinterlace);
    s.get("autorotate", r.decoder.autorotate);
    s.get("tone_map", r.decoder.tone_map);
    s.get("frames_in_flight", r.frames_in_flight, 0, 256);
    s.reject_unknown();
  }
  {
    Section s(root, "batch", source);
    s.get("jobs", r.jobs, 0, 256);
    s.get("strict", r.strict);
    s.reject_unknown();
  }
  {
    Section s(root, "limits", source);
    auto& l = r.limits;
    s.get("max_frame_pixels", l.max_frame_pixels, 1, int64_t{1} << 40);
    s.get("max_duration_seconds", l.max_duration_seconds, 0.001, 1e7);
    s.get("max_streams", l.max_streams, 1, 100000);
    s.get("max_output_bytes", l.max_output_bytes, 1, int64_t{1} << 50);
    s.get("stall_seconds", l.stall_seconds, 0.05, 86400.0);
    s.get("time_budget_factor", l.time_budget_factor, 0.0, 10000.0);
    s.get("time_budget_min_seconds", l.time_budget_min_seconds, 0.05, 1e7);
    s.reject_unknown();
  }
  read_stage_sections(root, source, r);
  return r;
}

Recipe load_recipe(const std::string& name_or_file) {
  fs::path file = name_or_file;
  const bool looks_like_path = name_or_file.find('/') != std::string::npos || file.extension() == ".toml";
  if (!looks_like_path) {
    file.clear();
    for (const auto& folder : recipe_folders()) {
      if (fs::exists(folder / (name_or_file + ".toml"))) {
        file = folder / (name_or_file + ".toml");
        break;
      }
    }
    if (file.empty()) {
      std::string known;
      for (const auto& r : list_recipes()) known += (known.empty() ? "" : ", ") + r.name;
      throw RecipeError(fmt::format("unknown pipeline '{}' (known: {})", name_or_file, known));
    }
  }
  std::ifstream in(file);
  if (!in) throw RecipeError(fmt::format("{}: cannot read recipe", file.string()));
  std::stringstream text;
  text << in.rdbuf();
  Recipe r = parse_recipe(text.str(), file);
  if (!looks_like_path) r.name = name_or_file;
  return r;
}

std::vector<RecipeListing> list_recipes() {
  std::vector<RecipeListing> out;
  std::set<std::string> seen;
  for (const auto& folder : recipe_folders()) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(folder, ec)) {
      if (e.path().extension() == ".toml") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      if (!seen.insert(f.stem().string()).second) continue;
      try {
        const Recipe r = load_recipe(f.string());
        out.push_back({f.stem().string(), r.description, f});
      } catch (const RecipeError& e) {
        out.push_back({f.stem().string(), std::string("(invalid: ") + e.what() + ")", f});
      }
    }
  }
  return out;
}

nlohmann::json Recipe::effective() const {
  using nlohmann::json;
  auto colour = [](const cv::Scalar& c) { return fmt::format("#{:02x}{:02x}{:02x}", int(c[2]), int(c[1]), int(c[0])); };
  json renditions = json::array();
  for (const auto& rendition : preview.renditions) renditions.push_back(preview::to_json(rendition));
  json crops = json::array();
  for (const auto& crop : stills.crops) crops.push_back(crop.name);
  return {{"name", name},
          {"input", {{"allow_demuxers", allow_demuxers}, {"follow_symlinks_outside", follow_symlinks_outside}}},
          {"decode",
           {{"threads", decoder.threads},
            {"deinterlace", decoder.deinterlace},
            {"autorotate", decoder.autorotate},
            {"tone_map", decoder.tone_map},
            {"frames_in_flight", frames_in_flight}}},
          {"batch", {{"jobs", jobs}, {"strict", strict}}},
          {"limits", to_json(limits)},
          {"outputs",
           {{"scenes", outputs.scenes},
            {"stills", outputs.stills},
            {"poster", outputs.poster},
            {"contact_sheet", outputs.contact_sheet},
            {"storyboard", outputs.storyboard},
            {"previews", outputs.previews},
            {"teaser", outputs.teaser}}},
          {"scenes",
           {{"analysis_width", scenes.analysis_width},
            {"adaptive_ratio", scenes.adaptive_ratio},
            {"window", scenes.window},
            {"min_score", scenes.min_score},
            {"min_shot_seconds", scenes.min_shot_seconds},
            {"max_transition_seconds", scenes.max_transition_seconds},
            {"max_dip_seconds", scenes.max_dip_seconds},
            {"flash_seconds", scenes.flash_seconds},
            {"detect_fades", scenes.detect_fades},
            {"detect_dissolves", scenes.detect_dissolves},
            {"filter_flashes", scenes.filter_flashes}}},
          {"stills",
           {{"samples_per_second", keeper.samples_per_second},
            {"max_width", keeper.max_width},
            {"cut_margin_frames", keeper.cut_margin_frames},
            {"open_shot_candidates", keeper.open_shot_candidates},
            {"finalists", keeper.finalists},
            {"alternates", keeper.alternates},
            {"full_resolution_copies", keeper.full_resolution_copies},
            {"format", stills::extension(stills.image.format)},
            {"quality", stills.image.quality},
            {"progressive", stills.image.progressive},
            {"poster_alternates", stills.alternates},
            {"crops", crops}}},
          {"storyboard",
           {{"tile_width", storyboard.tile_width},
            {"target_tiles", storyboard.target_tiles},
            {"min_interval_seconds", storyboard.min_interval_seconds},
            {"interval_seconds", storyboard.interval_seconds},
            {"max_tiles", storyboard.max_tiles},
            {"max_sprite_size", storyboard.max_sprite_size},
            {"quality", storyboard.image.quality}}},
          {"contact_sheet",
           {{"columns", sheet.columns},
            {"tile_width", sheet.tile_width},
            {"spacing", sheet.spacing},
            {"margin", sheet.margin},
            {"max_width", sheet.max_width},
            {"max_height", sheet.max_height},
            {"title_size", sheet.title_size},
            {"info_size", sheet.info_size},
            {"label_size", sheet.label_size},
            {"background", colour(sheet.background)},
            {"tile_background", colour(sheet.tile_background)},
            {"title_colour", colour(sheet.title_colour)},
            {"info_colour", colour(sheet.info_colour)},
            {"label_colour", colour(sheet.label_colour)},
            {"format", stills::extension(sheet.image.format)},
            {"quality", sheet.image.quality},
            {"min_shots", sheet_sampling.min_shots},
            {"interval_tiles", sheet_sampling.interval_tiles}}},
          {"preview",
           {{"gop_seconds", preview.gop_seconds},
            {"encoder_threads", preview.encoder_threads},
            {"audio", preview.audio.enabled},
            {"aac_bitrate", preview.audio.aac_bitrate},
            {"opus_bitrate", preview.audio.opus_bitrate},
            {"normalize_loudness", preview.audio.normalize},
            {"target_lufs", preview.audio.target.integrated_lufs},
            {"true_peak_dbtp", preview.audio.target.true_peak_dbtp},
            {"renditions", renditions}}},
          {"teaser",
           {{"min_seconds", teaser.min_seconds},
            {"max_seconds", teaser.max_seconds},
            {"piece_seconds", teaser.piece_seconds},
            {"height", teaser.mp4.height},
            {"max_width", teaser.max_width},
            {"crf", teaser.mp4.crf},
            {"webp_max_width", teaser.webp_max_width},
            {"webp_fps", teaser.webp_fps},
            {"webp_quality", teaser.webp_quality},
            {"webp_effort", teaser.webp_effort}}}};
}

}  // namespace pressreel::batch
