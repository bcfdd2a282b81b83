#pragma once
// Every libav object lives in a std::unique_ptr with its deleter from birth: no naked free on any path.

#include <memory>
#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavformat/avformat.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

namespace pressreel::media {

struct FormatContextDeleter {
  void operator()(AVFormatContext* ctx) const { avformat_close_input(&ctx); }
};
struct OutputFormatContextDeleter {
  void operator()(AVFormatContext* ctx) const;  // closes the pb it opened, then frees
};
struct CodecContextDeleter {
  void operator()(AVCodecContext* ctx) const { avcodec_free_context(&ctx); }
};
struct FrameDeleter {
  void operator()(AVFrame* frame) const { av_frame_free(&frame); }
};
struct PacketDeleter {
  void operator()(AVPacket* packet) const { av_packet_free(&packet); }
};
struct FilterGraphDeleter {
  void operator()(AVFilterGraph* graph) const { avfilter_graph_free(&graph); }
};
struct SwsContextDeleter {
  void operator()(SwsContext* ctx) const { sws_freeContext(ctx); }
};
struct SwrContextDeleter {
  void operator()(SwrContext* ctx) const { swr_free(&ctx); }
};
struct DictionaryDeleter {
  void operator()(AVDictionary* dict) const { av_dict_free(&dict); }
};
struct AvFreeDeleter {
  void operator()(void* p) const { av_free(p); }
};

using FormatContextPtr = std::unique_ptr<AVFormatContext, FormatContextDeleter>;
using OutputFormatContextPtr = std::unique_ptr<AVFormatContext, OutputFormatContextDeleter>;
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using FilterGraphPtr = std::unique_ptr<AVFilterGraph, FilterGraphDeleter>;
using SwsContextPtr = std::unique_ptr<SwsContext, SwsContextDeleter>;
using SwrContextPtr = std::unique_ptr<SwrContext, SwrContextDeleter>;

// Allocators that throw on failure, so a constructed pointer is always usable.
FramePtr make_frame();
PacketPtr make_packet();
// A new reference to the same frame buffers (cheap: refcounted).
FramePtr ref_frame(const AVFrame* src);
// An audio frame of `samples` samples in this format, rate and channel layout, its buffers allocated
// and their contents unset. A MediaError names the clip and stage when libav refuses the format.
FramePtr make_audio_frame(AVSampleFormat format, int rate, const AVChannelLayout& layout, int samples,
                          const std::string& clip, const std::string& stage);
// The same, holding silence (the format's own: 0x80 for unsigned 8-bit samples).
FramePtr make_silence(AVSampleFormat format, int rate, const AVChannelLayout& layout, int samples,
                      const std::string& clip, const std::string& stage);
// Hands a frame to shared, read-only ownership (several consumers of one decoded picture).
std::shared_ptr<const AVFrame> share_frame(FramePtr frame);

}  // namespace pressreel::media
