// Batch at scale: shards from every engine's environment, incremental reruns, crash safety, reports.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "pressreel/batch/atomic_file.hpp"
#include "pressreel/batch/discovery.hpp"
#include "pressreel/batch/shard.hpp"
#include "test_support.hpp"

namespace {

using namespace pressreel;
using pressreel::testing::make_test_clip;
using pressreel::testing::run_command;
using pressreel::testing::TempDir;
namespace fs = std::filesystem;

batch::Environment env_of(std::map<std::string, std::string> vars) {
  auto shared = std::make_shared<std::map<std::string, std::string>>(std::move(vars));
  return [shared](const char* name) -> const char* {
    auto it = shared->find(name);
    return it == shared->end() ? nullptr : it->second.c_str();
  };
}

TEST(Shard, ComesFromEveryEnginesEnvironment) {
  auto shard = batch::shard_from_environment(env_of({{"SLURM_ARRAY_TASK_ID", "5"}, {"SLURM_ARRAY_TASK_MIN", "4"},
                                                     {"SLURM_ARRAY_TASK_COUNT", "3"}}));
  ASSERT_TRUE(shard);
  EXPECT_EQ(shard->index, 1);
  EXPECT_EQ(shard->count, 3);
  shard = batch::shard_from_environment(
      env_of({{"SLURM_ARRAY_TASK_ID", "7"}, {"SLURM_ARRAY_TASK_MIN", "5"}, {"SLURM_ARRAY_TASK_MAX", "8"}}));
  EXPECT_EQ(shard->index, 2);
  EXPECT_EQ(shard->count, 4);
  shard = batch::shard_from_environment(env_of({{"JOB_COMPLETION_INDEX", "2"}, {"PRESSREEL_SHARD_COUNT", "4"}}));
  EXPECT_EQ(shard->index, 2);
  EXPECT_EQ(shard->count, 4);
  shard = batch::shard_from_environment(env_of({{"AWS_BATCH_JOB_ARRAY_INDEX", "0"}, {"AWS_BATCH_JOB_ARRAY_SIZE", "2"}}));
  EXPECT_EQ(shard->count, 2);
  shard = batch::shard_from_environment(env_of({{"CLOUD_RUN_TASK_INDEX", "3"}, {"CLOUD_RUN_TASK_COUNT", "5"}}));
  EXPECT_EQ(shard->index, 3);
  shard = batch::shard_from_environment(env_of({{"BATCH_TASK_INDEX", "1"}, {"BATCH_TASK_COUNT", "2"}}));
  EXPECT_EQ(shard->index, 1);
  EXPECT_EQ(shard->source, "BATCH_TASK_INDEX");
  EXPECT_FALSE(batch::shard_from_environment(env_of({})));

  EXPECT_THROW(batch::shard_from_environment(env_of({{"JOB_COMPLETION_INDEX", "1"}})), batch::ShardError);
  EXPECT_THROW(batch::shard_from_environment(env_of({{"CLOUD_RUN_TASK_INDEX", "5"}, {"CLOUD_RUN_TASK_COUNT", "5"}})),
               batch::ShardError);
  EXPECT_EQ(batch::parse_shard("2/3").index, 2);
  EXPECT_THROW(batch::parse_shard("3/3"), batch::ShardError);
  EXPECT_THROW(batch::parse_shard("x"), batch::ShardError);
}

TEST(Shard, PartitionIsStableAndItsUnionIsTheWholeBatch) {
  batch::WorkList all;
  for (int f = 0; f < 3; ++f) {
    batch::FilmSource film;
    film.slug = fmt::format("film-{}", f);
    for (int c = 0; c < 4; ++c) {
      batch::ClipSource clip;
      clip.slug = fmt::format("clip-{}", c);
      film.clips.push_back(clip);
    }
    all.films.push_back(film);
  }
  std::multiset<std::string> seen;
  for (int i = 0; i < 5; ++i) {
    const auto part = batch::select_shard(all, i, 5);
    for (const auto& film : part.films) {
      for (const auto& clip : film.clips) seen.insert(film.slug + "/" + clip.slug);
    }
  }
  EXPECT_EQ(seen.size(), 12u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 12u);
}

// Every file under `out`, with its bytes; manifests without their timings.
std::map<std::string, std::string> snapshot(const fs::path& out) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(out)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    if (e.path().filename() == "manifest.json") {
      auto m = nlohmann::json::parse(bytes);
      m.erase("timings");
      bytes = m.dump();
    }
    files[fs::relative(e.path(), out).string()] = bytes;
  }
  return files;
}

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
  EXPECT_EQ(snapshot(dir_ / "single"), snapshot(dir_ / "sharded"));
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
  const auto reference = snapshot(dir_ / "reference");
  for (const char* after : {"0.05", "0.3", "0.6", "1.0"}) {
    const std::string out = fmt::format("killed-{}", after);
    run_command(fmt::format("timeout -s KILL {} {}", after, run(out)));
    ASSERT_EQ(run_command(run(out)), 0) << "rerun after kill at " << after << " s; " << errors(out);
    EXPECT_EQ(snapshot(dir_ / out), reference) << "killed at " << after << " s";
    for (const auto& e : fs::recursive_directory_iterator(dir_ / out)) {
      EXPECT_FALSE(batch::is_temporary_name(e.path())) << e.path();
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
