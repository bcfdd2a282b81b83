#include "pressreel/batch/recipe.hpp"

#include <fmt/format.h>
#include <unistd.h>

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
  static const std::set<std::string> sections = {"recipe", "input", "decode", "batch"};
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
    s.reject_unknown();
  }
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
  return {{"name", name},
          {"input", {{"allow_demuxers", allow_demuxers}, {"follow_symlinks_outside", follow_symlinks_outside}}},
          {"decode",
           {{"threads", decoder.threads},
            {"deinterlace", decoder.deinterlace},
            {"autorotate", decoder.autorotate},
            {"tone_map", decoder.tone_map},
            {"frames_in_flight", frames_in_flight}}},
          {"batch", {{"jobs", jobs}}}};
}

}  // namespace pressreel::batch
