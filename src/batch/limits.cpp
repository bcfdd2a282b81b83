#include "pressreel/batch/limits.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace pressreel::batch {

namespace fs = std::filesystem;

std::optional<std::string> over_limit(const media::ProbeResult& probe, const Limits& limits) {
  if (probe.streams.size() > static_cast<size_t>(limits.max_streams)) {
    return fmt::format("{} streams, over [limits] max_streams = {}", probe.streams.size(), limits.max_streams);
  }
  const double duration = std::max(probe.duration_seconds, probe.main_video() ? probe.main_video()->duration_seconds : 0.0);
  if (duration > limits.max_duration_seconds) {
    return fmt::format("duration {:.0f} s, over [limits] max_duration_seconds = {:g}", duration,
                       limits.max_duration_seconds);
  }
  if (const media::VideoStreamInfo* video = probe.main_video()) {
    // The coded picture is what the decoder allocates; the display size is what the scalers make
    // (a crafted pixel aspect ratio can blow up a small coded picture).
    const auto check = [&](const char* what, int width, int height) -> std::optional<std::string> {
      const int64_t pixels = int64_t{width} * int64_t{height};
      if (pixels <= limits.max_frame_pixels) return std::nullopt;
      return fmt::format("{} frame of {}x{} ({} pixels), over [limits] max_frame_pixels = {}", what, width, height,
                         pixels, limits.max_frame_pixels);
    };
    if (auto why = check("coded", video->width, video->height)) return why;
    if (auto why = check("displayed", video->display_width, video->display_height)) return why;
  }
  return std::nullopt;
}

double time_budget_seconds(const Limits& limits, double duration_seconds) {
  return std::max(limits.time_budget_min_seconds, limits.time_budget_factor * std::max(0.0, duration_seconds));
}

uintmax_t bytes_written_since(const fs::path& folder, fs::file_time_type since) {
  uintmax_t total = 0;
  std::error_code ec;
  // Files come and go while the clip is written (temporaries renamed): skip what vanished.
  for (auto it = fs::recursive_directory_iterator(folder, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code entry_ec;
    if (!it->is_regular_file(entry_ec) || it->last_write_time(entry_ec) < since || entry_ec) continue;
    const uintmax_t size = it->file_size(entry_ec);
    if (!entry_ec) total += size;
  }
  return total;
}

int64_t default_max_memory_bytes(uint64_t physical_bytes, int clips_at_once) {
  constexpr int64_t mib = int64_t{1} << 20;
  const auto share = static_cast<int64_t>(physical_bytes / 4 * 3 / static_cast<uint64_t>(std::max(1, clips_at_once)));
  return std::max(int64_t{1} << 30, share / mib * mib);
}

uint64_t physical_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGESIZE);
  return pages > 0 && page_size > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size) : 0;
}

std::string memory_size_text(int64_t bytes) {
  constexpr int64_t mib = int64_t{1} << 20, gib = int64_t{1} << 30;
  const auto text = [](int64_t value, int64_t unit, const char* name) {
    return value % unit == 0 ? fmt::format("{} {}", value / unit, name)
                             : fmt::format("{:.1f} {}", static_cast<double>(value) / static_cast<double>(unit), name);
  };
  if (bytes >= gib) return text(bytes, gib, "GiB");
  if (bytes >= mib) return text(bytes, mib, "MiB");
  return fmt::format("{} bytes", bytes);
}

nlohmann::json to_json(const Limits& limits) {
  return {{"max_frame_pixels", limits.max_frame_pixels},
          {"max_duration_seconds", limits.max_duration_seconds},
          {"max_streams", limits.max_streams},
          {"max_output_bytes", limits.max_output_bytes},
          {"stall_seconds", limits.stall_seconds},
          {"time_budget_factor", limits.time_budget_factor},
          {"time_budget_min_seconds", limits.time_budget_min_seconds},
          {"max_memory_bytes", limits.max_memory_bytes}};
}

}  // namespace pressreel::batch
