// Limits on what one clip may be and cost ([limits] in a recipe): a clip over one fails early with
// the value and the key in its cause, and the rest of the batch completes.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "pressreel/batch/limits.hpp"
#include "pressreel/batch/recipe.hpp"
#include "pressreel/media/probe.hpp"
#include "test_support.hpp"

namespace {

using namespace pressreel;
using pressreel::testing::make_test_clip;
using pressreel::testing::TempDir;
using pressreel::testing::read_json;
namespace fs = std::filesystem;


// `pressreel run IN -o OUT --pipeline RECIPE --json`: the exit code and the run summary.
std::pair<int, nlohmann::json> run(const fs::path& in, const fs::path& out, const fs::path& recipe) {
  std::string text;
  const int rc = pressreel::testing::run_command(fmt::format("{} --quiet run '{}' -o '{}' --pipeline '{}' --json",
                                                             pressreel::testing::cli(), in.string(), out.string(),
                                                             recipe.string()),
                                                 &text);
  return {rc, text.empty() ? nlohmann::json() : nlohmann::json::parse(text)};
}

const nlohmann::json& clip_named(const nlohmann::json& report, const std::string& name) {
  for (const auto& c : report["clips"]) {
    if (c["clip"] == name) return c;
  }
  ADD_FAILURE() << "no clip " << name << " in " << report.dump(2);
  static const nlohmann::json none;
  return none;
}

TEST(Limits, RecipesSetThemStrictlyAndTheyFeedTheIncrementalKey) {
  const batch::Recipe defaults = batch::parse_recipe("", "defaults.toml");
  EXPECT_EQ(defaults.limits.max_frame_pixels, 35'651'584);
  EXPECT_EQ(defaults.limits.max_duration_seconds, 4 * 3600.0);
  EXPECT_EQ(defaults.limits.stall_seconds, 60.0);
  // The documented defaults in web.toml are the built-in ones.
  EXPECT_EQ(batch::load_recipe("web").effective()["limits"], defaults.effective()["limits"]);

  const batch::Recipe r = batch::parse_recipe(
      "[limits]\nmax_frame_pixels = 1000\nmax_duration_seconds = 30.5\nmax_streams = 3\nmax_output_bytes = 5000\n"
      "stall_seconds = 2.5\ntime_budget_factor = 4\ntime_budget_min_seconds = 9\n",
      "small.toml");
  EXPECT_EQ(r.limits.max_frame_pixels, 1000);
  EXPECT_EQ(r.limits.max_duration_seconds, 30.5);
  EXPECT_EQ(r.limits.max_streams, 3);
  EXPECT_EQ(r.limits.max_output_bytes, 5000);
  EXPECT_EQ(r.limits.stall_seconds, 2.5);
  EXPECT_EQ(batch::time_budget_seconds(r.limits, 1.0), 9.0);    // the minimum
  EXPECT_EQ(batch::time_budget_seconds(r.limits, 100.0), 400.0);  // 4 x the duration
  EXPECT_NE(r.effective()["limits"], defaults.effective()["limits"]);

  const auto error_of = [](const std::string& toml) {
    try {
      batch::parse_recipe(toml, "bad.toml");
    } catch (const batch::RecipeError& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  EXPECT_EQ(error_of("[limits]\nstall_seconds = 0\n"), "bad.toml:2: [limits] stall_seconds: must be between 0.05 and 86400");
  EXPECT_EQ(error_of("[limits]\nmax_streams = \"many\"\n"), "bad.toml:2: [limits] max_streams: must be an integer");
  EXPECT_EQ(error_of("[limits]\nmax_pixels = 5\n"), "bad.toml:2: [limits] max_pixels: unknown key");
}

TEST(Limits, AreCheckedOnTheProbe) {
  TempDir dir;
  const media::ProbeResult probe = media::probe(make_test_clip(dir / "clip.mp4", 50, "25"));  // 2 s of 320x240
  batch::Limits limits;
  EXPECT_FALSE(batch::over_limit(probe, limits));
  limits.max_frame_pixels = 320 * 240 - 1;
  EXPECT_EQ(batch::over_limit(probe, limits),
            "coded frame of 320x240 (76800 pixels), over [limits] max_frame_pixels = 76799");
  limits = {};
  limits.max_duration_seconds = 1.5;
  EXPECT_EQ(batch::over_limit(probe, limits), "duration 2 s, over [limits] max_duration_seconds = 1.5");
  limits = {};
  limits.max_streams = 0;
  EXPECT_EQ(batch::over_limit(probe, limits), "1 streams, over [limits] max_streams = 0");
}

TEST(LimitsRun, AClipOverALimitFailsBeforeDecodingAndTheOthersComplete) {
  TempDir dir;
  make_test_clip(dir / "in" / "film" / "short.mp4", 25, "25");  // 1 s
  make_test_clip(dir / "in" / "film" / "long.mp4", 75, "25");   // 3 s
  std::ofstream(dir / "limits.toml") << "[outputs]\npreviews = false\nteaser = false\n"
                                        "[limits]\nmax_duration_seconds = 2.0\n";
  const auto [rc, report] = run(dir / "in", dir / "out", dir / "limits.toml");
  EXPECT_EQ(rc, 1);
  EXPECT_EQ(clip_named(report, "short")["status"], "ok");
  const auto& long_clip = clip_named(report, "long");
  EXPECT_EQ(long_clip["status"], "failed");
  EXPECT_EQ(long_clip["stage"], "limits");
  EXPECT_NE(long_clip["error"].get<std::string>().find("limits: duration 3 s, over [limits] max_duration_seconds = 2"),
            std::string::npos)
      << long_clip["error"];
  const auto manifest = read_json(dir / "out" / "film" / "long" / "manifest.json");
  EXPECT_EQ(manifest["error"]["stage"], "limits");
  EXPECT_FALSE(manifest.contains("decode")) << "failed after decoding, not before";
}

TEST(LimitsRun, AClipWritingMoreThanItMayFailsAndLeavesOnlyItsManifest) {
  TempDir dir;
  make_test_clip(dir / "in" / "film" / "clip.mp4", 50, "25");
  // Previews, stills, crops and sheets of a 2 s clip are a few hundred kilobytes.
  std::ofstream(dir / "small.toml") << "[limits]\nmax_output_bytes = 20000\n";
  const auto [rc, report] = run(dir / "in", dir / "out", dir / "small.toml");
  EXPECT_EQ(rc, 1);
  const auto& clip = clip_named(report, "clip");
  EXPECT_EQ(clip["status"], "failed");
  EXPECT_NE(clip["error"].get<std::string>().find("bytes written, over [limits] max_output_bytes = 20000"),
            std::string::npos)
      << clip["error"];
  // The manifest says why; index.html is the gallery's page of the clip, made after the run.
  std::set<std::string> left;
  for (const auto& e : fs::recursive_directory_iterator(dir / "out" / "film" / "clip")) {
    left.insert(e.path().filename().string());
  }
  left.erase("index.html");
  EXPECT_EQ(left, std::set<std::string>{"manifest.json"});
}

}  // namespace
