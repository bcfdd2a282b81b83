// Recipe keys come from one table: what a recipe may set is what effective() records, what
// `pressreel pipelines --keys` lists, and what the README's table shows.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "pressreel/batch/recipe.hpp"
#include "test_support.hpp"

namespace pressreel::batch {
namespace {

using pressreel::testing::cli;
using pressreel::testing::read_text;
using pressreel::testing::run_command;

TEST(RecipeKeys, EffectiveRecordsExactlyTheKeysARecipeMaySet) {
  std::set<std::string> listed, recorded;
  for (const auto& k : recipe_keys()) {
    if (k.section != "recipe") listed.insert(k.section + "." + k.key);
  }
  const auto effective = Recipe().effective();
  for (const auto& [section, keys] : effective.items()) {
    if (section == "name") continue;
    for (const auto& [key, value] : keys.items()) recorded.insert(section + "." + key);
  }
  EXPECT_EQ(listed, recorded);
  EXPECT_EQ(effective["name"], "");
}

TEST(RecipeKeys, EveryListedKeyIsReadAndAnUnlistedOneIsRefused) {
  // Each key, set to its own default, is accepted, and gives the same effective settings.
  const auto defaults = Recipe().effective();
  for (const auto& k : recipe_keys()) {
    if (k.section == "recipe" || k.key == "renditions") continue;
    const std::string toml = "[" + k.section + "]\n" + k.key + " = " + k.default_value + "\n";
    Recipe r;
    ASSERT_NO_THROW(r = parse_recipe(toml, "keys.toml")) << toml;
    r.name.clear();
    EXPECT_EQ(r.effective()[k.section][k.key], defaults[k.section][k.key]) << toml;
  }
  EXPECT_THROW(parse_recipe("[stills]\nsharpness = 3\n", "keys.toml"), RecipeError);
}

TEST(RecipeKeys, ValuesOutsideTheListedRangeAreRefusedWithTheRange) {
  try {
    parse_recipe("[scenes]\nwindow = 0\n", "w.toml");
    FAIL() << "window = 0 was accepted";
  } catch (const RecipeError& e) {
    EXPECT_STREQ(e.what(), "w.toml:2: [scenes] window: must be between 1 and 32");
  }
}

// Found by fuzz_recipe: toml++ gives no double for an integer beyond 2^53, and the reader took
// value() of the empty optional (std::bad_optional_access, the process aborted).
TEST(RecipeKeys, AHugeIntegerForANumberKeyIsRefusedWithTheRange) {
  try {
    parse_recipe("[preview]\ntrue_peak_dbtp = 1111111111111111080\n", "p.toml");
    FAIL() << "a huge true_peak_dbtp was accepted";
  } catch (const RecipeError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("p.toml:2: [preview] true_peak_dbtp: must be between"));
  }
}

// The README's table is `pressreel pipelines --keys`, to the letter.
TEST(RecipeKeys, TheReadmeTableIsTheCliListing) {
  std::string listing;
  ASSERT_EQ(run_command(cli() + " pipelines --keys", &listing), 0);
  const std::string readme = read_text(std::filesystem::path(PRESSREEL_SOURCE_DIR) / "README.md");
  const std::string begin = "<!-- recipe-keys: `pressreel pipelines --keys` -->\n", end = "<!-- /recipe-keys -->";
  const auto from = readme.find(begin), to = readme.find(end);
  ASSERT_NE(from, std::string::npos) << "README.md lacks " << begin;
  ASSERT_NE(to, std::string::npos);
  EXPECT_EQ(readme.substr(from + begin.size(), to - from - begin.size()), listing)
      << "update README.md with: build/pressreel pipelines --keys";
}

}  // namespace
}  // namespace pressreel::batch
