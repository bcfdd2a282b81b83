#include "media/codec_loop.hpp"

namespace pressreel::media {
namespace {

// Takes every frame the decoder has ready; returns how many it gave, a failed one included (the
// decoder moved past it, so a refused packet may now fit).
size_t receive_ready(CodecPort& codec, AVFrame* frame, const CodecLoopCalls& calls) {
  size_t given = 0;
  for (;;) {
    const int rc = codec.receive(frame);
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return given;
    if (rc < 0) {
      calls.on_error(rc, CodecStep::receive);
      return given + 1;
    }
    calls.on_frame(frame);
    av_frame_unref(frame);
    ++given;
  }
}

}  // namespace

void decode_packet(CodecPort& codec, const AVPacket* packet, AVFrame* frame, const CodecLoopCalls& calls) {
  bool stuck_before = false;
  for (;;) {
    const int rc = codec.send(packet);
    if (rc == AVERROR(EAGAIN)) {
      if (receive_ready(codec, frame, calls) > 0) {
        stuck_before = false;
        continue;
      }
      // Nothing came out, yet the decoder may have taken in what it held (frame threads): one more
      // try, then the packet is given up rather than spinning forever.
      if (!stuck_before) {
        stuck_before = true;
        continue;
      }
      calls.on_error(rc, CodecStep::stuck);
      break;
    }
    if (rc < 0 && rc != AVERROR_EOF) calls.on_error(rc, CodecStep::send);
    break;
  }
  receive_ready(codec, frame, calls);
}

}  // namespace pressreel::media
