// Each clip of `pressreel run` in a worker process of its own: a clip that crashes its worker or grows
// past [limits] max_memory_bytes fails alone, with a readable cause, and the batch and its reports
// complete. The crashes are made on purpose by the worker's test-only fault switch.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "pressreel/batch/batch_run.hpp"
#include "pressreel/batch/clip_worker.hpp"
#include "pressreel/batch/worker_fork_server.hpp"
#include "pressreel/batch/limits.hpp"
#include "pressreel/batch/recipe.hpp"
#include "test_support.hpp"

namespace {

using namespace pressreel;
using pressreel::testing::make_test_clip;
using pressreel::testing::read_json;
using pressreel::testing::read_text;
using pressreel::testing::TempDir;
namespace fs = std::filesystem;
using nlohmann::json;

constexpr int64_t mib = int64_t{1} << 20, gib = int64_t{1} << 30;

// A batch of two short clips and a recipe without the previews and the teaser (the slow outputs,
// which these tests do not need).
struct Batch {
  TempDir dir;
  fs::path in = dir / "in", out = dir / "out", recipe = dir / "quick.toml", junit = dir / "junit.xml";

  explicit Batch(const std::string& limits = "") {
    make_test_clip(in / "film" / "bad.mp4", 25, "25");
    make_test_clip(in / "film" / "good.mp4", 25, "25");
    std::ofstream(recipe) << "[outputs]\npreviews = false\nteaser = false\n" << limits;
  }

  // `pressreel run` with `fault` in the worker's test-only variable: the exit code and the --json summary.
  std::pair<int, json> run(const std::string& fault, const std::string& flags = "") const {
    std::string text;
    const int rc = pressreel::testing::run_command(
        fmt::format("{}='{}' {} --quiet run '{}' -o '{}' --pipeline '{}' --json --report '{}' {}",
                    batch::worker_fault_variable, fault, pressreel::testing::cli(), in.string(), out.string(),
                    recipe.string(), junit.string(), flags),
        &text);
    return {rc, text.empty() ? json() : json::parse(text)};
  }

