#pragma once
// One clip in a process of its own, so that whatever a clip does to its process (a crash, an abort,
// memory without end) costs that clip and not the batch. The batch has each worker forked by its fork
// server (worker_fork_server.hpp), or else re-executes pressreel with the hidden `worker` subcommand;
// it hands the worker the clip on its stdin and reads its reports (the stage it entered, progress,
// the ClipOutcome) from a pipe. A worker that dies, or grows past its memory
// limit, becomes a failed clip with a cause a person can read: "crashed (SIGSEGV) in stage stills".

#include <cstdint>
#include <filesystem>

#include "pressreel/batch/clip_job.hpp"

namespace pressreel::batch {

struct WorkerLimits {
  int64_t max_memory_bytes = 0;  // resident memory of the worker, polled; it is killed past it
  double max_seconds = 0;        // wall time: the worker's own watchdog cannot stop a busy loop; 0 = none
};

class WorkerForkServer;

// process_clip for one clip, run by a worker forked by `server` (worker_fork_server.hpp) or, without
// one, by the worker executable `worker` (pressreel itself: /proc/self/exe), and supervised. Never throws for a bad clip. A worker that dies leaves no partial files: its clip's
// folder is removed and a manifest saying why is written in its place.
ClipOutcome process_clip_in_worker(const std::filesystem::path& worker, const FilmSource& film, const ClipSource& clip,
                                   const Recipe& recipe, const ClipJobOptions& options, const WorkerLimits& limits,
                                   WorkerForkServer* server = nullptr);

// The worker's side: reads its clip from stdin, runs process_clip and reports on `report_fd`.
// `batch_pid` is the process that started it: the worker dies with it (a batch killed with SIGKILL
// must not leave workers writing beside its rerun). Returns the process's exit code.
int run_clip_worker(int report_fd, int batch_pid);

// For the tests of the supervisor only: "segv:STAGE", "abort:STAGE", "memory:STAGE" or "hang:STAGE"
// makes a worker crash, abort, allocate without end or sleep for a minute when its clip enters STAGE; "KIND:STAGE:CLIP" only the worker of
// the clip whose slug is CLIP. Read by the worker subcommand alone, never by a clip run in-process.
inline constexpr const char* worker_fault_variable = "PRESSREEL_WORKER_FAULT_FOR_TESTS";

}  // namespace pressreel::batch
