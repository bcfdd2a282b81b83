#pragma once
// Video decoding: libavcodec frame threads, presentation order, exact timestamps, and a filter
// chain (deinterlace, rotate upright, HDR tone-map) applied before any consumer sees a frame.

#include <deque>
#include <optional>
#include <string>

#include "pressreel/media/av_ptr.hpp"
#include "pressreel/media/frame.hpp"
#include "pressreel/media/probe.hpp"

namespace pressreel::media {

struct VideoDecoderOptions {
  int threads = 0;          // libavcodec threads; 0 = one per core
  bool deinterlace = true;  // bwdif on frames flagged interlaced
  bool autorotate = true;   // apply the display matrix to the pixels
  bool tone_map = true;     // PQ/HLG to BT.709 SDR
  // > 0: the pictures are only measured, at this analysis width (analysis_size), never shown or
  // encoded (`pressreel scenes`). The decoder then skips deblocking on pictures no other refers to
  // (so no error adds up) and, where the codec can (MPEG-1/2/4, H.263, MJPEG; not H.264, HEVC, VP9,
  // AV1), decodes at 1/2, 1/4 or 1/8 size while the picture stays at least twice the analysis size,
  // so each analysed pixel still averages decoded ones. Frames, indices and times are the same; only
  // the pixels are rougher.
  int analysis_only_width = 0;
};

// `info` as a decoder with `options` delivers it: without autorotate the pictures keep the stored
// orientation, so the upright size a consumer plans for is the unturned one; a reduced-size decode
// (analysis_only_width) shrinks every size.
VideoStreamInfo as_delivered(const VideoStreamInfo& info, const VideoDecoderOptions& options);

class VideoDecoder {
 public:
  VideoDecoder(const AVStream* stream, const VideoStreamInfo& info, std::string clip, VideoDecoderOptions options = {});
  VideoDecoder(const VideoDecoder&) = delete;
  VideoDecoder& operator=(const VideoDecoder&) = delete;

  // Decodes one packet of the stream (nullptr drains at end of file); finished frames are appended
  // to `out` in presentation order. Corrupt packets are counted and skipped, as ffmpeg does.
  void decode(const AVPacket* packet, std::deque<VideoFrame>& out);
  // While on, frames that no other frame refers to (most B-frames) are not decoded: for the run-up
  // from a keyframe to where a seek meant to land, whose frames are decoded only to be dropped.
  // Applies to the packets given after the call.
  void skip_unreferenced(bool skip);
  // Forgets buffered frames after a seek; the next frame's index is `next_index`.
  void reset(int64_t next_index);

  int64_t frames_decoded() const { return next_index_; }
  // PTS of the first frame, the origin of every VideoFrame::time (AV_NOPTS_VALUE before it).
  RationalTime origin() const { return {first_pts_ == AV_NOPTS_VALUE ? 0 : first_pts_, time_base_}; }
  // A decoder reading the same clip as another, from a seek, takes the origin that one found
  // instead of decoding the clip's first frame itself.
  void set_origin(RationalTime origin) { first_pts_ = origin.rescaled(time_base_).ticks(); }
  int64_t corrupt_packets() const { return corrupt_packets_; }
  // The filter chain in use ("" when frames pass straight through), for the manifest.
  const std::string& filter_chain() const { return filter_chain_; }
  const std::string& last_error() const { return last_error_; }

 private:
  void take_decoded(AVFrame* decoded, std::deque<VideoFrame>& out);
  void filter(AVFrame* decoded, std::deque<VideoFrame>& out);
  void build_filter_graph(const AVFrame* first);
  void emit(FramePtr frame, std::deque<VideoFrame>& out);
  void release_pending(int64_t next_pts, std::deque<VideoFrame>& out);

  std::string clip_;
  VideoDecoderOptions options_;
  const VideoStreamInfo info_;
  AVRational time_base_;
  CodecContextPtr codec_;
  FilterGraphPtr graph_;
  AVFilterContext* source_ = nullptr;  // owned by graph_
  AVFilterContext* sink_ = nullptr;    // owned by graph_
  bool graph_checked_ = false;
  std::string filter_chain_;
  FramePtr decoded_ = make_frame();  // where the codec loop receives each frame
  int64_t next_index_ = 0;
  int64_t first_pts_ = AV_NOPTS_VALUE;
  int64_t last_pts_ = AV_NOPTS_VALUE;
  int64_t nominal_duration_ = 1;  // in time_base_ ticks
  int64_t last_interval_ = 0;     // between the two latest frames
  int64_t corrupt_packets_ = 0;
  // One frame of lookahead: a frame's duration is known when the next one arrives (exact for VFR).
  std::optional<VideoFrame> pending_;
  std::string last_error_;
};

}  // namespace pressreel::media