  // What is left in a clip's folder, without the gallery's page (made for every clip after the run).
  std::set<std::string> files_of(const std::string& clip) const {
    std::set<std::string> left;
    for (const auto& e : fs::recursive_directory_iterator(out / "film" / clip)) {
      left.insert(fs::relative(e.path(), out / "film" / clip).string());
    }
    left.erase("index.html");
    return left;
  }
};

const json& clip_named(const json& report, const std::string& name) {
  for (const auto& c : report["clips"]) {
    if (c["clip"] == name) return c;
  }
  ADD_FAILURE() << "no clip " << name << " in " << report.dump(2);
  static const json none;
  return none;
}

TEST(ClipIsolation, ACrashInAWorkerFailsOnlyItsClipNamingSignalAndStage) {
  Batch batch;
  const auto [rc, report] = batch.run("segv:stills:bad");
  EXPECT_EQ(rc, 1);
  ASSERT_EQ(report["clips"].size(), 2u) << report.dump(2);
  const json& bad = clip_named(report, "bad");
  EXPECT_EQ(bad["status"], "failed");
  EXPECT_EQ(bad["stage"], "stills");
  EXPECT_NE(bad["error"].get<std::string>().find("crashed (SIGSEGV) in stage stills"), std::string::npos)
      << bad["error"];
  EXPECT_EQ(clip_named(report, "good")["status"], "ok");
  EXPECT_EQ(report["failed"], 1);

  // The scene files were written before the crash: removed with the rest, the manifest says why.
  EXPECT_EQ(batch.files_of("bad"), std::set<std::string>{"manifest.json"});
  const json manifest = read_json(batch.out / "film" / "bad" / "manifest.json");
  EXPECT_EQ(manifest["status"], "failed");
  EXPECT_EQ(manifest["error"]["stage"], "stills");
  EXPECT_EQ(manifest["error"]["message"], bad["error"]);
  EXPECT_TRUE(fs::exists(batch.out / "film" / "good" / "stills"));
  EXPECT_TRUE(fs::exists(batch.out / "catalog.json"));

  const std::string junit = read_text(batch.junit);
  EXPECT_NE(junit.find("tests=\"2\" failures=\"1\""), std::string::npos) << junit;
  EXPECT_NE(junit.find("crashed (SIGSEGV) in stage stills"), std::string::npos) << junit;
}

TEST(ClipIsolation, AnAbortIsNamedWithTheStageTheWorkerWasIn) {
  Batch batch;
  const auto [rc, report] = batch.run("abort:decode:bad");
  EXPECT_EQ(rc, 1);
  const json& bad = clip_named(report, "bad");
  EXPECT_EQ(bad["stage"], "decode");
  EXPECT_NE(bad["error"].get<std::string>().find("crashed (SIGABRT) in stage decode"), std::string::npos)
      << bad["error"];
  EXPECT_EQ(clip_named(report, "good")["status"], "ok");
}

TEST(ClipIsolation, AWorkerOverItsMemoryLimitIsStoppedWithAReadableCause) {
  // 1 GiB: a 25-frame 320x240 clip needs far less, sanitized or not.
  Batch batch("[limits]\nmax_memory_bytes = 1073741824\n");
  // In the decode stage, which runs alone: after the pass, stages run side by side and a worker's stage
  // is the one it entered last.
  const auto [rc, report] = batch.run("memory:decode:bad");
  EXPECT_EQ(rc, 1);
  const json& bad = clip_named(report, "bad");
  EXPECT_EQ(bad["status"], "failed");
  EXPECT_EQ(bad["stage"], "decode");
  EXPECT_NE(bad["error"].get<std::string>().find(
                "over the memory limit of 1 GiB ([limits] max_memory_bytes) in stage decode"),
            std::string::npos)
      << bad["error"];
  EXPECT_EQ(batch.files_of("bad"), std::set<std::string>{"manifest.json"});
  EXPECT_EQ(clip_named(report, "good")["status"], "ok");
}

// The processes whose parent is `parent`, from /proc.
std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> children;
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream status(e.path() / "status");
    for (std::string line; std::getline(status, line);) {
      if (line.starts_with("PPid:") && std::stoi(line.substr(5)) == parent) children.push_back(std::stoi(name));
    }
  }
  return children;
}

std::string process_name(pid_t pid) {
  std::string name;
  std::getline(std::ifstream(fmt::format("/proc/{}/comm", pid)), name);
  return name;
}

// A process that has ended: gone, or a zombie left for a parent that does not reap it.
bool ended(pid_t pid) {
  std::ifstream stat(fmt::format("/proc/{}/stat", pid));
  std::string text;
  if (!std::getline(stat, text)) return true;
  const auto state = text.find(") ");
  return state != std::string::npos && text[state + 2] == 'Z';
}

