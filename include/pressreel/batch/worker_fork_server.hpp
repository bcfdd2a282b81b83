#pragma once
// Clip workers without exec: a fork server ("zygote"). Starting a worker by exec costs ~0.2 s of CPU
// (the dynamic loader relocating ~184 shared libraries) and the page faults of a fresh process, per
// clip. The batch instead forks one helper process at its start, while it still has a single thread,
// and the helper forks each worker from its already loaded image: no exec, no loading per clip.
//
// Only a single-threaded process may be forked (a fork copies one thread; TBB, OpenCV and spdlog's
// threads would be left half alive), so the batch never forks itself once it has started working: it
// asks the server, over a socket, and hands it the worker's two pipes. The server forks twice, so
// that each worker is re-parented to the batch (a child subreaper): the batch waits for its workers
// as it would for ones it started by exec, and a worker dies with the batch (PR_SET_PDEATHSIG).
//
// The `run` command execs the server once (`pressreel fork-server`, hidden) right after forking it:
// the workers it forks come from a fresh image, named for ps and top, not from a copy of the batch's
// heap. One exec per batch instead of one per clip.

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <mutex>

namespace pressreel::batch {

// The server's process name (/proc/PID/comm), and the workers' it forks.
inline constexpr const char* worker_fork_server_name = "pressreel-forks";
inline constexpr const char* forked_worker_name = "pressreel-clip";

class WorkerForkServer {
 public:
  // Forks the server, which then execs `program fork-server` (the pressreel CLI; empty: it serves
  // from the forked image as it is, e.g. in a test). Returns null (and the batch starts workers by
  // exec) when this process already has more than one thread, or the server cannot be started. Makes
  // this process a child subreaper.
  static std::unique_ptr<WorkerForkServer> start(const std::filesystem::path& program = {});
  ~WorkerForkServer();  // the server exits when its socket closes
  WorkerForkServer(const WorkerForkServer&) = delete;
  WorkerForkServer& operator=(const WorkerForkServer&) = delete;

  // Starts a worker running run_clip_worker with `request_fd` as its stdin and `report_fd` as its
  // report pipe. The returned process is a child of this one (waitpid works). Safe from any thread;
  // throws std::system_error when the server is gone.
  pid_t start_worker(int request_fd, int report_fd);
  pid_t pid() const { return pid_; }

 private:
  WorkerForkServer(pid_t pid, int socket) : pid_(pid), socket_(socket) {}
  pid_t pid_;
  int socket_;
  std::mutex mutex_;  // one request and its reply at a time
};

// The server's side: forks a worker per request that arrives on `socket` until the batch closes it;
// ends with the batch `batch`. What `pressreel fork-server` runs.
[[noreturn]] void serve_worker_forks(int socket, pid_t batch);

}  // namespace pressreel::batch
