// Whole runs of a small batch: incremental reruns, crash safety, shards merged, reports. Each test runs the
// full default recipe several times, so the suite is labelled `slow` (tests/CMakeLists.txt): CI runs it
// with the long checks, and the sanitizer pass, which covers the same code in the quick batch tests
// (test_batch, test_clip_isolation, test_crashers), leaves it out.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "io/atomic_file.hpp"
#include "test_support.hpp"

namespace {

using namespace pressreel;
using pressreel::testing::make_test_clip;
using pressreel::testing::output_snapshot;
using pressreel::testing::run_command;
using pressreel::testing::TempDir;
namespace fs = std::filesystem;

class BatchRuns : public ::testing::Test {
 protected:
  void SetUp() override {
    make_test_clip(dir_ / "in" / "film" / "a.mp4", 120, "25", {}, 640, 360);
    make_test_clip(dir_ / "in" / "film" / "b.mp4", 120, "25", {}, 640, 360);
    make_test_clip(dir_ / "in" / "other" / "c.mkv", 120, "25", {}, 640, 360);
  }
  // The command line of a run into OUT; its errors are added to OUT.stderr, for the failure message.
  std::string run(const std::string& out, const std::string& extra = "") {
    return fmt::format("{} --quiet run '{}' -o '{}' {} 2>>'{}'", pressreel::testing::cli(), (dir_ / "in").string(),
                       (dir_ / out).string(), extra, (dir_ / (out + ".stderr")).string());
  }
  std::string errors(const std::string& out) {
    const auto file = dir_ / (out + ".stderr");
    return fs::exists(file) ? "stderr of the runs into " + out + ":\n" + pressreel::testing::read_text(file) : "";
  }
  TempDir dir_;
};

TEST_F(BatchRuns, SkipsUnchangedClipsAndRedoesChangedOnes) {
  ASSERT_EQ(run_command(run("out", "--json > " + (dir_ / "first.json").string())), 0) << errors("out");
  std::string text;
  ASSERT_EQ(run_command(run("out", "--json"), &text), 0) << errors("out");
  auto summary = nlohmann::json::parse(text);
  EXPECT_EQ(summary["up_to_date"], 3);

  // A changed clip is redone; the others are not.
  make_test_clip(dir_ / "in" / "film" / "a.mp4", 60, "25", {}, 640, 360);
  ASSERT_EQ(run_command(run("out", "--json"), &text), 0) << errors("out");
  summary = nlohmann::json::parse(text);
  EXPECT_EQ(summary["up_to_date"], 2);
  // A changed recipe redoes everything, and so does --force.
  const auto recipe = dir_ / "threads.toml";
  std::ofstream(recipe) << "[decode]\nthreads = 1\n";
  ASSERT_EQ(run_command(run("out", "--json --pipeline " + recipe.string()), &text), 0) << errors("out");
  EXPECT_EQ(nlohmann::json::parse(text)["up_to_date"], 0);
  ASSERT_EQ(run_command(run("out", "--json --force --pipeline " + recipe.string()), &text), 0) << errors("out");
  EXPECT_EQ(nlohmann::json::parse(text)["up_to_date"], 0);
}

TEST_F(BatchRuns, ShardsThenMergeEqualOneRun) {
  ASSERT_EQ(run_command(run("single")), 0) << errors("single");
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(run_command(run("sharded", fmt::format("--shard {}/3", i))), 0) << errors("sharded");
  }
  EXPECT_FALSE(fs::exists(dir_ / "sharded" / "catalog.json"));
  ASSERT_EQ(run_command(fmt::format("{} --quiet merge '{}'", pressreel::testing::cli(), (dir_ / "sharded").string())), 0);
  EXPECT_EQ(output_snapshot(dir_ / "single"), output_snapshot(dir_ / "sharded"));
  // The environment of an array job selects the shard too.
  ASSERT_EQ(run_command("JOB_COMPLETION_INDEX=1 PRESSREEL_SHARD_COUNT=3 " + run("env-shard")), 0)
      << errors("env-shard");
  // Shard 1 of 3 is the second clip, and only it.
  EXPECT_TRUE(fs::exists(dir_ / "env-shard" / "film" / "b" / "manifest.json"));
  EXPECT_FALSE(fs::exists(dir_ / "env-shard" / "film" / "a"));
  EXPECT_FALSE(fs::exists(dir_ / "env-shard" / "other"));
}

TEST_F(BatchRuns, ARunKilledAtAnyMomentIsFinishedByARerun) {
  ASSERT_EQ(run_command(run("reference")), 0) << errors("reference");
  const auto reference = output_snapshot(dir_ / "reference");
  for (const char* after : {"0.05", "0.3", "0.6", "1.0"}) {
    const std::string out = fmt::format("killed-{}", after);
    run_command(fmt::format("timeout -s KILL {} {}", after, run(out)));
    ASSERT_EQ(run_command(run(out)), 0) << "rerun after kill at " << after << " s; " << errors(out);
    EXPECT_EQ(output_snapshot(dir_ / out), reference) << "killed at " << after << " s";
    for (const auto& e : fs::recursive_directory_iterator(dir_ / out)) {
      EXPECT_FALSE(io::is_temporary_name(e.path())) << e.path();
    }
  }
}

TEST_F(BatchRuns, WritesAJUnitReportAndStopsEarlyOnRequest) {
  std::ofstream(dir_ / "in" / "film" / "0-broken.mp4") << "not a clip";
  const auto xml = dir_ / "report.xml";
  EXPECT_EQ(run_command(run("out", "--report " + xml.string())), 1);
  std::ifstream in(xml);
  const std::string report((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(report.find("<testsuite name=\"pressreel\" tests=\"4\" failures=\"1\""), std::string::npos) << report;
  EXPECT_NE(report.find("<testcase classname=\"film\" name=\"0-broken\""), std::string::npos);
  EXPECT_NE(report.find("<failure message="), std::string::npos);

  std::string text;
  EXPECT_EQ(run_command(run("fast", "--fail-fast --jobs 1 --json"), &text), 1);
  const auto summary = nlohmann::json::parse(text);
  EXPECT_EQ(summary["failed"], 1);
  EXPECT_GT(summary["not_started"].get<int>(), 0);
}

}  // namespace
