// The one send/receive/drain loop both decoders use, driven by a scripted codec that behaves as
// libavcodec's internal buffering does: it refuses a packet with EAGAIN while frames of an earlier
// packet are still inside. A real audio decoder does that after a frame that failed to decode left
// the rest of its packet waiting, which no clip provokes on demand.
#include <gtest/gtest.h>

#include <deque>
#include <vector>

#include "media/codec_loop.hpp"

namespace {

using pressreel::media::CodecLoopCalls;
using pressreel::media::CodecPort;
using pressreel::media::CodecStep;

// Each packet (its pts numbers it) decodes to `frames_per_packet` frames, numbered packet * 10 + k;
// the frames listed in `broken` fail to decode.
class ScriptedCodec : public CodecPort {
 public:
  ScriptedCodec(int frames_per_packet, std::vector<int64_t> broken)
      : frames_per_packet_(frames_per_packet), broken_(std::move(broken)) {}

  int send(const AVPacket* packet) override {
    if (!inside_.empty()) return AVERROR(EAGAIN);  // drain first
    if (packet == nullptr) {
      draining_ = true;
      return 0;
    }
    for (int k = 0; k < frames_per_packet_; ++k) inside_.push_back(packet->pts * 10 + k);
    return 0;
  }
  int receive(AVFrame* frame) override {
    if (inside_.empty()) return draining_ ? AVERROR_EOF : AVERROR(EAGAIN);
    const int64_t number = inside_.front();
    inside_.pop_front();
    if (std::find(broken_.begin(), broken_.end(), number) != broken_.end()) return AVERROR_INVALIDDATA;
    frame->pts = number;
    return 0;
  }

 private:
  int frames_per_packet_;
  std::vector<int64_t> broken_;
  std::deque<int64_t> inside_;
  bool draining_ = false;
};

struct Decoded {
  std::vector<int64_t> frames;
  std::vector<CodecStep> errors;
  CodecLoopCalls calls() {
    return {[this](AVFrame* f) { frames.push_back(f->pts); },
            [this](int, CodecStep step) { errors.push_back(step); }};
  }
};

void decode_packets(CodecPort& codec, int packets, Decoded& decoded) {
  pressreel::media::PacketPtr packet = pressreel::media::make_packet();
  pressreel::media::FramePtr frame = pressreel::media::make_frame();
  for (int p = 0; p < packets; ++p) {
    packet->pts = p;
    pressreel::media::decode_packet(codec, packet.get(), frame.get(), decoded.calls());
  }
  pressreel::media::decode_packet(codec, nullptr, frame.get(), decoded.calls());
}

TEST(CodecLoop, APacketRefusedWhileFramesAreInsideIsResentNotDropped) {
  // Packet 1's second frame fails: the loop stops taking frames there, its third frame stays inside,
  // and the codec refuses packet 2 with EAGAIN until it is taken.
  ScriptedCodec codec(3, {11});
  Decoded decoded;
  decode_packets(codec, 4, decoded);
  EXPECT_EQ(decoded.frames, (std::vector<int64_t>{0, 1, 2, 10, 12, 20, 21, 22, 30, 31, 32}));
  EXPECT_EQ(decoded.errors, std::vector<CodecStep>{CodecStep::receive});
}

TEST(CodecLoop, DrainingGivesTheFramesStillInside) {
  ScriptedCodec codec(2, {});
  Decoded decoded;
  decode_packets(codec, 2, decoded);
  EXPECT_EQ(decoded.frames, (std::vector<int64_t>{0, 1, 10, 11}));
  EXPECT_TRUE(decoded.errors.empty());
}

// A codec that never takes a packet and never gives a frame.
class StuckCodec : public CodecPort {
 public:
  int send(const AVPacket*) override { return AVERROR(EAGAIN); }
  int receive(AVFrame*) override { return AVERROR(EAGAIN); }
};

TEST(CodecLoop, ACodecThatNeitherTakesNorGivesIsReportedInsteadOfSpinning) {
  StuckCodec codec;
  Decoded decoded;
  pressreel::media::PacketPtr packet = pressreel::media::make_packet();
  pressreel::media::FramePtr frame = pressreel::media::make_frame();
  pressreel::media::decode_packet(codec, packet.get(), frame.get(), decoded.calls());
  EXPECT_EQ(decoded.errors, std::vector<CodecStep>{CodecStep::stuck});
}

// A packet the codec rejects outright is reported as such, and the next one decodes.
class RejectingCodec : public ScriptedCodec {
 public:
  RejectingCodec() : ScriptedCodec(1, {}) {}
  int send(const AVPacket* packet) override {
    return packet != nullptr && packet->pts == 1 ? AVERROR_INVALIDDATA : ScriptedCodec::send(packet);
  }
};

TEST(CodecLoop, ARejectedPacketIsReportedAndTheNextOneDecodes) {
  RejectingCodec codec;
  Decoded decoded;
  decode_packets(codec, 3, decoded);
  EXPECT_EQ(decoded.frames, (std::vector<int64_t>{0, 20}));
  EXPECT_EQ(decoded.errors, std::vector<CodecStep>{CodecStep::send});
}

}  // namespace