TEST(ClipIsolation, AKilledBatchTakesItsWorkersWithIt) {
  Batch batch;
  // Workers that sleep in the decode stage, so that the batch is killed while they run.
  ::setenv(batch::worker_fault_variable, "hang:decode", 1);
  const std::string program = pressreel::testing::cli();
  std::vector<std::string> args = {program, "--quiet", "run", batch.in.string(), "-o", batch.out.string(),
                                   "--pipeline", batch.recipe.string(), "--jobs", "2"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t run = 0;
  ASSERT_EQ(::posix_spawn(&run, program.c_str(), nullptr, nullptr, argv.data(), environ), 0);
  ::unsetenv(batch::worker_fault_variable);

  // The batch's children are its workers, and the fork server that forks them.
  std::vector<pid_t> workers;
  pid_t server = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (workers.size() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    workers.clear();
    for (const pid_t child : children_of(run)) {
      if (process_name(child) == batch::worker_fork_server_name) {
        server = child;
      } else {
        workers.push_back(child);
      }
    }
  }
  ASSERT_EQ(workers.size(), 2u) << "the batch did not start a worker per clip";
  ASSERT_NE(server, 0) << "the batch started no fork server";
  for (const pid_t worker : workers) EXPECT_EQ(process_name(worker), batch::forked_worker_name);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // past the workers' start-up
  ::kill(run, SIGKILL);
  ::waitpid(run, nullptr, 0);

  workers.push_back(server);
  const auto gone_by = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (const pid_t worker : workers) {
    while (!ended(worker) && std::chrono::steady_clock::now() < gone_by) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_TRUE(ended(worker)) << "worker " << worker << " outlived its batch";
    if (!ended(worker)) ::kill(worker, SIGKILL);
  }
}

TEST(ClipIsolation, WorkersMakeWhatTheBatchMakesInProcess) {
  Batch batch;
  const auto [rc, report] = batch.run("");
  EXPECT_EQ(rc, 0) << report.dump(2);
  const auto isolated = batch.files_of("good");
  const json manifest = read_json(batch.out / "film" / "good" / "manifest.json");
  const auto [rc_in_process, report_in_process] = batch.run("", "--force --no-isolation");
  EXPECT_EQ(rc_in_process, 0);
  EXPECT_EQ(batch.files_of("good"), isolated);
  const json manifest_in_process = read_json(batch.out / "film" / "good" / "manifest.json");
  EXPECT_EQ(manifest_in_process["outputs"], manifest["outputs"]);
  EXPECT_EQ(manifest_in_process["input_key"], manifest["input_key"]);
  // The worker reports an up-to-date clip as the batch would.
  const auto [rc_again, report_again] = batch.run("");
  EXPECT_EQ(rc_again, 0);
  EXPECT_EQ(report_again["up_to_date"], 2) << report_again.dump(2);
}

TEST(ClipIsolation, TheFaultSwitchIsOnlyReadByWorkers) {
  Batch batch;
  // In-process there is no worker to crash: the switch must not take the batch down.
  const auto [rc, report] = batch.run("segv:stills", "--no-isolation");
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(report["failed"], 0);
}

TEST(MemoryLimit, TheDefaultIsTheMachinesShareForEachClipAtOnce) {
  // Three quarters of the memory, split between the clips run at once, in whole MiB.
  EXPECT_EQ(batch::default_max_memory_bytes(16 * uint64_t{gib}, 2), 6 * gib);
  EXPECT_EQ(batch::default_max_memory_bytes(16 * uint64_t{gib}, 1), 12 * gib);
  EXPECT_EQ(batch::default_max_memory_bytes(10'000'000'000, 3) % mib, 0);
  EXPECT_LE(batch::default_max_memory_bytes(10'000'000'000, 3), 2'500'000'000);
  // Never below 1 GiB, however many clips share a small machine; 0 clips counts as one.
  EXPECT_EQ(batch::default_max_memory_bytes(2 * uint64_t{gib}, 8), gib);
  EXPECT_EQ(batch::default_max_memory_bytes(8 * uint64_t{gib}, 0), 6 * gib);
  EXPECT_GT(batch::physical_memory_bytes(), uint64_t{0});

  batch::Limits limits;
  EXPECT_EQ(batch::clip_memory_limit(limits, 2), batch::default_max_memory_bytes(batch::physical_memory_bytes(), 2));
  limits.max_memory_bytes = 300 * mib;
  EXPECT_EQ(batch::clip_memory_limit(limits, 2), 300 * mib);
}

TEST(MemoryLimit, IsSetInTheRecipeAndReadAsPeopleWriteIt) {
  const batch::Recipe recipe = batch::parse_recipe("[limits]\nmax_memory_bytes = 4294967296\n", "m.toml");
  EXPECT_EQ(recipe.limits.max_memory_bytes, 4 * gib);
  EXPECT_EQ(recipe.effective()["limits"]["max_memory_bytes"], 4 * gib);
  EXPECT_EQ(batch::parse_recipe("", "d.toml").limits.max_memory_bytes, 0) << "0 = the machine's share";
  EXPECT_THROW(batch::parse_recipe("[limits]\nmax_memory_bytes = -1\n", "n.toml"), batch::RecipeError);

  EXPECT_EQ(batch::memory_size_text(4 * gib), "4 GiB");
  EXPECT_EQ(batch::memory_size_text(3 * gib / 2), "1.5 GiB");
  EXPECT_EQ(batch::memory_size_text(256 * mib), "256 MiB");
}

}  // namespace
