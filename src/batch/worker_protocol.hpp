#pragma once
// What the batch and a clip worker (clip_worker.hpp) say to each other: MessagePack messages, each
// behind its length. MessagePack rather than JSON text because a file name need not be UTF-8 and must
// reach the worker byte for byte.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "pressreel/batch/clip_job.hpp"

namespace pressreel::batch::worker_protocol {

// A file descriptor, closed when it goes.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept;
  ~Fd() { reset(); }
  int get() const { return fd_; }
  void reset();

 private:
  int fd_ = -1;
};

// A pipe whose ends are not inherited by a started program unless handed to it.
struct Pipe {
  Fd read, write;
};
Pipe make_pipe();

// Writes one message whole; throws std::system_error when the other side is gone.
void write_message(int fd, const nlohmann::json& message);

// Collects the bytes read from a pipe and cuts them into messages.
class MessageReader {
 public:
  void append(const char* data, size_t size) { buffer_.insert(buffer_.end(), data, data + size); }
  // The next complete message, if one has arrived; throws nlohmann::json::exception on a garbled one.
  std::optional<nlohmann::json> next();

 private:
  std::vector<uint8_t> buffer_;
};

// The clip a worker runs: everything discovery learnt but the probe, which the worker repeats.
nlohmann::json request(const FilmSource& film, const ClipSource& clip, const Recipe& recipe,
                       const ClipJobOptions& options, int log_level);
FilmSource film_from(const nlohmann::json& request);

nlohmann::json to_message(const ClipOutcome& outcome);
ClipOutcome outcome_from(const nlohmann::json& message);

}  // namespace pressreel::batch::worker_protocol
