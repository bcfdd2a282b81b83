// Recipe parser: any text either becomes a Recipe whose effective settings serialise, or is refused
// with a RecipeError naming the file and line. Anything else escaping is a finding.
#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "pressreel/batch/recipe.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const pressreel::batch::Recipe recipe = pressreel::batch::parse_recipe(text, "fuzz.toml");
    // The manifest and the incremental key are built from this; it must hold for every accepted recipe.
    (void)recipe.effective().dump();
  } catch (const pressreel::batch::RecipeError&) {
  }
  return 0;
}
