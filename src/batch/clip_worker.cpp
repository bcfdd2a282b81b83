// The worker's side of clip_worker.hpp: one clip, reported to the batch that started this process.
#include "pressreel/batch/clip_worker.hpp"

#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>

#include "batch/input_key.hpp"
#include "batch/watchdog.hpp"
#include "pressreel/stills/faces.hpp"
#include "worker_protocol.hpp"

namespace pressreel::batch {
namespace {

using nlohmann::json;
namespace protocol = worker_protocol;

int report_fd = -1;
std::mutex report_mutex;
std::string fault_kind, fault_stage;

// A report the batch cannot take (it is gone) changes nothing for the clip: its files are still written.
void report(const json& message) {
  const std::lock_guard lock(report_mutex);
  try {
    protocol::write_message(report_fd, message);
  } catch (const std::exception&) {
  }
}

// The supervisor's tests need a worker that dies the ways real ones do, in a stage they choose.
[[noreturn]] void inject_fault() {
  if (fault_kind == "segv") {
    std::signal(SIGSEGV, SIG_DFL);  // past a sanitizer's handler: the batch must see the signal itself
    std::raise(SIGSEGV);
  }
  if (fault_kind == "memory") {
    constexpr size_t block = size_t{64} << 20;
    std::vector<std::unique_ptr<char[]>> blocks;
    // Bounded, so that a supervisor that fails to stop it fails its test instead of the machine.
    for (int i = 0; i < 64; ++i) {
      blocks.push_back(std::make_unique<char[]>(block));
      std::memset(blocks.back().get(), i + 1, block);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::this_thread::sleep_for(std::chrono::seconds(30));
    std::_Exit(3);
  }
  if (fault_kind == "hang") {
    std::this_thread::sleep_for(std::chrono::seconds(60));
    std::_Exit(4);
  }
  std::abort();
}

void on_stage(const std::string& stage) {
  report({{"stage", stage}});
  if (!fault_stage.empty() && stage == fault_stage) inject_fault();
}

// KIND:STAGE for every clip, KIND:STAGE:CLIP for the clip whose slug is CLIP.
void read_fault_request(const std::string& clip_slug) {
  const char* fault = std::getenv(worker_fault_variable);
  if (fault == nullptr) return;
  const std::string text = fault;
  const auto first = text.find(':');
  if (first == std::string::npos) return;
  const auto second = text.find(':', first + 1);
  if (second != std::string::npos && text.substr(second + 1) != clip_slug) return;
  fault_kind = text.substr(0, first);
  fault_stage = text.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
}

json read_request() {
  protocol::MessageReader reader;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    reader.append(buffer, static_cast<size_t>(n));
  }
  auto request = reader.next();
  if (!request) throw std::runtime_error("worker: no clip was given on stdin");
  return *request;
}

// The recipe the batch runs: its file again, checked against the batch's key of it.
Recipe load_batch_recipe(const json& request) {
  const std::string source = request.at("recipe").at("source").get<std::string>();
  Recipe recipe = load_recipe(source);
  if (text_hash(recipe.effective().dump()) != request.at("recipe").at("key").get<std::string>()) {
    throw std::runtime_error(source + " changed since the batch started");
  }
  return recipe;
}

// The probe discovery made in the batch, repeated here (a ProbeResult does not travel).
void probe_again(ClipSource& clip, const Recipe& recipe) {
  DiscoveryOptions discovery;
  discovery.input.allow_demuxers = recipe.allow_demuxers;
  discovery.probe_seconds = recipe.limits.stall_seconds;
  WorkList found = discover({clip.path}, discovery);
  if (found.films.empty() || found.films[0].clips.empty()) {
    clip.error = found.skipped.empty() ? "not found again by the worker" : found.skipped[0].reason;
    return;
  }
  clip.probe = std::move(found.films[0].clips[0].probe);
  clip.error = found.films[0].clips[0].error;
}

}  // namespace

// The kernel kills this process when its parent thread ends: for an exec'd worker the supervisor's
// thread, which waits for its worker; for a forked one the batch's main thread, which it was re-parented
// to. Either ends only with the batch. A batch already gone before the request was made
// has left this worker to another parent.
void die_with_the_batch(int batch_pid) {
  if (batch_pid <= 0) return;
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != batch_pid) std::_Exit(5);
}

int run_clip_worker(int fd, int batch_pid) {
  die_with_the_batch(batch_pid);
  report_fd = fd;
  const json request = read_request();
  spdlog::set_level(static_cast<spdlog::level::level_enum>(request.value("log_level", int{spdlog::level::info})));
  stills::face_model_warning_given();  // by the batch, once for all its clips
  FilmSource film = protocol::film_from(request);
  ClipSource& clip = film.clips.front();
  read_fault_request(clip.slug);
  set_stage_observer(on_stage);

  ClipOutcome outcome;
  try {
    const Recipe recipe = load_batch_recipe(request);
    if (request.at("clip").at("probed").get<bool>()) probe_again(clip, recipe);
    ClipJobOptions options;
    options.out = request.at("out").get<std::string>();
    options.decoder_threads = request.at("decoder_threads").get<int>();
    options.force = request.at("force").get<bool>();
    // A report per percent is all the progress line can show.
    double reported = -1;
    options.on_progress = [&](double fraction) {
      if (fraction - reported < 0.01 && fraction < 1.0) return;
      reported = fraction;
      report({{"progress", fraction}});
    };
    outcome = process_clip(film, clip, recipe, options);
  } catch (const std::exception& e) {
    outcome.film_slug = film.slug;
    outcome.clip_slug = clip.slug;
    outcome.source = clip.path;
    outcome.stage = "worker";
    outcome.error = clip.path.string() + ": worker: " + e.what();
  }
  set_stage_observer(nullptr);
  report(protocol::to_message(outcome));
  return 0;
}

}  // namespace pressreel::batch
