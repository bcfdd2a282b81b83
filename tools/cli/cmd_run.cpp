// `pressreel run INPUT... -o OUT`: the batch job.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "commands.hpp"
#include "pressreel/batch/batch_run.hpp"

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
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("input", args->inputs, "folders of films, film folders or clip files")->required();
  cmd->add_option("-o,--out", args->out, "output folder")->required();
  cmd->add_option("-p,--pipeline", args->pipeline, "recipe name (see `pressreel pipelines`) or .toml file")
      ->capture_default_str();
  cmd->add_option("-j,--jobs", args->jobs, "clips processed at once (default: automatic)")->check(CLI::Range(0, 256));
  cmd->add_flag("--json", args->summary_json, "print the run summary as JSON on stdout");

  return [args, cmd]() {
    batch::Recipe recipe;
    batch::WorkList work;
    try {
      recipe = batch::load_recipe(args->pipeline);
      std::vector<std::filesystem::path> inputs(args->inputs.begin(), args->inputs.end());
      batch::DiscoveryOptions discovery;
      discovery.input.allow_demuxers = recipe.allow_demuxers;
      discovery.follow_symlinks_outside = recipe.follow_symlinks_outside;
      work = batch::discover(inputs, discovery);
    } catch (const std::invalid_argument& e) {
      spdlog::error("{}", e.what());
      return exit_usage;
    } catch (const batch::RecipeError& e) {
      spdlog::error("{}", e.what());
      return exit_usage;
    }
    for (const auto& s : work.skipped) spdlog::info("skipped {}: {}", s.path.string(), s.reason);
    spdlog::info("{} films, {} clips, recipe '{}'", work.films.size(), work.clip_count(), recipe.name);

    batch::RunOptions options;
    options.out = args->out;
    options.jobs = args->jobs;
    options.show_progress = spdlog::get_level() <= spdlog::level::info;
    const batch::RunReport report = batch::run_batch(work, recipe, options);

    if (args->summary_json) std::cout << report.to_json().dump(2) << '\n';
    for (const auto& c : report.clips) {
      if (!c.ok) spdlog::error("FAILED {}/{}: {}", c.film_slug, c.clip_slug, c.error);
    }
    const auto out = std::filesystem::path(args->out);
    spdlog::info("{} clips: {} ok, {} failed, {} files skipped, in {:.1f} s", report.clips.size(),
                 report.clips.size() - report.failed(), report.failed(), report.skipped.size(), report.seconds);
    spdlog::info("catalog: {}", (out / "catalog.json").string());
    if (std::filesystem::exists(out / "index.html")) spdlog::info("gallery: {}", (out / "index.html").string());
    (void)cmd;
    return report.failed() > 0 ? exit_failures : exit_ok;
  };
}

}  // namespace pressreel::cli
