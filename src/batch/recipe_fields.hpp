#pragma once
// Every recipe key, once: its [section], name, type and range, where it lives in a Recipe, and a line
// of help. The one table serves reading a recipe, Recipe::effective() (the manifest and the cache
// key) and `pressreel pipelines --keys`, which the README's table is checked against.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "batch/recipe_section.hpp"

namespace pressreel::batch {

struct RecipeField {
  std::string_view section;
  std::string_view key;
  std::string type;  // "true/false", "integer 1..64", "number 0..1", "string", "jpg|jpeg|webp", ...
  std::string_view help;
  std::function<void(Section&, Recipe&)> read;
  std::function<nlohmann::json(const Recipe&)> write;
};

// In reading order: sections as a recipe lays them out, keys as the README lists them.
const std::vector<RecipeField>& recipe_fields();

}  // namespace pressreel::batch
