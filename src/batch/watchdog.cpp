#include "batch/watchdog.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace pressreel::batch {
namespace {
std::atomic<StageObserver> stage_observer{nullptr};
}  // namespace

void set_stage_observer(StageObserver observer) { stage_observer.store(observer); }

Watchdog::Watchdog(WatchdogOptions options)
    : options_(std::move(options)), thread_([this](std::stop_token stop) { watch(stop); }) {}

Watchdog::~Watchdog() { finish(); }

void Watchdog::finish() {
  thread_.request_stop();
  if (thread_.joinable()) thread_.join();
}

void Watchdog::enter(const std::string& stage, bool reports_progress) {
  if (const StageObserver observer = stage_observer.load()) observer(stage);
  std::lock_guard lock(mutex_);
  stage_ = stage;
  stage_reports_progress_ = reports_progress;
  progress();  // a stage starts with a full stall allowance
}

void Watchdog::progress() noexcept {
  last_progress_.store(Clock::now().time_since_epoch().count(), std::memory_order_relaxed);
}

std::optional<WatchdogTrip> Watchdog::tripped() const {
  std::lock_guard lock(mutex_);
  return trip_;
}

void Watchdog::trip(std::string cause) {
  // Called with mutex_ held.
  spdlog::warn("{} (stopping the clip)", cause);
  trip_ = WatchdogTrip{stage_, std::move(cause)};
  cancel_.store(true);
}

void Watchdog::watch(const std::stop_token& stop) {
  // Ticks often enough that a stall or the budget is reported within a quarter of its allowance.
  double shortest = 1.0;
  for (const double allowance : {options_.stall_seconds, options_.budget_seconds}) {
    if (allowance > 0) shortest = std::min(shortest, allowance);
  }
  const auto tick =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(std::clamp(shortest / 4, 0.01, 0.25)));
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested() && !trip_) {
    wake_.wait_for(lock, stop, tick, [] { return false; });
    if (stop.stop_requested()) break;
    const auto now = Clock::now();
    const double idle = std::chrono::duration<double>(
                            now - Clock::time_point(Clock::duration(last_progress_.load(std::memory_order_relaxed))))
                            .count();
    const double elapsed = std::chrono::duration<double>(now - started_).count();
    if (options_.outer_cancel != nullptr && options_.outer_cancel->load()) {
      trip(fmt::format("cancelled in stage {}", stage_));
    } else if (stage_reports_progress_ && idle > options_.stall_seconds) {
      trip(fmt::format("watchdog: no progress for {:g} s in stage {}", options_.stall_seconds, stage_));
    } else if (options_.budget_seconds > 0 && elapsed > options_.budget_seconds) {
      trip(fmt::format("watchdog: over the time budget of {:g} s in stage {}", options_.budget_seconds, stage_));
    } else if (options_.check) {
      // The check may walk a folder: not under the lock that enter() takes on the clip's thread.
      lock.unlock();
      std::optional<std::string> why = options_.check();
      lock.lock();
      if (why && !trip_) trip(std::move(*why));
    }
  }
}

}  // namespace pressreel::batch
