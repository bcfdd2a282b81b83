// The batch's side of clip_worker.hpp: start the worker, follow its reports, watch its memory, and turn
// its death into a failed clip.
#include <fmt/format.h>
#include <poll.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <mutex>

#include "io/atomic_file.hpp"
#include "pressreel/batch/clip_worker.hpp"
#include "pressreel/batch/worker_fork_server.hpp"
#include "pressreel/version.hpp"
#include "exec_args.hpp"
#include "worker_protocol.hpp"

namespace pressreel::batch {
namespace {

namespace fs = std::filesystem;
namespace protocol = worker_protocol;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

// How often the worker's memory is looked at: a clip's memory grows by frames and images, tens of MB
// at a time, so a tenth of a second keeps the overshoot small at no measurable cost.
constexpr int poll_milliseconds = 100;

// VmRSS of a process, in bytes; 0 once it is gone.
int64_t resident_bytes(pid_t pid) {
  std::ifstream status(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::stoll(line.substr(6)) * 1024;  // "VmRSS:  123456 kB"
  }
  return 0;
}

pid_t spawn_worker(const fs::path& worker, int request_fd, int report_fd) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, request_fd, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, report_fd, 3);
  // The batch's stdout carries its --json summary: nothing a worker's libraries print may land in it.
  posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
  const std::string program = worker.string();
  std::vector<std::string> args = {program, "worker", "--report-fd", "3", "--batch-pid", std::to_string(::getpid())};
  const std::vector<char*> argv = exec_pointers(args);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::system_error(rc, std::generic_category(), "starting a worker (" + program + ")");
  return pid;
}

// Forked by the server when there is one. A server that is gone costs start-up time, not clips: the
// batch goes on starting workers by exec.
pid_t start_worker(const fs::path& worker, WorkerForkServer* server, int request_fd, int report_fd) {
  if (server != nullptr) {
    try {
      return server->start_worker(request_fd, report_fd);
    } catch (const std::system_error& e) {
      static std::once_flag warned;
      std::call_once(warned, [&] { spdlog::warn("{}: workers are started by exec from now on", e.what()); });
    }
  }
  return spawn_worker(worker, request_fd, report_fd);
}

// What the supervisor saw of one worker.
struct WorkerRun {
  std::optional<ClipOutcome> outcome;
  std::string stage = "start";  // the last stage it entered
  int status = 0;               // as from waitpid
  bool over_memory = false;
  bool over_time = false;
};

WorkerRun supervise(pid_t pid, int report_fd, const WorkerLimits& limits, const ClipJobOptions& options) {
  WorkerRun run;
  protocol::MessageReader reader;
  const auto started = Clock::now();
  bool open = true;
  while (open) {
    pollfd p{report_fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, poll_milliseconds);
    if (ready > 0) {
      char buffer[4096];
      const ssize_t n = ::read(report_fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        open = false;  // the worker finished or died: either way it says nothing more
      } else {
        reader.append(buffer, static_cast<size_t>(n));
        try {
          while (auto message = reader.next()) {
            if (message->contains("stage")) run.stage = message->at("stage").get<std::string>();
            if (message->contains("progress") && options.on_progress)
              options.on_progress(message->at("progress").get<double>());
            if (message->contains("outcome")) run.outcome = protocol::outcome_from(*message);
          }
        } catch (const json::exception& e) {
          spdlog::warn("a clip worker's report could not be read: {}", e.what());
        }
      }
    }
    if (!open || run.over_memory || run.over_time) continue;
    if (limits.max_memory_bytes > 0 && resident_bytes(pid) > limits.max_memory_bytes) {
      run.over_memory = true;
      ::kill(pid, SIGKILL);
    } else if (limits.max_seconds > 0 &&
               std::chrono::duration<double>(Clock::now() - started).count() > limits.max_seconds) {
      run.over_time = true;
      ::kill(pid, SIGKILL);
    }
  }
  while (::waitpid(pid, &run.status, 0) < 0 && errno == EINTR) {
  }
  return run;
}

