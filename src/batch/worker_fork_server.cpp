// The fork server of worker_fork_server.hpp: the batch's side (start, start_worker) and the server's
// (serve), which forks a worker per request and never does anything else.
#include "pressreel/batch/worker_fork_server.hpp"

#include <fcntl.h>
#include <sched.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

#include "pressreel/batch/clip_worker.hpp"
#include "exec_args.hpp"

namespace pressreel::batch {
namespace {

size_t thread_count() {
  std::error_code ec;
  const std::filesystem::directory_iterator tasks("/proc/self/task", ec);
  return ec ? 0 : static_cast<size_t>(std::distance(tasks, std::filesystem::directory_iterator()));
}

// A request is the worker's two pipe ends, passed as SCM_RIGHTS with a one-byte message (a message
// must carry a byte for its descriptors to travel).
struct PipesMessage {
  char byte = 'w';
  iovec data{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(2 * sizeof(int))] = {};
  msghdr header{};
  PipesMessage() {
    header.msg_iov = &data;
    header.msg_iovlen = 1;
    header.msg_control = control;
    header.msg_controllen = sizeof control;
  }
  PipesMessage(const PipesMessage&) = delete;  // it points into itself
};

bool send_pipes(int socket, int request_fd, int report_fd) {
  PipesMessage message;
  cmsghdr* rights = CMSG_FIRSTHDR(&message.header);
  rights->cmsg_level = SOL_SOCKET;
  rights->cmsg_type = SCM_RIGHTS;
  rights->cmsg_len = CMSG_LEN(2 * sizeof(int));
  const int fds[2] = {request_fd, report_fd};
  std::memcpy(CMSG_DATA(rights), fds, sizeof fds);
  // MSG_NOSIGNAL: a server that is gone is an error to report, not a SIGPIPE that ends the batch.
  return ::sendmsg(socket, &message.header, MSG_NOSIGNAL) == 1;
}

// False when the batch closed its end (or sent something that is not a request): the server ends.
bool receive_pipes(int socket, int fds[2]) {
  PipesMessage message;
  if (::recvmsg(socket, &message.header, 0) != 1) return false;
  const cmsghdr* rights = CMSG_FIRSTHDR(&message.header);
  if (rights == nullptr || rights->cmsg_type != SCM_RIGHTS || rights->cmsg_len != CMSG_LEN(2 * sizeof(int))) {
    return false;
  }
  std::memcpy(fds, CMSG_DATA(rights), 2 * sizeof(int));
  return true;
}

// In the worker, forked by `middle`: the pipes where an exec'd worker has them (stdin, 3), then the
// worker's own entry point, ended as if main had returned (the sanitizers' checks at exit run).
[[noreturn]] void run_forked_worker(int request_fd, int report_fd, pid_t middle, pid_t batch) {
  // Moved out of the way first: either pipe may have arrived as descriptor 0 or 3.
  const int request = ::fcntl(request_fd, F_DUPFD, 10), report = ::fcntl(report_fd, F_DUPFD, 10);
  ::close(request_fd);
  ::close(report_fd);
  if (request < 0 || report < 0 || ::dup2(request, STDIN_FILENO) < 0 || ::dup2(report, 3) < 0 ||
      ::dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {  // the batch's stdout carries its --json summary
    std::_Exit(6);
  }
  ::close(request);
  ::close(report);
  // The middle process exits at once and this one passes to the batch, the subreaper. Only then may
  // it tie its life to its parent's (run_clip_worker): tied now, it would die with the middle one.
  while (::getppid() == middle) ::sched_yield();
  try {
    std::exit(run_clip_worker(3, batch));
  } catch (const std::exception& e) {  // as the CLI's main would have caught it in an exec'd worker
    spdlog::error("{}", e.what());
    std::exit(1);
  }
}

}  // namespace

// The server's loop. It forks twice per worker: the middle process forks the worker and exits, so
// that the worker is re-parented to the batch, which waits for it; the server waits for the middle one.
[[noreturn]] void serve_worker_forks(int socket, pid_t batch) {
  ::prctl(PR_SET_NAME, worker_fork_server_name);
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != batch) std::_Exit(0);
  for (;;) {
    int pipes[2];
    if (!receive_pipes(socket, pipes)) std::_Exit(0);
    int reply_pipe[2];
    int32_t reply = -EPIPE;  // the worker's pid, or -errno
    if (::pipe(reply_pipe) != 0) {
      reply = -errno;
    } else if (const pid_t middle = ::fork(); middle == 0) {
      // Named before the worker is forked, so that it has its name by the time the batch learns of it.
      ::prctl(PR_SET_NAME, forked_worker_name);
      const pid_t me = ::getpid();
      const pid_t worker = ::fork();
      if (worker == 0) {
        ::close(socket);
        ::close(reply_pipe[0]);
        ::close(reply_pipe[1]);
        run_forked_worker(pipes[0], pipes[1], me, batch);
      }
      const int32_t pid = worker > 0 ? worker : -errno;
      std::_Exit(::write(reply_pipe[1], &pid, sizeof pid) == sizeof pid ? 0 : 1);
    } else {
      if (middle < 0) reply = -errno;
      ::close(reply_pipe[1]);
      if (middle > 0 && ::read(reply_pipe[0], &reply, sizeof reply) != sizeof reply) reply = -ECHILD;
      // Reaped, the middle process has handed the worker to the batch: the batch can wait for it now.
      if (middle > 0) ::waitpid(middle, nullptr, 0);
      ::close(reply_pipe[0]);
    }
    ::close(pipes[0]);
    ::close(pipes[1]);
    if (::send(socket, &reply, sizeof reply, MSG_NOSIGNAL) != sizeof reply) std::_Exit(0);
  }
}

namespace {

// In the forked server: becomes `program fork-server`, a fresh image of its own (named for ps and
// top) with the batch's environment. Returns only when the exec fails; the server then serves as it is.
void exec_server(const std::filesystem::path& program, int socket, pid_t batch) {
  if (::fcntl(socket, F_SETFD, 0) != 0) return;  // the socket must survive the exec
  std::vector<std::string> args = {program.string(), "fork-server", "--socket-fd", std::to_string(socket),
                                   "--batch-pid", std::to_string(batch)};
  ::execv(args[0].c_str(), exec_pointers(args).data());
  ::fcntl(socket, F_SETFD, FD_CLOEXEC);
}

}  // namespace

std::unique_ptr<WorkerForkServer> WorkerForkServer::start(const std::filesystem::path& program) {
  if (const size_t threads = thread_count(); threads != 1) {
    spdlog::debug("workers are started by exec: this process already has {} threads", threads);
    return nullptr;
  }
  // Set before the fork: a process inherits whether an ancestor is a subreaper.
  if (::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) return nullptr;
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ends) != 0) return nullptr;
  // What stdio holds would otherwise be written again by every worker that exits.
  std::fflush(nullptr);
  const pid_t batch = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(ends[0]);
    if (!program.empty()) exec_server(program, ends[1], batch);
    serve_worker_forks(ends[1], batch);
  }
  ::close(ends[1]);
  if (pid < 0) {
    ::close(ends[0]);
    return nullptr;
  }
  return std::unique_ptr<WorkerForkServer>(new WorkerForkServer(pid, ends[0]));
}

WorkerForkServer::~WorkerForkServer() {
  ::close(socket_);
  while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
}

pid_t WorkerForkServer::start_worker(int request_fd, int report_fd) {
  const std::lock_guard lock(mutex_);
  if (!send_pipes(socket_, request_fd, report_fd)) {
    throw std::system_error(errno, std::generic_category(), "the worker fork server is gone");
  }
  int32_t reply = 0;
  ssize_t n = 0;
  while ((n = ::recv(socket_, &reply, sizeof reply, 0)) < 0 && errno == EINTR) {
  }
  if (n != sizeof reply) throw std::system_error(n < 0 ? errno : EPIPE, std::generic_category(), "the worker fork server is gone");
  if (reply < 0) throw std::system_error(-reply, std::generic_category(), "forking a worker");
  return reply;
}

}  // namespace pressreel::batch
