// `pressreel run INPUT... -o OUT`: the batch job (filled in with the batch layer).
#include "commands.hpp"

namespace pressreel::cli {

Action add_run_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("run", "Process folders of films and clips into OUT");
  (void)cmd;
  return [] { return exit_ok; };
}

}  // namespace pressreel::cli
