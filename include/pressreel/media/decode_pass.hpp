#pragma once
// The one decode pass of a clip: demux and decode in order, prepare per consumer in parallel,
// deliver to every consumer in order. A oneTBB parallel_pipeline with a bounded number of tokens,
// so memory stays bounded whatever the clip length.

#include <atomic>
#include <functional>
#include <span>

#include "pressreel/media/decoder.hpp"
#include "pressreel/media/frame_sink.hpp"

namespace pressreel::media {

struct DecodePassOptions {
  VideoDecoderOptions decoder;
  InputPolicy input;
  size_t max_frames_in_flight = 0;  // 0 = twice the cores, plus two
  // Called from the in-order stage after each delivered video frame (progress display).
  std::function<void(const VideoFrame&)> on_progress;
};

// Decodes `probe`'s main video stream (and, when a sink wants it, the main audio stream) once and
// feeds every sink. Throws MediaError naming the clip and stage when the clip cannot be decoded.
DecodeSummary run_decode_pass(const ProbeResult& probe, std::span<FrameSink* const> sinks,
                              const DecodePassOptions& options = {});

}  // namespace pressreel::media
