#include "pressreel/batch/batch_run.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_pipeline.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>

#include "batch/stages/stages.hpp"
#include "pressreel/batch/catalog.hpp"
#include "pressreel/batch/clip_worker.hpp"
#include "pressreel/batch/gallery.hpp"
#include "pressreel/stills/faces.hpp"

namespace pressreel::batch {
namespace {

using Clock = std::chrono::steady_clock;

struct ClipRef {
  const FilmSource* film = nullptr;
  const ClipSource* clip = nullptr;
  size_t position = 0;
};

// One status line on stderr, redrawn at most a few times a second; only on a terminal.
class ProgressLine {
 public:
  ProgressLine(bool enabled, size_t total) : enabled_(enabled && ::isatty(STDERR_FILENO) != 0), total_(total) {}
  ~ProgressLine() {
    if (enabled_ && drawn_) std::fputs("\r\033[K", stderr);
  }

  void update(const std::string& clip, double fraction) {
    if (!enabled_) return;
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    if (now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    draw(fmt::format("{} {:3.0f}%", clip, fraction * 100));
  }

  void finished(const std::string& clip, bool ok) {
    if (!enabled_) return;
    std::lock_guard lock(mutex_);
    ++done_;
    draw(fmt::format("{} {}", clip, ok ? "done" : "FAILED"));
  }

 private:
  void draw(const std::string& what) {
    std::fprintf(stderr, "\r\033[K[%zu/%zu clips] %s", done_, total_, what.c_str());
    std::fflush(stderr);
    drawn_ = true;
  }

  bool enabled_;
  size_t total_;
  size_t done_ = 0;
  bool drawn_ = false;
  std::mutex mutex_;
  Clock::time_point last_{};
};

}  // namespace

Concurrency plan_concurrency(int requested_jobs, size_t clip_count, unsigned cores) {
  cores = std::max(1u, cores);
  int clips = requested_jobs > 0 ? requested_jobs : static_cast<int>(std::min(2u, cores));
  clips = std::max(1, std::min<int>(clips, static_cast<int>(std::max<size_t>(1, clip_count))));
  const int threads = std::max(1, static_cast<int>((cores + clips - 1) / clips));
  return {clips, threads};
}

// Encoders that alone have the share's threads keep its cores busy; the decoder's frame threads would
// only add CPU (a sixth more on H.264) and a frame of latency each. On the 2-minute bench trailers
// (2 cores) one thread took 2-3% off the wall time (bench/preview_vs_ffmpeg.sh). Decoded pictures are
// the same whatever the thread count.
int pass_decoder_threads(int share, int encoder_threads) {
  share = std::max(1, share);
  return encoder_threads >= share ? 1 : share;
}

int64_t clip_memory_limit(const Limits& limits, int clips_at_once) {
  return limits.max_memory_bytes > 0 ? limits.max_memory_bytes
                                     : default_max_memory_bytes(physical_memory_bytes(), clips_at_once);
}

int RunReport::skipped_up_to_date() const {
  return static_cast<int>(std::count_if(clips.begin(), clips.end(), [](const auto& c) { return c.skipped; }));
}

int RunReport::failed() const {
  return static_cast<int>(std::count_if(clips.begin(), clips.end(), [](const auto& c) { return !c.ok; }));
}

nlohmann::json RunReport::to_json() const {
  nlohmann::json clips_json = nlohmann::json::array();
  for (const auto& c : clips) {
    clips_json.push_back({{"film", c.film_slug},
                          {"clip", c.clip_slug},
                          {"source", c.source.string()},
                          {"status", c.skipped ? "up-to-date" : c.ok ? "ok" : "failed"},
                          {"stage", c.ok ? nlohmann::json(nullptr) : nlohmann::json(c.stage)},
                          {"error", c.ok ? nlohmann::json(nullptr) : nlohmann::json(c.error)},
                          {"seconds", c.seconds},
                          {"manifest", c.manifest_path.string()}});
  }
  nlohmann::json skipped_json = nlohmann::json::array();
  for (const auto& s : skipped) skipped_json.push_back({{"path", s.path.string()}, {"reason", s.reason}});
  return {{"clips", clips_json},
          {"skipped", skipped_json},
          {"succeeded", static_cast<int>(clips.size()) - failed()},
          {"failed", failed()},
          {"up_to_date", skipped_up_to_date()},
          {"not_started", not_started},
          {"catalog_error", catalog_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(catalog_error)},
          {"seconds", seconds}};
}

RunReport run_batch(const WorkList& work, const Recipe& recipe, const RunOptions& options) {
  const auto started = Clock::now();
  std::vector<ClipRef> refs;
  for (const auto& film : work.films) {
    for (const auto& clip : film.clips) refs.push_back({&film, &clip, refs.size()});
  }
  const Concurrency plan = plan_concurrency(options.jobs > 0 ? options.jobs : recipe.jobs, refs.size(),
                                            std::thread::hardware_concurrency());
  RunReport report;
  report.skipped = work.skipped;
  report.clips.resize(refs.size());
  ProgressLine progress(options.show_progress, refs.size());
  const int64_t memory_limit = clip_memory_limit(recipe.limits, plan.clips);
  if (!options.worker.empty()) spdlog::debug("each clip in a worker of at most {}", memory_size_text(memory_limit));
  // Once for the batch, not once per clip worker.
  if (keeps_stills(recipe.outputs)) stills::warn_if_no_face_model();

  // Tokens = clips in flight; each clip's own decode pass nests inside and shares the workers. A clip
  // in a worker process holds its thread while it waits for it: --jobs above the cores needs as many.
  std::optional<tbb::global_control> threads_for_workers;
  if (!options.worker.empty() && plan.clips > tbb::info::default_concurrency()) {
    threads_for_workers.emplace(tbb::global_control::max_allowed_parallelism, static_cast<size_t>(plan.clips));
  }
  size_t next = 0;
  std::atomic<bool> failure_seen{false};
  tbb::parallel_pipeline(
      static_cast<size_t>(plan.clips),
      tbb::make_filter<void, ClipRef>(tbb::filter_mode::serial_in_order,
                                      [&](tbb::flow_control& control) -> ClipRef {
                                        if (next >= refs.size() || (options.fail_fast && failure_seen)) {
                                          control.stop();
                                          return {};
                                        }
                                        return refs[next++];
                                      }) &
          tbb::make_filter<ClipRef, void>(tbb::filter_mode::parallel, [&](const ClipRef& ref) {
            const std::string label = ref.film->slug + "/" + ref.clip->slug;
            ClipJobOptions clip_options;
            clip_options.out = options.out;
            clip_options.decoder_threads = plan.decoder_threads;
            clip_options.force = options.force;
            clip_options.on_progress = [&](double f) { progress.update(label, f); };
            if (options.worker.empty()) {
              report.clips[ref.position] = process_clip(*ref.film, *ref.clip, recipe, clip_options);
            } else {
              // The worker's own watchdog keeps the time budget; past it and a minute more, the worker
              // is stuck where the watchdog cannot reach (a busy loop) and is stopped from outside.
              const double duration = ref.clip->probe ? ref.clip->probe->duration_seconds : 0.0;
              const WorkerLimits limits{memory_limit, time_budget_seconds(recipe.limits, duration) + 60};
              report.clips[ref.position] =
                  process_clip_in_worker(options.worker, *ref.film, *ref.clip, recipe, clip_options, limits,
                                         options.worker_server);
            }
            if (!report.clips[ref.position].ok) failure_seen = true;
            progress.finished(label, report.clips[ref.position].ok);
          }));

  // --fail-fast: clips never started have no outcome.
  report.not_started = static_cast<int>(refs.size() - next);
  report.clips.resize(next);

  if (options.write_catalog) {
    try {
      write_catalog(options.out);
      write_gallery(options.out, options.base_url);
    } catch (const std::exception& e) {
      report.catalog_error = e.what();  // the report of every clip still reaches the user
    }
  }
  report.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return report;
}

}  // namespace pressreel::batch
