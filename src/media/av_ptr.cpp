#include "pressreel/media/av_ptr.hpp"

#include <new>

#include "pressreel/media/error.hpp"

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

FramePtr make_audio_frame(AVSampleFormat format, int rate, const AVChannelLayout& layout, int samples,
                          const std::string& clip, const std::string& stage) {
  FramePtr frame = make_frame();
  frame->format = format;
  frame->sample_rate = rate;
  check_av(av_channel_layout_copy(&frame->ch_layout, &layout), clip, stage, "audio frame");
  frame->nb_samples = samples;
  check_av(av_frame_get_buffer(frame.get(), 0), clip, stage, "audio frame");
  return frame;
}

FramePtr make_silence(AVSampleFormat format, int rate, const AVChannelLayout& layout, int samples,
                      const std::string& clip, const std::string& stage) {
  FramePtr frame = make_audio_frame(format, rate, layout, samples, clip, stage);
  check_av(av_samples_set_silence(frame->extended_data, 0, samples, layout.nb_channels, format), clip, stage, "silence");
  return frame;
}

std::shared_ptr<const AVFrame> share_frame(FramePtr frame) {
  return {frame.release(), [](const AVFrame* f) {
            AVFrame* p = const_cast<AVFrame*>(f);
            av_frame_free(&p);
          }};
}

}  // namespace pressreel::media
