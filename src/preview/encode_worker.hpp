#pragma once
// One rendition's encoder and muxer on a thread of their own, fed in order through a short queue.
//
// A capped H.264 rendition encodes on one x264 thread (video_encoder.cpp says why), so the largest
// rendition is the decode pass's critical path. Encoded inside the pass's serial stage, it waited
// there for the other renditions' frames and for every other sink's in-order work; on its own thread
// it encodes whenever a picture is queued. Each encoder still gets the same pictures in the same
// order, and each muxer the same packets in the same order, so the bytes do not change. The smaller
// renditions' workers yield to the largest one's (worker_setup).

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace pressreel::preview {

// The queue depth and priority of a rendition's worker, by its picture area and the largest
// rendition's (encode_worker.cpp says why smaller renditions yield).
struct WorkerSetup {
  size_t depth = 0;
  int niceness = 0;
};
WorkerSetup worker_setup(int rendition_area, int largest_area);

class EncodeWorker {
 public:
  using Job = std::function<void()>;

  // `depth`: jobs queued at most before post waits (each holds a picture: this bounds the memory).
  // `niceness`: added to the worker thread's nice value (0 keeps the caller's). Raising it needs no
  // privilege.
  explicit EncodeWorker(size_t depth, int niceness = 0);
  // A worker never finished (the pass failed elsewhere) drops what is still queued and stops.
  ~EncodeWorker();
  EncodeWorker(const EncodeWorker&) = delete;
  EncodeWorker& operator=(const EncodeWorker&) = delete;

  // Runs `job` after every job posted before it. Waits while the queue is full; throws what a job
  // threw (the worker stops at its first failure).
  void post(Job job);
  // Returns once every posted job has run; throws what a job threw.
  void finish();

 private:
  void run();
  void rethrow_failure();

  const size_t depth_;
  const int niceness_;
  std::mutex mutex_;
  std::condition_variable queued_, room_;
  std::deque<Job> jobs_;
  bool closed_ = false;    // no more jobs: run what is queued, then end
  bool stopping_ = false;  // end now, dropping what is queued
  std::exception_ptr failure_;
  std::thread thread_;  // last: started once everything above is there
};

}  // namespace pressreel::preview
