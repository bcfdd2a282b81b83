#pragma once
// The per-clip watchdog: a clip that stops making progress, runs past its time budget or breaks a
// limit checked while it runs (bytes written) becomes a clear error instead of a hang. It owns the
// cancel flag that every blocking read of the clip is given (InputPolicy::cancel, which FFmpeg's
// AVIO interrupt callback polls), and a timer thread that raises it and records why.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

namespace pressreel::batch {

struct WatchdogOptions {
  // Longest pause between two progress() calls in a stage that reports progress.
  double stall_seconds = 60;
  // The whole clip, every stage; 0 = no budget.
  double budget_seconds = 0;
  // Run on every tick (a few times a second); a returned cause stops the clip.
  std::function<std::optional<std::string>()> check;
  // A stop request from outside (the batch), passed on to the clip's reads.
  const std::atomic<bool>* outer_cancel = nullptr;
};

// Why and where the watchdog stopped a clip.
struct WatchdogTrip {
  std::string stage;
  std::string cause;  // "watchdog: no progress for 60 s in stage decode"
};

// Told of every stage any Watchdog of this process enters (from the clip's threads, so it must be
// thread-safe). A clip worker (batch/clip_worker.hpp) passes it on to the batch, which can then name the
// stage a crashed worker was in. nullptr = nobody is told.
using StageObserver = void (*)(const std::string& stage);
void set_stage_observer(StageObserver observer);

class Watchdog {
 public:
  explicit Watchdog(WatchdogOptions options);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  // The flag to hand to the clip's reads; raised once the watchdog trips.
  const std::atomic<bool>* cancel_flag() const { return &cancel_; }

  // The clip enters `stage`. A stage that reports progress calls progress() as it advances, and a
  // pause longer than stall_seconds stops it; other stages (no natural unit of progress: face
  // detection, image encoding) are bounded by the time budget alone.
  void enter(const std::string& stage, bool reports_progress = false);
  void progress() noexcept;

  // Set once the watchdog has stopped the clip.
  std::optional<WatchdogTrip> tripped() const;

  // Stops watching (the clip's outcome is decided); also done on destruction.
  void finish();

 private:
  using Clock = std::chrono::steady_clock;
  void watch(const std::stop_token& stop);
  void trip(std::string cause);

  WatchdogOptions options_;
  Clock::time_point started_ = Clock::now();
  std::atomic<Clock::rep> last_progress_{Clock::now().time_since_epoch().count()};
  std::atomic<bool> cancel_{false};
  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  std::string stage_ = "start";
  bool stage_reports_progress_ = false;
  std::optional<WatchdogTrip> trip_;
  std::jthread thread_;  // last: started once everything it reads exists
};

}  // namespace pressreel::batch
