// What to say for `pressreel rnu ...`: the word that is not a subcommand and the nearest one.
#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "commands.hpp"

namespace pressreel::cli {
namespace {

// Edits (insert, delete, replace, swap of neighbours) from `a` to `b`: a swapped pair of letters is
// the commonest typo ("rnu"), so it counts as one edit, not two.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::string unknown_subcommand_message(const CLI::App& app, const std::string& word) {
  std::vector<std::string> names;
  // Hidden commands (`worker`, `fork-server`: no group) are for `run` itself, not for people.
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (!sub->get_group().empty()) names.push_back(sub->get_name());
  }
  std::string message = fmt::format("'{}' is not a pressreel command.", word);
  const auto nearest = std::min_element(names.begin(), names.end(), [&](const auto& a, const auto& b) {
    return edit_distance(word, a) < edit_distance(word, b);
  });
  // Past a third of the word's letters, a suggestion is a guess rather than a correction.
  if (nearest != names.end() && edit_distance(word, *nearest) <= std::max<size_t>(2, word.size() / 3)) {
    message += fmt::format(" Did you mean '{}'?", *nearest);
  }
  return message + fmt::format("\nCommands: {}. See `pressreel --help`.", fmt::join(names, ", "));
}

}  // namespace pressreel::cli
