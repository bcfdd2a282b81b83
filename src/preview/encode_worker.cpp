#include "preview/encode_worker.hpp"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace pressreel::preview {

namespace {

// What the queues hold, as pixels of pictures: a second of 720p (24 pictures, 33 MB) ahead of any
// rendition's encoder, so that the pass runs on (analysis, the smaller encoders) while the largest is
// on a hard stretch, rather than stopping the decoder and leaving a core idle. With 8 pictures, a
// 720p source's pass left 6-8% of two cores idle and took 1.1-1.7 s longer on the 2-minute bench
// trailer (3 runs each, alternated). Held as bytes, not pictures: 24 of 1080p in each of three queues
// made a 10-minute clip's peak memory 1.17 times a 1-minute one's.
constexpr int64_t queued_pixels = int64_t{24} * 1280 * 720;
constexpr size_t fewest_queued = 8;

// On Linux a thread's nice value is its own: setpriority on the thread id leaves the rest of the
// process alone. It only ever goes up here (lower priority), which needs no privilege.
void lower_this_thread_priority(int niceness) {
  if (niceness <= 0) return;
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  errno = 0;
  const int current = ::getpriority(PRIO_PROCESS, tid);
  if (errno != 0 || ::setpriority(PRIO_PROCESS, tid, std::min(19, current + niceness)) != 0) {
    spdlog::debug("encoder thread keeps its priority: {}", std::strerror(errno));
  }
}

}  // namespace

// Each rendition encodes on one x264 thread, so the largest is the pass's critical path: the decoder
// can run only as far ahead as its queue allows, and whenever the smaller encoders shared the cores
// with it, it fell behind and then encoded alone on an otherwise idle machine (a 1080p source's pass
// ran below 80% of two cores a quarter of the time). The smaller renditions therefore encode at a
// lower priority, filling the time the largest leaves, with queues long enough to fall behind it
// without stopping the decoder: as many pictures as hold `queued_pixels`, at most `deepest_queue`.
// The lowest priority: at nice 10 they still took a tenth of a core from the largest and the
// analysis (nice 19 was 0.4-1.0 s faster on the bench trailer; nice 0 2 s slower). Priorities change
// only when each encoder runs, never what it is given: the bytes stay the same.
WorkerSetup worker_setup(int rendition_area, int largest_area) {
  constexpr int yielding_niceness = 19;
  constexpr size_t deepest_queue = 64;
  const size_t depth = std::clamp(static_cast<size_t>(queued_pixels / std::max(1, rendition_area)), fewest_queued,
                                  deepest_queue);
  if (rendition_area >= largest_area || rendition_area <= 0) return {depth, 0};
  return {depth, yielding_niceness};
}

EncodeWorker::EncodeWorker(size_t depth, int niceness)
    : depth_(std::max<size_t>(1, depth)), niceness_(niceness), thread_([this] { run(); }) {}

EncodeWorker::~EncodeWorker() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
    jobs_.clear();
  }
  queued_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void EncodeWorker::post(Job job) {
  std::unique_lock lock(mutex_);
  room_.wait(lock, [&] { return jobs_.size() < depth_ || failure_ || !thread_.joinable(); });
  if (failure_ || !thread_.joinable()) {
    lock.unlock();
    rethrow_failure();
  }
  jobs_.push_back(std::move(job));
  lock.unlock();
  queued_.notify_one();
}

void EncodeWorker::finish() {
  {
    const std::lock_guard lock(mutex_);
    closed_ = true;
  }
  queued_.notify_all();
  if (thread_.joinable()) thread_.join();
  rethrow_failure();
}

void EncodeWorker::rethrow_failure() {
  std::exception_ptr failure;
  {
    const std::lock_guard lock(mutex_);
    failure = failure_;
  }
  if (failure) std::rethrow_exception(failure);
}

void EncodeWorker::run() {
  lower_this_thread_priority(niceness_);
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      queued_.wait(lock, [&] { return !jobs_.empty() || closed_ || stopping_; });
      if (stopping_ || jobs_.empty()) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    room_.notify_one();
    try {
      job();
    } catch (...) {
      {
        const std::lock_guard lock(mutex_);
        failure_ = std::current_exception();
        jobs_.clear();
      }
      room_.notify_all();
      return;
    }
  }
}

}  // namespace pressreel::preview
