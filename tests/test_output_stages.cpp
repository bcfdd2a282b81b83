// The after-pass stage graph on its own, with fake stages: what runs, in which order, side by side,
// and what a failure does. Then the real stages' declarations, for every combination of outputs.
#include <gtest/gtest.h>
#include <tbb/info.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "batch/output_stage.hpp"

namespace pressreel::batch {
namespace {

using nlohmann::json;

// A stage that records when it ran and returns {name: true}, or throws.
class FakeStage : public OutputStage {
 public:
  FakeStage(std::string name, std::vector<std::string_view> needs, std::function<void()> body = {},
            bool long_running = false)
      : name_(std::move(name)), needs_(std::move(needs)), body_(std::move(body)), long_running_(long_running) {}
  std::string_view name() const override { return name_; }
  bool enabled(const Recipe::Outputs& want) const override { return name_ != "teaser" || want.teaser; }
  std::vector<std::string_view> needs() const override { return needs_; }
  bool long_running() const override { return long_running_; }
  json run(ClipContext&) const override { return {{name_, true}}; }
  void body() const {
    if (body_) body_();
  }

 private:
  std::string name_;
  std::vector<std::string_view> needs_;
  std::function<void()> body_;
  bool long_running_;
};

// Runs the fakes' bodies through the graph the way the clip job runs real stages, and logs the order.
struct GraphRun {
  std::mutex mutex;
  std::vector<std::string> started, finished;
  std::vector<std::string> events;  // "start x" and "end x", in the order they happened

