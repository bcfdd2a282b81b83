#include "pressreel/media/av_ptr.hpp"

#include <new>

namespace pressreel::media {

void OutputFormatContextDeleter::operator()(AVFormatContext* ctx) const {
  if (ctx == nullptr) return;
  if (ctx->oformat != nullptr && !(ctx->oformat->flags & AVFMT_NOFILE)) avio_closep(&ctx->pb);
  avformat_free_context(ctx);
}

FramePtr make_frame() {
  FramePtr frame(av_frame_alloc());
  if (!frame) throw std::bad_alloc();
  return frame;
}

PacketPtr make_packet() {
  PacketPtr packet(av_packet_alloc());
  if (!packet) throw std::bad_alloc();
  return packet;
}

FramePtr ref_frame(const AVFrame* src) {
  FramePtr frame(av_frame_clone(src));
  if (!frame) throw std::bad_alloc();
  return frame;
}

std::shared_ptr<const AVFrame> share_frame(FramePtr frame) {
  return {frame.release(), [](const AVFrame* f) {
            AVFrame* p = const_cast<AVFrame*>(f);
            av_frame_free(&p);
          }};
}

}  // namespace pressreel::media
