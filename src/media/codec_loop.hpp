#pragma once
// The one send/receive/drain loop of libavcodec (as in FFmpeg's doc/examples/decode_video.c), shared
// by the video and the audio decoder. Nothing else calls avcodec_send_packet or avcodec_receive_frame.
// The codec sits behind a small port so that a test can script what a real decoder rarely does on
// demand (refuse a packet with EAGAIN while frames are still inside it).

#include <functional>

#include "pressreel/media/av_ptr.hpp"

namespace pressreel::media {

class CodecPort {
 public:
  virtual ~CodecPort() = default;
  virtual int send(const AVPacket* packet) = 0;  // as avcodec_send_packet
  virtual int receive(AVFrame* frame) = 0;       // as avcodec_receive_frame
};

// libavcodec's own decoder.
class LibavCodecPort final : public CodecPort {
 public:
  explicit LibavCodecPort(AVCodecContext* codec) : codec_(codec) {}
  int send(const AVPacket* packet) override { return avcodec_send_packet(codec_, packet); }
  int receive(AVFrame* frame) override { return avcodec_receive_frame(codec_, frame); }

 private:
  AVCodecContext* codec_;
};

// Where an error of the codec came from: the messages and limits are the decoders' own.
enum class CodecStep {
  send,     // the packet was refused
  receive,  // a frame failed to decode
  stuck,    // EAGAIN twice with nothing to drain: a decoder that takes no input and gives no output
};

struct CodecLoopCalls {
  // Takes a decoded frame; `frame` is unreferenced after the call (move its reference to keep it).
  std::function<void(AVFrame* frame)> on_frame;
  // Told of each error; may throw to give up, otherwise the loop goes on as ffmpeg does.
  std::function<void(int rc, CodecStep step)> on_error;
};

// Sends `packet` (nullptr drains the decoder at the end) and hands every frame the decoder then has
// ready to `calls.on_frame`, received into `frame`. A packet refused with EAGAIN (frames of earlier
// packets still inside) is resent once they are taken, never dropped.
void decode_packet(CodecPort& codec, const AVPacket* packet, AVFrame* frame, const CodecLoopCalls& calls);

}  // namespace pressreel::media
