// pressreel: media for film articles from folders of promotional clips, in one decode pass.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <map>

#include "commands.hpp"
#include "pressreel/media/cpu_paths.hpp"
#include "pressreel/media/logging.hpp"
#include "pressreel/version.hpp"


int main(int argc, char** argv) {
  using namespace pressreel::cli;
  CLI::App app{"pressreel: shots, stills, posters, sheets, storyboards and previews for film clips, from one decode pass"};
  app.set_version_flag("--version", std::string("pressreel ") + pressreel::version());
  app.require_subcommand(1);
  // Global options after the subcommand too (`pressreel run clips -o out -q`), as in git and ffmpeg:
  // each subcommand hands the options it does not know to the root. Inherited by the subcommands.
  app.fallthrough();
  std::string log_level = "info";
  bool quiet = false;
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  app.add_flag("-q,--quiet", quiet, "only errors; no progress display");

  std::map<CLI::App*, Action> actions;
  auto add = [&](Action (*adder)(CLI::App&)) {
    Action action = adder(app);
    actions[app.get_subcommands({}).back()] = std::move(action);
  };
  add(add_run_command);
  add(add_probe_command);
  add(add_pipelines_command);
  add(add_merge_command);
  add(add_scenes_command);
  add(add_eval_scenes_command);
  add(add_preview_command);
  add(add_thumbs_command);
  add(add_worker_command);
  add(add_fork_server_command);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // `pressreel rnu ...`: CLI11 would only say a subcommand is required.
    if (app.get_subcommands().empty() && !app.remaining().empty() && !app.remaining().front().starts_with("-")) {
      std::cerr << unknown_subcommand_message(app, app.remaining().front()) << '\n';
      return exit_usage;
    }
    const int rc = app.exit(e);
    return rc == 0 ? exit_ok : exit_usage;
  }
  // Logs go to stderr: stdout carries data (JSON, CSV, EDL) that other tools read.
  spdlog::set_default_logger(spdlog::stderr_color_mt("pressreel"));
  spdlog::set_pattern("%^%l%$: %v");
  spdlog::set_level(quiet ? spdlog::level::err : spdlog::level::from_str(log_level));
  pressreel::media::route_libav_logs_to_spdlog();
  pressreel::media::prefer_gather_free_paths();
  for (CLI::App* sub : app.get_subcommands()) {
    try {
      return actions.at(sub)();
    } catch (const std::exception& e) {
      spdlog::error("{}", e.what());
      return exit_failures;
    }
  }
  return exit_usage;
}
