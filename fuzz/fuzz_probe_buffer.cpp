// Probing untrusted bytes from memory: any input either probes (and serialises as `pressreel probe
// --json` prints it) or is refused with a MediaError naming the input and the stage.
#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>

#include "pressreel/media/error.hpp"
#include "pressreel/media/probe_buffer.hpp"

extern "C" {
#include <libavutil/log.h>
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  av_log_set_level(AV_LOG_QUIET);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const pressreel::media::ProbeResult result = pressreel::media::probe_buffer(std::span(data, size), "fuzz-input");
    (void)pressreel::media::to_json(result).dump();
    (void)pressreel::media::to_text(result);
  } catch (const pressreel::media::MediaError&) {
  }
  return 0;
}
