#pragma once
// Errors carry the clip, the stage and the cause: "clips/x.mp4: decode: Invalid data found ...".

#include <stdexcept>
#include <string>

namespace pressreel::media {

// av_strerror as a std::string.
std::string av_error_string(int errnum);

class MediaError : public std::runtime_error {
 public:
  MediaError(std::string clip, std::string stage, std::string cause);
  const std::string& clip() const { return clip_; }
  const std::string& stage() const { return stage_; }
  const std::string& cause() const { return cause_; }

 private:
  std::string clip_, stage_, cause_;
};

// Throws MediaError when errnum < 0; returns errnum otherwise.
int check_av(int errnum, const std::string& clip, const std::string& stage, const std::string& what = {});

}  // namespace pressreel::media
