#pragma once
// The consumers of the single decode pass. Scene detection, stills, storyboard and encoders each
// subscribe as a FrameSink; none of them decodes anything itself.

#include <any>
#include <string_view>

#include "pressreel/media/frame.hpp"
#include "pressreel/media/probe.hpp"

namespace pressreel::media {

struct DecodeSummary {
  int64_t frames = 0;             // video frames delivered
  int64_t corrupt_packets = 0;    // skipped by the decoder
  RationalTime duration;          // last frame's time + its duration
  double decode_seconds = 0;      // wall time of the pass
  std::string filter_chain;       // deinterlace/rotate/tone-map chain applied ("" = none)
  std::string audio_error;        // why audio stopped being delivered, if it did
};

class FrameSink {
 public:
  virtual ~FrameSink() = default;
  virtual std::string_view name() const = 0;

  // Before the first frame. `video` is the stream being decoded; frames arrive upright.
  virtual void on_start(const ProbeResult& /*probe*/, const VideoStreamInfo& /*video*/) {}
  // Parallel stage: called concurrently for different frames and out of order. Do the per-frame work
  // that needs no sink state (scaling, features) here and return it; must be thread-safe.
  virtual std::any prepare(const VideoFrame& /*frame*/) { return {}; }
  // Serial stage: every frame exactly once, in presentation order, with what prepare returned.
  virtual void on_frame(const VideoFrame& frame, std::any& prepared) = 0;
  // Audio of the main audio stream, in decode order, interleaved with video by time.
  virtual bool wants_audio() const { return false; }
  virtual void on_audio(const AudioFrame& /*audio*/) {}
  // After the last frame (not called when the pass fails).
  virtual void on_end(const DecodeSummary& /*summary*/) {}
};

}  // namespace pressreel::media
