#include "preview/encode_worker.hpp"

#include <algorithm>
#include <utility>

namespace pressreel::preview {

EncodeWorker::EncodeWorker(size_t depth) : depth_(std::max<size_t>(1, depth)), thread_([this] { run(); }) {}

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
