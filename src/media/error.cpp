#include "pressreel/media/error.hpp"

#include <fmt/format.h>

extern "C" {
#include <libavutil/error.h>
}

namespace pressreel::media {

std::string av_error_string(int errnum) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(errnum, buf, sizeof buf);
  return buf;
}

MediaError::MediaError(std::string clip, std::string stage, std::string cause)
    : std::runtime_error(fmt::format("{}: {}: {}", clip, stage, cause)),
      clip_(std::move(clip)),
      stage_(std::move(stage)),
      cause_(std::move(cause)) {}

int check_av(int errnum, const std::string& clip, const std::string& stage, const std::string& what) {
  if (errnum >= 0) return errnum;
  auto cause = what.empty() ? av_error_string(errnum) : fmt::format("{}: {}", what, av_error_string(errnum));
  throw MediaError(clip, stage, std::move(cause));
}

}  // namespace pressreel::media
