// The fork server that starts `pressreel run`'s clip workers without exec: its workers run their clip
// as exec'd ones do and are this process's children, and a server that is gone costs no clip. The
// whole runs (crashes, the memory limit, a killed batch) are in test_clip_isolation.cpp, where the
// CLI's workers all come from the server.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "pressreel/batch/clip_worker.hpp"
#include "pressreel/batch/recipe.hpp"
#include "pressreel/batch/worker_fork_server.hpp"
#include "pressreel/media/probe.hpp"
#include "test_support.hpp"

namespace {

using namespace pressreel;
using pressreel::testing::TempDir;
namespace fs = std::filesystem;

// One short clip and a quick recipe, made after the server is started: making a clip may start
// threads, and the server is forked from a process that has only one.
struct OneClip {
  TempDir dir;
  fs::path out = dir / "out", recipe_file = dir / "quick.toml";
  batch::FilmSource film;
  batch::Recipe recipe;

  OneClip() {
    const fs::path clip = dir / "in" / "film" / "good.mp4";
    pressreel::testing::make_test_clip(clip, 25, "25");
    std::ofstream(recipe_file) << "[outputs]\npreviews = false\nteaser = false\n";
    recipe = batch::load_recipe(recipe_file.string());
    film = {clip.parent_path(), "film", "film", {}, {{clip, "good.mp4", "good", media::probe(clip), ""}}};
  }

  batch::ClipOutcome run(const fs::path& worker, batch::WorkerForkServer* server) const {
    batch::ClipJobOptions options;
    options.out = out;
    return batch::process_clip_in_worker(worker, film, film.clips.front(), recipe, options, {0, 0}, server);
  }
};

bool alive(pid_t pid) { return ::kill(pid, 0) == 0; }

std::vector<std::string> environment_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/environ");
  std::vector<std::string> entries;
  for (std::string entry; std::getline(in, entry, '\0');) entries.push_back(entry);
  return entries;
}

TEST(WorkerForkServer, ForksWorkersThatRunTheirClipAsAnExecutedOneDoes) {
  auto server = batch::WorkerForkServer::start();
  ASSERT_NE(server, nullptr) << "a test process with one thread can start a fork server";
  const pid_t server_pid = server->pid();
  const OneClip clip;
  // No executable to fall back to: the clip can only have been run by a forked worker.
  const batch::ClipOutcome outcome = clip.run(clip.dir / "no-such-pressreel", server.get());
  EXPECT_TRUE(outcome.ok) << outcome.error;
  EXPECT_TRUE(fs::exists(clip.out / "film" / "good" / "manifest.json"));
  EXPECT_TRUE(fs::exists(clip.out / "film" / "good" / "stills"));

  // Dropped by the batch, the server ends (and is reaped: no zombie is left).
  server.reset();
  EXPECT_FALSE(alive(server_pid));
}

TEST(WorkerForkServer, AForkedWorkerIsAChildOfTheBatch) {
  auto server = batch::WorkerForkServer::start();
  ASSERT_NE(server, nullptr);
  // The worker reads its request from a pipe this test holds open: it waits, and can be looked at.
  int request[2], report[2];
  ASSERT_EQ(::pipe(request), 0);
  ASSERT_EQ(::pipe(report), 0);
  const pid_t worker = server->start_worker(request[0], report[1]);
  std::string name;
  std::getline(std::ifstream("/proc/" + std::to_string(worker) + "/comm"), name);
  EXPECT_EQ(name, batch::forked_worker_name);
  ::close(request[1]);  // no request: the worker reports that and exits
  int status = -1;
  ASSERT_EQ(::waitpid(worker, &status, 0), worker) << "the batch waits for its workers itself";
  EXPECT_TRUE(WIFEXITED(status)) << status;
  for (int fd : {request[0], report[0], report[1]}) ::close(fd);
}

TEST(WorkerForkServer, AServerThatIsGoneCostsNoClipTheBatchStartsWorkersByExec) {
  auto server = batch::WorkerForkServer::start();
  ASSERT_NE(server, nullptr);
  const OneClip clip;
  ::kill(server->pid(), SIGKILL);
  siginfo_t ended{};  // waited for, not reaped: the server object does that
  ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(server->pid()), &ended, WEXITED | WNOWAIT), 0);
  const batch::ClipOutcome outcome = clip.run(pressreel::testing::cli(), server.get());
  EXPECT_TRUE(outcome.ok) << outcome.error;
  EXPECT_TRUE(fs::exists(clip.out / "film" / "good" / "manifest.json"));
}

TEST(WorkerForkServer, AServerExecutedFromTheCliForksWorkersWithTheBatchsEnvironment) {
  ::setenv("PRESSREEL_TEST_MARK", "batch", 1);
  std::vector<std::string> batch_environment;
  for (char** entry = environ; *entry != nullptr; ++entry) batch_environment.emplace_back(*entry);
  auto server = batch::WorkerForkServer::start(pressreel::testing::cli());
  ASSERT_NE(server, nullptr);
  int request[2], report[2];
  ASSERT_EQ(::pipe(request), 0);
  ASSERT_EQ(::pipe(report), 0);
  const pid_t worker = server->start_worker(request[0], report[1]);
  const auto environment = environment_of(worker);
  // Nothing added or dropped: a GLIBC_TUNABLES of the user's reaches the workers, and no other.
  EXPECT_EQ(environment, batch_environment) << "the worker inherits the batch's environment";
  EXPECT_EQ(environment_of(server->pid()), environment);
  std::string name;
  std::getline(std::ifstream("/proc/" + std::to_string(server->pid()) + "/comm"), name);
  EXPECT_EQ(name, batch::worker_fork_server_name);
  ::close(request[1]);
  int status = -1;
  ASSERT_EQ(::waitpid(worker, &status, 0), worker);
  for (int fd : {request[0], report[0], report[1]}) ::close(fd);

  // And a clip runs in such a worker as in any other.
  const OneClip clip;
  const batch::ClipOutcome outcome = clip.run(clip.dir / "no-such-pressreel", server.get());
  EXPECT_TRUE(outcome.ok) << outcome.error;
  EXPECT_TRUE(fs::exists(clip.out / "film" / "good" / "manifest.json"));
}

}  // namespace
