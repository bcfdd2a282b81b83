// `pressreel run INPUT... -o OUT`: the batch job.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "commands.hpp"
#include "io/atomic_file.hpp"
#include "pressreel/batch/batch_run.hpp"
#include "pressreel/batch/gallery.hpp"
#include "pressreel/batch/shard.hpp"
#include "pressreel/batch/worker_fork_server.hpp"

namespace pressreel::cli {

Action add_run_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("run", "Process folders of films and clips into OUT (one decode pass per clip)");
  cmd->footer(
      "INPUT is a folder of films (one subfolder per film, clips inside, optional film.toml), a single film\n"
      "folder, or clip files. Clips are recognised by probing, not by extension; other files are listed as\n"
      "skipped. Exit code 0 when every clip succeeded, 1 when some failed (the others still complete),\n"
      "2 for usage errors.");
  struct Args {
    std::vector<std::string> inputs;
    std::string out;
    std::string pipeline = "web";
    int jobs = 0;
    bool summary_json = false;
    bool force = false;
    bool fail_fast = false;
    bool no_isolation = false;
    std::string shard;
    std::string report;
    std::string base_url;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("input", args->inputs, "folders of films, film folders or clip files")->required();
  cmd->add_option("-o,--out", args->out, "output folder")->required();
  cmd->add_option("-p,--pipeline", args->pipeline, "recipe name (see `pressreel pipelines`) or .toml file")
      ->capture_default_str();
  cmd->add_option("-j,--jobs", args->jobs, "clips processed at once (default: automatic)")->check(CLI::Range(0, 256));
  cmd->add_flag("--json", args->summary_json, "print the run summary as JSON on stdout");
  cmd->add_flag("--force", args->force, "redo clips whose content, recipe and pressreel version are unchanged");
  cmd->add_flag("--fail-fast", args->fail_fast, "start no new clip after the first failure");
  cmd->add_option("--shard", args->shard,
                  "do part I of N of the sorted clip list (I/N, 0-based); default: from SLURM_ARRAY_TASK_ID, "
                  "JOB_COMPLETION_INDEX + PRESSREEL_SHARD_COUNT, AWS_BATCH_JOB_ARRAY_INDEX, CLOUD_RUN_TASK_INDEX "
                  "or BATCH_TASK_INDEX; a sharded run leaves catalog and gallery to `pressreel merge OUT`");
  cmd->add_flag("--no-isolation", args->no_isolation,
                "process the clips inside this process instead of a worker process each (for debugging and "
                "benchmarks: a crashing clip then ends the whole run, and [limits] max_memory_bytes is not enforced)");
  cmd->add_option("--report", args->report, "write a JUnit XML report (one test case per clip) to this file");
  cmd->add_option("--base-url", args->base_url,
                  "the http(s) address OUT will be published at: the gallery's Open Graph, Twitter card, JSON-LD "
                  "and embed snippets then carry absolute URLs, as link previews need (default: relative)");

  return [args]() {
    // First, while this process has one thread: the fork server can only be forked from such a process.
    std::unique_ptr<batch::WorkerForkServer> worker_server;
    if (!args->no_isolation) worker_server = batch::WorkerForkServer::start("/proc/self/exe");
    batch::Recipe recipe;
    batch::WorkList work;
    std::optional<batch::Shard> shard;
    std::string base_url;
    // OUT must be a folder: a file there is a mistake in the command line, not a clip that failed.
    if (std::error_code ec; std::filesystem::exists(args->out, ec) && !std::filesystem::is_directory(args->out, ec)) {
      spdlog::error("-o {}: is a file, not a folder", args->out);
      return exit_usage;
    }
    try {
      if (!args->base_url.empty()) base_url = batch::checked_base_url(args->base_url);
      recipe = batch::load_recipe(args->pipeline);
      std::vector<std::filesystem::path> inputs(args->inputs.begin(), args->inputs.end());
      batch::DiscoveryOptions discovery;
      discovery.input.allow_demuxers = recipe.allow_demuxers;
      discovery.follow_symlinks_outside = recipe.follow_symlinks_outside;
      discovery.probe_seconds = recipe.limits.stall_seconds;
      discovery.exclude = {args->out};
      work = batch::discover(inputs, discovery);
      shard = args->shard.empty() ? batch::shard_from_environment(std::getenv) : batch::parse_shard(args->shard);
    } catch (const std::invalid_argument& e) {
      spdlog::error("{}", e.what());
      return exit_usage;
    } catch (const batch::RecipeError& e) {
      spdlog::error("{}", e.what());
      return exit_usage;
    }
    // An empty batch is a mistake (wrong folder, every clip a symlink leaving it): CI must not pass on it.
    if (work.clip_count() == 0) {
      for (const auto& s : work.skipped) spdlog::info("skipped {}: {}", s.path.string(), s.reason);
      spdlog::error("no clip found in the input: {}", batch::describe_skipped(work.skipped));
      return exit_usage;
    }
    if (shard) {
      spdlog::info("shard {}/{} (from {})", shard->index, shard->count, shard->source);
      work = batch::select_shard(work, shard->index, shard->count);
    }
    for (const auto& s : work.skipped) spdlog::info("skipped {}: {}", s.path.string(), s.reason);
    spdlog::info("{} films, {} clips, recipe '{}'", work.films.size(), work.clip_count(), recipe.name);

    batch::RunOptions options;
    options.out = args->out;
    options.jobs = args->jobs;
    options.show_progress = spdlog::get_level() <= spdlog::level::info;
    options.force = args->force;
    options.fail_fast = args->fail_fast;
    options.write_catalog = !shard || shard->count == 1;
    options.base_url = base_url;
    // Each clip in a process of its own, started from this very executable: a clip that crashes it or
    // grows past its memory limit fails alone.
    if (!args->no_isolation) options.worker = "/proc/self/exe";
    options.worker_server = worker_server.get();
    const batch::RunReport report = batch::run_batch(work, recipe, options);
    std::string report_error;  // the clips' results are printed even when the report cannot be written
    if (!args->report.empty()) {
      try {
        io::write_file_atomic(args->report, batch::to_junit(report));
      } catch (const std::exception& e) {
        report_error = e.what();
      }
    }

    // Clip names may hold invalid UTF-8: printed as U+FFFD rather than failing the summary.
    if (args->summary_json) std::cout << io::json_text(report.to_json()) << '\n';
    for (const auto& c : report.clips) {
      if (!c.ok) spdlog::error("FAILED {}/{}: {}", c.film_slug, c.clip_slug, c.error);
    }
    const auto out = std::filesystem::path(args->out);
    spdlog::info("{} clips: {} ok ({} up to date), {} failed{}, {} files skipped, in {:.1f} s", report.clips.size(),
                 report.clips.size() - report.failed(), report.skipped_up_to_date(), report.failed(),
                 report.not_started ? fmt::format(", {} not started (--fail-fast)", report.not_started) : "",
                 report.skipped.size(), report.seconds);
    if (!report.catalog_error.empty()) {
      spdlog::error("catalog and gallery not written: {}", report.catalog_error);
    } else if (options.write_catalog) {
      spdlog::info("catalog: {}", (out / "catalog.json").string());
    }
    if (std::filesystem::exists(out / "index.html")) spdlog::info("gallery: {}", (out / "index.html").string());
    if (!report_error.empty()) spdlog::error("JUnit report not written: {}", report_error);
    const bool failed = report.failed() > 0 || !report.catalog_error.empty() || !report_error.empty();
    return failed ? exit_failures : exit_ok;
  };
}

}  // namespace pressreel::cli
