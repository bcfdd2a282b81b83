#pragma once
// Each subcommand lives in its own file and registers itself on the root app.

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace pressreel::cli {

// Exit codes: every clip succeeded / some clips failed / usage error.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failures = 1;
inline constexpr int exit_usage = 2;

// A subcommand's action, run after parsing; returns the exit code.
using Action = std::function<int()>;

Action add_probe_command(CLI::App& app);
Action add_run_command(CLI::App& app);
Action add_pipelines_command(CLI::App& app);
Action add_merge_command(CLI::App& app);
Action add_scenes_command(CLI::App& app);
Action add_eval_scenes_command(CLI::App& app);
Action add_preview_command(CLI::App& app);
Action add_thumbs_command(CLI::App& app);
Action add_worker_command(CLI::App& app);
Action add_fork_server_command(CLI::App& app);

// "'rnu' is not a pressreel command. Did you mean 'run'?" and the list of commands.
std::string unknown_subcommand_message(const CLI::App& app, const std::string& word);

}  // namespace pressreel::cli