// Why the worker did not bring back its clip's outcome, for a person: "crashed (SIGSEGV) in stage stills".
std::string death_cause(const WorkerRun& run, const WorkerLimits& limits) {
  if (run.over_memory) {
    return fmt::format("over the memory limit of {} ([limits] max_memory_bytes) in stage {}",
                       memory_size_text(limits.max_memory_bytes), run.stage);
  }
  if (run.over_time) {
    return fmt::format("stopped after {:.0f} s in stage {}: the clip's time budget ran out and it did not stop",
                       limits.max_seconds, run.stage);
  }
  if (WIFSIGNALED(run.status)) {
    const int signal = WTERMSIG(run.status);
    const char* name = ::sigabbrev_np(signal);
    return fmt::format("crashed (SIG{}) in stage {}", name != nullptr ? name : std::to_string(signal), run.stage);
  }
  const int code = WIFEXITED(run.status) ? WEXITSTATUS(run.status) : -1;
  // A sanitizer's report ends the process with an exit code, after the outcome when it is a leak at exit.
  return fmt::format("the worker exited with status {} in stage {}", code, run.stage);
}

// A clip whose worker died keeps only the manifest that says why, as a clip that failed inside
// process_clip does: whatever it had written is an incomplete set.
void write_failed_manifest(const FilmSource& film, const ClipSource& clip, const Recipe& recipe,
                           const ClipOutcome& outcome) {
  std::error_code ignored;
  fs::remove_all(outcome.manifest_path.parent_path(), ignored);
  const json manifest = {{"pressreel_version", version()},
                         {"film", film.slug},
                         {"clip", clip.slug},
                         {"source", {{"name", clip.name}, {"path", clip.path.string()}}},
                         {"film_info", to_json(film.info)},
                         {"recipe", recipe.effective()},
                         {"outputs", json::object()},
                         {"warnings", json::array()},
                         {"status", "failed"},
                         {"error", {{"stage", outcome.stage}, {"message", outcome.error}}},
                         {"timings", {{"total", outcome.seconds}}}};
  io::write_json_atomic(outcome.manifest_path, manifest);
}

}  // namespace

ClipOutcome process_clip_in_worker(const fs::path& worker, const FilmSource& film, const ClipSource& clip,
                                   const Recipe& recipe, const ClipJobOptions& options, const WorkerLimits& limits,
                                   WorkerForkServer* server) {
  const auto started = Clock::now();
  WorkerRun run;
  std::string failure;  // the worker could not be started or followed
  try {
    // The whole request fits the pipe's buffer: written before the worker starts, it cannot block.
    protocol::Pipe request = protocol::make_pipe();
    protocol::Pipe reports = protocol::make_pipe();
    protocol::write_message(request.write.get(),
                            protocol::request(film, clip, recipe, options, static_cast<int>(spdlog::get_level())));
    request.write.reset();
    const pid_t pid = start_worker(worker, server, request.read.get(), reports.write.get());
    request.read.reset();
    reports.write.reset();  // the worker's copy alone keeps it open: its end is the worker's end
    run = supervise(pid, reports.read.get(), limits, options);
  } catch (const std::exception& e) {
    failure = e.what();
  }
  const bool clean_exit = failure.empty() && WIFEXITED(run.status) && WEXITSTATUS(run.status) == 0;
  if (run.outcome && clean_exit && !run.over_memory && !run.over_time && !run.outcome->manifest_path.empty()) {
    return *run.outcome;
  }

  ClipOutcome outcome = run.outcome.value_or(ClipOutcome{});
  outcome.film_slug = film.slug;
  outcome.clip_slug = clip.slug;
  outcome.source = clip.path;
  outcome.manifest_path = clip_folder(options.out, film.slug, clip.slug) / "manifest.json";
  outcome.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  outcome.ok = outcome.skipped = false;
  if (!failure.empty()) {
    outcome.stage = "worker";
    outcome.error = clip.path.string() + ": worker: " + failure;
  } else if (!clean_exit || run.over_memory || run.over_time) {
    outcome.stage = run.stage;
    outcome.error = clip.path.string() + ": " + death_cause(run, limits);
  }  // else: the worker's own failure (its recipe), which it could not write a manifest for
  try {
    write_failed_manifest(film, clip, recipe, outcome);
  } catch (const std::exception& e) {
    outcome.error += fmt::format(" (and the manifest could not be written: {})", e.what());
  }
  return outcome;
}

}  // namespace pressreel::batch
