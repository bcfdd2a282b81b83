// `pressreel pipelines`: the built-in recipes with a one-line description each.
#include <fmt/format.h>

#include <iostream>

#include "commands.hpp"
#include "pressreel/batch/recipe.hpp"

namespace pressreel::cli {

Action add_pipelines_command(CLI::App& app) {
  app.add_subcommand("pipelines", "List the built-in recipes (pipelines/*.toml)");
  return [] {
    for (const auto& r : batch::list_recipes()) {
      std::cout << fmt::format("{:<10} {}\n", r.name, r.description);
    }
    return exit_ok;
  };
}

}  // namespace pressreel::cli
