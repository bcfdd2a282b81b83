#include "pressreel/batch/shard.hpp"

#include <fmt/format.h>

#include <charconv>

namespace pressreel::batch {
namespace {

std::optional<long> number(const char* text) {
  if (text == nullptr || *text == '\0') return std::nullopt;
  long value = 0;
  const char* end = text + std::char_traits<char>::length(text);
  const auto [ptr, ec] = std::from_chars(text, end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

long required(const Environment& env, const char* name, const char* because) {
  const auto v = number(env(name));
  if (!v) throw ShardError(fmt::format("{} is set but {} is missing or not a number", because, name));
  return *v;
}

Shard checked(long index, long count, std::string source) {
  if (count < 1 || index < 0 || index >= count) {
    throw ShardError(fmt::format("{}: shard {} of {} is out of range (need 0 <= index < count)", source, index, count));
  }
  return {static_cast<int>(index), static_cast<int>(count), std::move(source)};
}

}  // namespace

Shard parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) throw ShardError(fmt::format("--shard '{}': expected I/N, e.g. 0/4", text));
  const auto index = number(text.substr(0, slash).c_str());
  const auto count = number(text.substr(slash + 1).c_str());
  if (!index || !count) throw ShardError(fmt::format("--shard '{}': expected I/N, e.g. 0/4", text));
  return checked(*index, *count, "--shard");
}

std::optional<Shard> shard_from_environment(const Environment& env) {
  if (env("SLURM_ARRAY_TASK_ID") != nullptr) {
    const long id = required(env, "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_ID");
    const long min = number(env("SLURM_ARRAY_TASK_MIN")).value_or(0);
    long count = 0;
    if (auto c = number(env("SLURM_ARRAY_TASK_COUNT"))) {
      count = *c;
    } else {
      count = required(env, "SLURM_ARRAY_TASK_MAX", "SLURM_ARRAY_TASK_ID") - min + 1;
    }
    return checked(id - min, count, "SLURM_ARRAY_TASK_ID");
  }
  if (env("JOB_COMPLETION_INDEX") != nullptr) {
    return checked(required(env, "JOB_COMPLETION_INDEX", "JOB_COMPLETION_INDEX"),
                   required(env, "PRESSREEL_SHARD_COUNT", "JOB_COMPLETION_INDEX"), "JOB_COMPLETION_INDEX");
  }
  struct Pair {
    const char* index;
    const char* count;
  };
  for (const Pair p : {Pair{"AWS_BATCH_JOB_ARRAY_INDEX", "AWS_BATCH_JOB_ARRAY_SIZE"},
                       Pair{"CLOUD_RUN_TASK_INDEX", "CLOUD_RUN_TASK_COUNT"},
                       Pair{"BATCH_TASK_INDEX", "BATCH_TASK_COUNT"}}) {
    if (env(p.index) != nullptr) return checked(required(env, p.index, p.index), required(env, p.count, p.index), p.index);
  }
  return std::nullopt;
}

}  // namespace pressreel::batch
