#pragma once
// A decoded picture as every consumer of the decode pass sees it.

#include <cstdint>
#include <memory>

#include "pressreel/media/av_ptr.hpp"
#include "pressreel/media/time.hpp"

namespace pressreel::media {

struct VideoFrame {
  int64_t index = 0;          // 0-based, in presentation order
  RationalTime time;          // presentation time from the clip's first frame
  int64_t pts = 0;            // raw PTS in the stream time base
  RationalTime duration;      // until the next frame (nominal for the last one)
  // Upright and progressive (rotation and deinterlacing already applied). Shared read-only by all
  // consumers; refcounted, so holding it keeps the decoder's buffer alive: keep scaled copies instead.
  std::shared_ptr<const AVFrame> picture;
};

struct AudioFrame {
  RationalTime time;  // presentation time from the clip's first video frame (may be negative)
  std::shared_ptr<const AVFrame> samples;  // as decoded: native format, rate and layout
};

}  // namespace pressreel::media
