// `pressreel pipelines`: the built-in recipes with a one-line description each; with --keys, every key
// a recipe may set (the README's table is this listing).
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "commands.hpp"
#include "pressreel/batch/recipe.hpp"

namespace pressreel::cli {
namespace {

std::string cell(std::string text) {
  for (size_t at = text.find('|'); at != std::string::npos; at = text.find('|', at + 2)) text.replace(at, 1, "\\|");
  return text;
}

// A Markdown table: one row per key, in the order a recipe's sections are read.
void print_keys() {
  std::cout << "| key | type | default | what it sets |\n|---|---|---|---|\n";
  for (const auto& k : batch::recipe_keys()) {
    const std::string fallback = k.default_value.empty() ? "" : fmt::format("`{}`", k.default_value);
    std::cout << fmt::format("| `[{}] {}` | {} | {} | {} |\n", k.section, k.key, cell(k.type), cell(fallback),
                             cell(k.help));
  }
}

}  // namespace

Action add_pipelines_command(CLI::App& app) {
  auto* command = app.add_subcommand("pipelines", "List the built-in recipes (pipelines/*.toml), or every recipe key");
  auto keys = std::make_shared<bool>(false);
  command->add_flag("--keys", *keys, "List every key a recipe may set, with its type, default and meaning (Markdown)");
  return [keys] {
    if (*keys) {
      print_keys();
      return exit_ok;
    }
    for (const auto& r : batch::list_recipes()) {
      std::cout << fmt::format("{:<10} {}\n", r.name, r.description);
    }
    return exit_ok;
  };
}

}  // namespace pressreel::cli
