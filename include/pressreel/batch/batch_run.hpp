#pragma once
// A batch: clips processed concurrently (a oneTBB pipeline whose token count is the clip limit),
// each in its own single decode pass, then the film and catalog files.

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pressreel/batch/clip_job.hpp"
#include "pressreel/batch/discovery.hpp"
#include "pressreel/batch/recipe.hpp"

namespace pressreel::batch {

class WorkerForkServer;

struct RunOptions {
  std::filesystem::path out;
  int jobs = 0;  // clips at once; 0 = the recipe's, else automatic
  bool show_progress = false;
  bool force = false;      // redo clips that are up to date
  bool fail_fast = false;  // start no new clip after the first failure
  bool write_catalog = true;  // shards leave the catalog to `pressreel merge`
  std::string base_url;       // where OUT is published (checked_base_url), for the gallery's snippets
  // The executable each clip runs in, a process of its own (batch/clip_worker.hpp): pressreel itself.
  // Empty: clips run in this process, where a crash ends the batch and no memory limit applies.
  std::filesystem::path worker;
  // Forks the workers instead (batch/worker_fork_server.hpp), when the batch could start one.
  WorkerForkServer* worker_server = nullptr;
};

struct RunReport {
  std::vector<ClipOutcome> clips;  // in work-list order (clips never started are left out)
  std::vector<SkippedFile> skipped;
  double seconds = 0;
  int failed() const;
  int skipped_up_to_date() const;
  int not_started = 0;  // clips left out by --fail-fast
  // Why the catalog or the gallery could not be written (e.g. a full disk); the clips' outcomes stand.
  std::string catalog_error;
  nlohmann::json to_json() const;
};

RunReport run_batch(const WorkList& work, const Recipe& recipe, const RunOptions& options);

// The report as JUnit XML: one test suite, one test case per clip (class = film, name = clip).
std::string to_junit(const RunReport& report);

// Clips at once and libavcodec threads per clip, so that they together use the cores once.
struct Concurrency {
  int clips = 1;
  int decoder_threads = 1;
};
Concurrency plan_concurrency(int requested_jobs, size_t clip_count, unsigned cores);

// libavcodec threads for a clip's pass decoder, from its share of the cores and the video encoder
// threads its previews run beside the pass: one when the encoders alone have as many threads as the
// share, else the share.
int pass_decoder_threads(int share, int encoder_threads);

// [limits] max_memory_bytes, or when it is 0 the machine's share for each of `clips_at_once`.
int64_t clip_memory_limit(const Limits& limits, int clips_at_once);

}  // namespace pressreel::batch
