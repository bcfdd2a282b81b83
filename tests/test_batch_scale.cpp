// Batch at scale: shards from every engine's environment and how they partition a batch. Whole runs of a
// batch (reruns, kills, shards merged, reports) are in test_batch_runs.cpp.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <map>
#include <set>

#include "pressreel/batch/discovery.hpp"
#include "pressreel/batch/shard.hpp"

namespace {

using namespace pressreel;

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

}  // namespace
