#pragma once
// Which part of the batch this process does, from --shard I/N or from the environment of the
// distributed engine that started it (Slurm arrays, Kubernetes Indexed Jobs, AWS Batch, Cloud Run,
// Google Batch). The partition is stable: position in the sorted work list, modulo N.

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

namespace pressreel::batch {

struct Shard {
  int index = 0;  // 0-based
  int count = 1;
  std::string source;  // "--shard", "SLURM_ARRAY_TASK_ID", ... for the log
};

class ShardError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// "I/N" with 0 <= I < N.
Shard parse_shard(const std::string& text);

using Environment = std::function<const char*(const char*)>;
// The shard named by the first engine whose variables are set; nullopt when none is.
// Throws ShardError for inconsistent values (index out of range, count missing).
std::optional<Shard> shard_from_environment(const Environment& env);

}  // namespace pressreel::batch
