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

#include "batch/recipe_fields.hpp"

namespace pressreel::batch {
namespace {

namespace fs = std::filesystem;

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
  const auto& fields = recipe_fields();
  const auto known_section = [&](std::string_view name) {
    return name == "recipe" || std::any_of(fields.begin(), fields.end(), [&](const auto& f) { return f.section == name; });
  };
  for (const auto& [key, node] : root) {
    if (!known_section(key.str())) {
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
  // The table lists each section's keys together.
  for (auto field = fields.begin(); field != fields.end();) {
    Section s(root, std::string(field->section), source);
    const std::string_view section = field->section;
    for (; field != fields.end() && field->section == section; ++field) field->read(s, r);
    s.reject_unknown();
  }
  if (r.teaser.max_seconds < r.teaser.min_seconds) {
    throw RecipeError(fmt::format("{}: [teaser] max_seconds ({}) is below min_seconds ({})", source.string(),
                                  r.teaser.max_seconds, r.teaser.min_seconds));
  }
  // A segment starts at a keyframe: shorter than a GOP, segments would be GOPs of another length.
  if (r.stream.segment_seconds < r.preview.gop_seconds) {
    throw RecipeError(fmt::format("{}: [stream] segment_seconds ({}) is below [preview] gop_seconds ({})",
                                  source.string(), r.stream.segment_seconds, r.preview.gop_seconds));
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
  nlohmann::json out = {{"name", name}};
  for (const auto& field : recipe_fields()) out[std::string(field.section)][std::string(field.key)] = field.write(*this);
  return out;
}

std::vector<RecipeKey> recipe_keys() {
  const Recipe defaults;
  std::vector<RecipeKey> keys = {{"recipe", "name", "string", "the recipe's name (default: its file name)", ""},
                                 {"recipe", "description", "string", "one line for `pressreel pipelines`", ""}};
  for (const auto& field : recipe_fields()) {
    keys.push_back({std::string(field.section), std::string(field.key), field.type, std::string(field.help),
                    field.write(defaults).dump()});
  }
  return keys;
}

}  // namespace pressreel::batch