  json run(const std::vector<const OutputStage*>& stages) {
    return run_stage_graph(stages, [&](const OutputStage& stage) {
      {
        const std::lock_guard lock(mutex);
        started.emplace_back(stage.name());
        events.push_back("start " + std::string(stage.name()));
      }
      static_cast<const FakeStage&>(stage).body();
      const std::lock_guard lock(mutex);
      finished.emplace_back(stage.name());
      events.push_back("end " + std::string(stage.name()));
      return json{{std::string(stage.name()), true}};
    });
  }
  size_t position(const std::vector<std::string>& log, std::string_view name) {
    return static_cast<size_t>(std::find(log.begin(), log.end(), name) - log.begin());
  }
};

TEST(OutputStages, MergesEveryStagesEntriesAndRunsEachOnce) {
  FakeStage a("a", {}), b("b", {"a"}), c("c", {});
  GraphRun graph;
  const json outputs = graph.run({&a, &b, &c});
  EXPECT_EQ(outputs, (json{{"a", true}, {"b", true}, {"c", true}}));
  EXPECT_EQ(graph.finished.size(), 3u);
}

TEST(OutputStages, AStageStartsOnlyAfterEveryStageItNeedsHasFinished) {
  FakeStage slow("slow", {}, [] { std::this_thread::sleep_for(std::chrono::milliseconds(50)); });
  FakeStage fast("fast", {});
  FakeStage after("after", {"slow", "fast"});
  GraphRun graph;
  graph.run({&slow, &fast, &after});
  ASSERT_EQ(graph.events.size(), 6u);
  const size_t after_starts = graph.position(graph.events, "start after");
  EXPECT_LT(graph.position(graph.events, "end slow"), after_starts);
  EXPECT_LT(graph.position(graph.events, "end fast"), after_starts);
}

TEST(OutputStages, IndependentStagesRunSideBySide) {
  if (tbb::info::default_concurrency() < 2) GTEST_SKIP() << "one core: nothing can overlap";
  // Each waits (at most 10 s) for the other to have started: they overlap only if run side by side.
  std::atomic<int> arrived{0};
  std::atomic<bool> overlapped{true};
  const auto meet = [&] {
    ++arrived;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (arrived.load() < 2) {
      if (std::chrono::steady_clock::now() > deadline) {
        overlapped = false;
        return;
      }
      std::this_thread::yield();
    }
  };
  FakeStage left("left", {}, meet), right("right", {}, meet);
  GraphRun graph;
  graph.run({&left, &right});
  EXPECT_TRUE(overlapped);
}

TEST(OutputStages, TheLongStageAndWhatItNeedsGoFirstWhenThreadsAreShort) {
  // One thread: the order stages start in is the graph's choice alone.
  FakeStage needed("needed", {}), other("other", {}), more("more", {});
  FakeStage teaser("teaser", {"needed"}, {}, true);
  GraphRun graph;
  tbb::task_arena one_thread(1);
  one_thread.execute([&] { graph.run({&needed, &other, &more, &teaser}); });
  ASSERT_EQ(graph.started.size(), 4u);
  EXPECT_EQ(graph.started[0], "needed");
  EXPECT_EQ(graph.started[1], "teaser");
}

TEST(OutputStages, AFailureIsRethrownWithItsTypeAndStagesThatNeedItNeverRun) {
  FakeStage broken("stills", {}, [] { throw StageFailure("stills", "clip.mp4: stills: disk full"); });
  FakeStage sheet("contact_sheet", {"stills"});
  GraphRun graph;
  try {
    graph.run({&broken, &sheet});
    FAIL() << "the failure was swallowed";
  } catch (const StageFailure& e) {
    EXPECT_EQ(e.stage, "stills");
    EXPECT_STREQ(e.what(), "clip.mp4: stills: disk full");
  }
  EXPECT_EQ(graph.position(graph.started, "contact_sheet"), graph.started.size());
}

TEST(OutputStages, ANeedListedLaterOrMissingIsRefused) {
  FakeStage first("first", {"second"}), second("second", {});
  GraphRun graph;
  EXPECT_THROW(graph.run({&first, &second}), std::logic_error);
  FakeStage lonely("lonely", {"nowhere"});
  EXPECT_THROW(graph.run({&lonely}), std::logic_error);
  EXPECT_TRUE(graph.started.empty());
}

TEST(OutputStages, EnabledStagesRefusesANeedTheRecipeTurnedOff) {
  std::vector<std::unique_ptr<OutputStage>> stages;
  stages.push_back(std::make_unique<FakeStage>("teaser", std::vector<std::string_view>{}));
  stages.push_back(std::make_unique<FakeStage>("uses_teaser", std::vector<std::string_view>{"teaser"}));
  Recipe::Outputs want;
  EXPECT_EQ(enabled_stages(stages, want).size(), 2u);
  want.teaser = false;
  EXPECT_THROW(enabled_stages(stages, want), std::logic_error);
}

// The real stages: unique names, needs listed before, and a valid graph for all 128 combinations of
// [outputs] switches.
TEST(OutputStages, EveryRecipeGivesAValidGraphOfTheRealStages) {
  const auto stages = all_stages();
  std::vector<std::string_view> names;
  for (const auto& stage : stages) {
    EXPECT_EQ(std::count(names.begin(), names.end(), stage->name()), 0) << stage->name();
    for (const auto need : stage->needs()) {
      EXPECT_EQ(std::count(names.begin(), names.end(), need), 1) << stage->name() << " needs " << need;
    }
    names.push_back(stage->name());
  }
  for (int bits = 0; bits < 128; ++bits) {
    Recipe::Outputs want{(bits & 1) != 0,  (bits & 2) != 0,  (bits & 4) != 0, (bits & 8) != 0,
                         (bits & 16) != 0, (bits & 32) != 0, (bits & 64) != 0};
    const auto enabled = enabled_stages(stages, want);
    const auto has = [&](std::string_view name) {
      return std::any_of(enabled.begin(), enabled.end(), [&](const auto* s) { return s->name() == name; });
    };
    EXPECT_EQ(has("scenes"), want.scenes);
    EXPECT_EQ(has("teaser"), want.teaser);
    EXPECT_EQ(has("contact_sheet"), want.contact_sheet);
    EXPECT_EQ(has("storyboard"), want.storyboard);
    EXPECT_EQ(has("preview_read_back"), want.previews);
    EXPECT_EQ(has("shot_stills"), want.stills || want.poster || want.contact_sheet || want.teaser);
  }
}

}  // namespace
}  // namespace pressreel::batch
