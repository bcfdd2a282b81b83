#include "pressreel/media/logging.hpp"

#include <spdlog/spdlog.h>

#include <cstdarg>
#include <cstdio>
#include <string>

extern "C" {
#include <libavutil/log.h>
}

namespace pressreel::media {
namespace {

void forward(void* avcl, int level, const char* fmt, va_list args) {
  if (level > AV_LOG_VERBOSE || !spdlog::should_log(spdlog::level::debug)) return;
  char line[1024];
  int print_prefix = 1;
  av_log_format_line2(avcl, level, fmt, args, line, sizeof line, &print_prefix);
  std::string text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (!text.empty()) spdlog::debug("libav: {}", text);
}

}  // namespace

void route_libav_logs_to_spdlog() { av_log_set_callback(&forward); }

}  // namespace pressreel::media
