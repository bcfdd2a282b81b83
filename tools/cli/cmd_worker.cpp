// `pressreel worker --report-fd N`: hidden; `run` starts one per clip (batch/clip_worker.hpp).
// `pressreel fork-server --socket-fd N`: hidden; `run` starts one per batch (batch/worker_fork_server.hpp).
#include "commands.hpp"
#include "pressreel/batch/clip_worker.hpp"
#include "pressreel/batch/worker_fork_server.hpp"

namespace pressreel::cli {

Action add_worker_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("worker", "one clip of a `run`, in a process of its own (started by `run`)");
  cmd->group("");  // not for people: left out of --help
  auto report_fd = std::make_shared<int>(-1);
  cmd->add_option("--report-fd", *report_fd, "where the worker reports to the batch")->required();
  auto batch_pid = std::make_shared<int>(0);
  cmd->add_option("--batch-pid", *batch_pid, "the batch that started it: the worker dies with it");
  return [report_fd, batch_pid]() { return batch::run_clip_worker(*report_fd, *batch_pid); };
}

Action add_fork_server_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("fork-server", "forks the clip workers of a `run` (started by `run`)");
  cmd->group("");  // not for people: left out of --help
  auto socket_fd = std::make_shared<int>(-1);
  cmd->add_option("--socket-fd", *socket_fd, "the socket the batch sends its requests on")->required();
  auto batch_pid = std::make_shared<int>(0);
  cmd->add_option("--batch-pid", *batch_pid, "the batch that started it: the server ends with it")->required();
  return [socket_fd, batch_pid]() -> int { batch::serve_worker_forks(*socket_fd, *batch_pid); };
}

}  // namespace pressreel::cli
