#include "pressreel/media/decoder.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <thread>
#include <utility>
#include <vector>

extern "C" {
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/opt.h>
}

#include "pressreel/media/error.hpp"
#include "pressreel/media/scaler.hpp"
#include "media/codec_loop.hpp"
#include "media/stored_code.hpp"

namespace pressreel::media {
namespace {

bool is_interlaced(const VideoStreamInfo& info, const AVFrame* frame) {
  return info.interlaced || frame->interlaced_frame != 0;
}

// How many times the decoder halves the picture each way (libavcodec's lowres) for frames that are only
// measured: as often as the codec can while the picture, as delivered, stays at least twice its
// analysis size both ways. `delivered`: the full-size picture as the consumers get it.
int reduction_steps(const AVCodec* codec, const VideoStreamInfo& delivered, const VideoDecoderOptions& options) {
  if (options.analysis_only_width <= 0 || codec == nullptr) return 0;
  const cv::Size full(delivered.display_width, delivered.display_height);
  const cv::Size analysed = analysis_size(full, options.analysis_only_width, false);
  int steps = 0;
  while (steps < codec->max_lowres && (full.width >> (steps + 1)) >= 2 * analysed.width &&
         (full.height >> (steps + 1)) >= 2 * analysed.height) {
    ++steps;
  }
  return steps;
}

VideoStreamInfo turned(const VideoStreamInfo& info, const VideoDecoderOptions& options) {
  VideoStreamInfo delivered = info;
  if (!options.autorotate && info.rotation % 180 != 0) std::swap(delivered.display_width, delivered.display_height);
  return delivered;
}

}  // namespace

VideoStreamInfo as_delivered(const VideoStreamInfo& info, const VideoDecoderOptions& options) {
  VideoStreamInfo delivered = turned(info, options);
  const AVCodecDescriptor* descriptor = avcodec_descriptor_get_by_name(info.codec.c_str());
  const int steps = reduction_steps(descriptor != nullptr ? avcodec_find_decoder(descriptor->id) : nullptr, delivered, options);
  for (int* side : {&delivered.width, &delivered.height, &delivered.display_width, &delivered.display_height}) {
    *side = AV_CEIL_RSHIFT(*side, steps);  // as libavcodec sizes a reduced picture
  }
  return delivered;
}

VideoDecoder::VideoDecoder(const AVStream* stream, const VideoStreamInfo& info, std::string clip,
                           VideoDecoderOptions options)
    : clip_(std::move(clip)), options_(options), info_(info), time_base_(stream->time_base) {
  const AVCodec* codec = avcodec_find_decoder(stream->codecpar->codec_id);
  if (codec == nullptr) {
    throw MediaError(clip_, "decode", fmt::format("no decoder for codec '{}'", avcodec_get_name(stream->codecpar->codec_id)));
  }
  codec_.reset(avcodec_alloc_context3(codec));
  if (!codec_) throw std::bad_alloc();
  check_av(avcodec_parameters_to_context(codec_.get(), stream->codecpar), clip_, "decode");
  codec_->pkt_timebase = stream->time_base;
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  codec_->thread_count = options_.threads > 0 ? options_.threads : cores;
  codec_->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
  if (options_.analysis_only_width > 0) {
    // Deblocking only makes pictures look better. It is skipped on pictures no other refers to: on all
    // of them, the errors would add up over a GOP into a drift of brightness that the fade and
    // dissolve detectors took for a transition (a cut of the bench clip came 14 frames late).
    codec_->skip_loop_filter = AVDISCARD_NONREF;
    codec_->lowres = reduction_steps(codec, turned(info_, options_), options_);
    if (codec_->lowres > 0) spdlog::debug("{}: decoding at 1/{} size, for analysis only", clip_, 1 << codec_->lowres);
  }
  check_av(avcodec_open2(codec_.get(), codec, nullptr), clip_, "decode", "opening the decoder");
  AVRational rate = stream->avg_frame_rate.num > 0 ? stream->avg_frame_rate : stream->r_frame_rate;
  if (rate.num > 0 && rate.den > 0) nominal_duration_ = std::max<int64_t>(1, av_rescale_q(1, av_inv_q(rate), time_base_));
}

void VideoDecoder::decode(const AVPacket* packet, std::deque<VideoFrame>& out) {
  LibavCodecPort codec(codec_.get());
  decode_packet(codec, packet, decoded_.get(),
                {[&](AVFrame* decoded) { take_decoded(decoded, out); },
                 [&](int rc, CodecStep) {
                   if (rc == AVERROR(ENOMEM)) check_av(rc, clip_, "decode");
                   ++corrupt_packets_;
                   last_error_ = av_error_string(rc);
                 }});
  if (packet == nullptr) {
    if (graph_) {
      check_av(av_buffersrc_add_frame_flags(source_, nullptr, 0), clip_, "decode", "flushing filters");
      filter(nullptr, out);
    }
    release_pending(AV_NOPTS_VALUE, out);
  }
}

void VideoDecoder::skip_unreferenced(bool skip) { codec_->skip_frame = skip ? AVDISCARD_NONREF : AVDISCARD_DEFAULT; }

void VideoDecoder::reset(int64_t next_index) {
  avcodec_flush_buffers(codec_.get());
  graph_.reset();  // bwdif keeps neighbouring fields: rebuild on the next frame
  source_ = sink_ = nullptr;
  graph_checked_ = false;
  pending_.reset();
  next_index_ = next_index;
  last_pts_ = AV_NOPTS_VALUE;
  last_interval_ = 0;
}

void VideoDecoder::take_decoded(AVFrame* decoded, std::deque<VideoFrame>& out) {
  decoded->pts = decoded->best_effort_timestamp;
  if (!graph_checked_) build_filter_graph(decoded);
  if (graph_) {
    filter(decoded, out);
  } else {
    emit(ref_frame(decoded), out);
  }
}

void VideoDecoder::build_filter_graph(const AVFrame* first) {
  graph_checked_ = true;
  std::vector<std::string> steps;
  if (options_.deinterlace && is_interlaced(info_, first)) steps.emplace_back("bwdif=mode=send_frame:parity=auto:deint=interlaced");
  const int transfer = stored_code(first->color_trc);
  if (options_.tone_map && (transfer == AVCOL_TRC_SMPTE2084 || transfer == AVCOL_TRC_ARIB_STD_B67)) {
    steps.emplace_back(
        "zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=hable:desat=0,"
        "zscale=t=bt709:m=bt709:r=tv,format=yuv420p");
  }
  if (options_.autorotate) {
    if (info_.rotation == 90) steps.emplace_back("transpose=clock");
    if (info_.rotation == 180) steps.emplace_back("hflip,vflip");
    if (info_.rotation == 270) steps.emplace_back("transpose=cclock");
  }
  if (steps.empty()) return;
  filter_chain_ = fmt::format("{}", fmt::join(steps, ","));

  graph_.reset(avfilter_graph_alloc());
  if (!graph_) throw std::bad_alloc();
  graph_->nb_threads = 1;  // the decode pass already keeps the cores busy
  AVRational sar = first->sample_aspect_ratio.num > 0 ? first->sample_aspect_ratio : AVRational{1, 1};
  const std::string args = fmt::format("video_size={}x{}:pix_fmt={}:time_base={}/{}:pixel_aspect={}/{}", first->width,
                                       first->height, first->format, time_base_.num, time_base_.den, sar.num, sar.den);
  check_av(avfilter_graph_create_filter(&source_, avfilter_get_by_name("buffer"), "in", args.c_str(), nullptr,
                                        graph_.get()),
           clip_, "decode", "filter source");
  check_av(avfilter_graph_create_filter(&sink_, avfilter_get_by_name("buffersink"), "out", nullptr, nullptr,
                                        graph_.get()),
           clip_, "decode", "filter sink");
  AVFilterInOut* outputs = avfilter_inout_alloc();
  AVFilterInOut* inputs = avfilter_inout_alloc();
  outputs->name = av_strdup("in");
  outputs->filter_ctx = source_;
  inputs->name = av_strdup("out");
  inputs->filter_ctx = sink_;
  const int rc = avfilter_graph_parse_ptr(graph_.get(), filter_chain_.c_str(), &inputs, &outputs, nullptr);
  avfilter_inout_free(&inputs);
  avfilter_inout_free(&outputs);
  check_av(rc, clip_, "decode", "filter chain '" + filter_chain_ + "'");
  check_av(avfilter_graph_config(graph_.get(), nullptr), clip_, "decode", "filter chain '" + filter_chain_ + "'");
}

void VideoDecoder::filter(AVFrame* decoded, std::deque<VideoFrame>& out) {
  if (decoded != nullptr) {
    check_av(av_buffersrc_add_frame_flags(source_, decoded, AV_BUFFERSRC_FLAG_KEEP_REF), clip_, "decode", "filter input");
  }
  for (;;) {
    FramePtr filtered = make_frame();
    const int rc = av_buffersink_get_frame(sink_, filtered.get());
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return;
    check_av(rc, clip_, "decode", "filter output");
    // Filters may change the time base (bwdif halves it): bring timing back to the stream's.
    const AVRational filtered_tb = av_buffersink_get_time_base(sink_);
    if (filtered->pts != AV_NOPTS_VALUE) filtered->pts = av_rescale_q(filtered->pts, filtered_tb, time_base_);
    emit(std::move(filtered), out);
  }
}

void VideoDecoder::emit(FramePtr frame, std::deque<VideoFrame>& out) {
  int64_t pts = frame->pts;
  // Missing or non-increasing timestamps (broken streams): continue from the previous frame.
  if (pts == AV_NOPTS_VALUE || (last_pts_ != AV_NOPTS_VALUE && pts <= last_pts_)) {
    pts = last_pts_ == AV_NOPTS_VALUE ? 0 : last_pts_ + nominal_duration_;
  }
  if (first_pts_ == AV_NOPTS_VALUE) first_pts_ = pts;
  release_pending(pts, out);
  last_pts_ = pts;
  VideoFrame f;
  f.index = next_index_++;
  f.pts = pts;
  f.time = RationalTime(pts - first_pts_, time_base_);
  f.duration = RationalTime(nominal_duration_, time_base_);
  f.picture = share_frame(std::move(frame));
  pending_ = std::move(f);
}

void VideoDecoder::release_pending(int64_t next_pts, std::deque<VideoFrame>& out) {
  if (!pending_) return;
  if (next_pts != AV_NOPTS_VALUE) {
    pending_->duration = RationalTime(next_pts - pending_->pts, time_base_);
    last_interval_ = next_pts - pending_->pts;
  } else if (last_interval_ > 0) {
    // The last frame lasts as long as the one before it (the container's nominal rate can lie).
    pending_->duration = RationalTime(last_interval_, time_base_);
  }
  out.push_back(std::move(*pending_));
  pending_.reset();
}

}  // namespace pressreel::media
