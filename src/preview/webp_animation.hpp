#pragma once
// An animated WebP encoded in parts side by side, then joined: libwebp's animation encoder is serial
// (each frame is coded against the one before), and a teaser's WebP at 12 frames a second costs as
// much CPU as its MP4 at 25. Each part is an animation of its own that starts on a whole frame, as a
// cut does, so joining them frame by frame costs nothing a cut would not.
#include <cstdint>
#include <memory>
#include <opencv2/core/types.hpp>
#include <span>
#include <string>
#include <vector>

struct AVFrame;

namespace pressreel::preview {

struct WebpSettings {
  float quality = 60.0f;  // libwebp quality, 0-100 (lossy)
  int method = 2;         // libwebp method, 0 (fastest) - 6
};

// One part: pictures in, at their times in milliseconds from the part's start (the first at 0).
class WebpPart {
 public:
  WebpPart(cv::Size canvas, WebpSettings settings, std::string clip);
  ~WebpPart();
  WebpPart(WebpPart&&) noexcept;
  WebpPart& operator=(WebpPart&&) noexcept;

  // A YUV 4:2:0 picture of the canvas size, BT.601 limited range (as WebP decoders read it), shown
  // from `at_ms` until the next one. Times must increase. libwebp merges a picture identical to the
  // one before into it.
  void add(const AVFrame& picture, int64_t at_ms);

  // The part as a WebP file, its last picture shown until `end_ms` (after the last picture's time).
  // One picture makes a still WebP.
  std::vector<uint8_t> finish(int64_t end_ms);

 private:
  struct Encoder;
  std::unique_ptr<Encoder> encoder_;
  cv::Size canvas_;
  std::string clip_;
  int64_t pictures_ = 0, last_ms_ = -1;
};

// One looping animation of the parts' frames, in order. Part i lasts durations_ms[i]: its last frame
// is shown for what its others leave of that (a still part's one frame for all of it). A single
// still part is returned as it is (a still WebP has no duration).
std::vector<uint8_t> join_webp_parts(std::span<const std::vector<uint8_t>> parts, std::span<const int64_t> durations_ms,
                                     const std::string& clip);

}  // namespace pressreel::preview
