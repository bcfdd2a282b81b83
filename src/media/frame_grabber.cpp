#include "media/frame_grabber.hpp"

#include <cmath>
#include <optional>

#include "pressreel/media/error.hpp"

namespace pressreel::media {

namespace {

ReaderStreams video_alone(const ProbeResult& probe, VideoDecoderOptions decoder) {
  const VideoStreamInfo* info = probe.main_video();
  if (info == nullptr) throw MediaError(probe.path.string(), "seek", "no video stream");
  ReaderStreams streams;
  streams.video = info;
  streams.decoder = decoder;
  streams.stage = "seek";
  return streams;
}

}  // namespace

FrameGrabber::FrameGrabber(const ProbeResult& probe, VideoDecoderOptions decoder, const InputPolicy& input)
    : FrameGrabber(probe.main_video() != nullptr ? open_input(probe.path, input) : nullptr, probe, decoder, input) {}

FrameGrabber::FrameGrabber(FormatContextPtr opened, const ProbeResult& probe, VideoDecoderOptions decoder,
                           const InputPolicy& input)
    : FrameGrabber(std::move(opened), probe, decoder, input, nullptr) {}

FrameGrabber::FrameGrabber(FormatContextPtr opened, const ProbeResult& probe, VideoDecoderOptions decoder,
                           const InputPolicy& input, const FrameGrabber& same_clip)
    : FrameGrabber(std::move(opened), probe, decoder, input, &same_clip) {}

FrameGrabber::FrameGrabber(FormatContextPtr opened, const ProbeResult& probe, VideoDecoderOptions decoder,
                           const InputPolicy& input, const FrameGrabber* same_clip)
    : clip_(probe.path.string()), reader_(std::move(opened), clip_, video_alone(probe, decoder), input) {
  const VideoStreamInfo* info = probe.main_video();
  rate_ = info->average_frame_rate.valid() ? info->average_frame_rate : info->frame_rate;
  const double seconds = info->duration_seconds > 0 ? info->duration_seconds : probe.duration_seconds;
  duration_ = RationalTime::from_seconds(seconds, info->time_base);

  if (same_clip != nullptr) {
    origin_ = same_clip->origin_;
    reader_.video().set_origin(origin_);
    first_ = same_clip->first_;
    return;
  }
  // The first frame fixes the origin of every VideoFrame::time, as in the decode pass.
  for (bool more = true; reader_.video_frames().empty() && more;) more = reader_.decode_next();
  if (reader_.video_frames().empty()) {
    const std::string& why = reader_.video().last_error();
    throw MediaError(clip_, "seek",
                     why.empty() ? "no video frame could be decoded" : "no video frame could be decoded: " + why);
  }
  origin_ = reader_.video().origin();
  first_ = std::move(reader_.video_frames().front());
  reader_.video_frames().pop_front();
  first_.index = 0;
}

FrameGrabber::~FrameGrabber() = default;

int64_t FrameGrabber::index_at(RationalTime time) const {
  if (!rate_.valid()) return 0;
  return std::llround(time.seconds() * rate_.to_double());
}

void FrameGrabber::seek_before(RationalTime time) {
  const int64_t target = origin_.ticks() + std::max<int64_t>(0, time.rescaled(origin_.time_base()).ticks());
  if (reader_.seek_video(target, AVSEEK_FLAG_BACKWARD) < 0) {
    // Some demuxers cannot seek by timestamp backwards: from the start always works.
    check_av(reader_.seek_video(origin_.ticks(), AVSEEK_FLAG_BACKWARD | AVSEEK_FLAG_ANY), clip_, "seek",
             "to the start");
  }
}

std::optional<VideoFrame> FrameGrabber::keyframe_at(RationalTime time, int64_t unless_index) {
  seek_before(time);
  const AVRational time_base = origin_.time_base();
  std::deque<VideoFrame>& out = reader_.video_frames();
  // Demuxers that seek without an index may land between keyframes: their packets are only read.
  while (const AVPacket* packet = reader_.read()) {
    const bool key = packet->stream_index == reader_.video_index() && (packet->flags & AV_PKT_FLAG_KEY) != 0;
    const int64_t index = key && packet->pts != AV_NOPTS_VALUE
                              ? index_at(RationalTime(packet->pts - origin_.ticks(), time_base))
                              : -1;
    const bool seen = index >= 0 && index == unless_index;
    // The first keyframe was decoded at the open (a long first GOP puts the first probes on it).
    const bool first = index >= 0 && first_.picture && index == first_.index && packet->pts == first_.pts;
    if (seen) return std::nullopt;
    if (first) return first_;
    if (key) {
      reader_.decode(packet);
      // Draining hands the picture over now, instead of after the frames a reordering decoder
      // would wait for; the next seek's reset makes the decoder take packets again.
      reader_.decode(nullptr);
      break;
    }
  }
  if (out.empty()) return std::nullopt;
  VideoFrame frame = std::move(out.front());
  frame.index = index_at(frame.time);
  ++frames_decoded_;
  return frame;
}

void FrameGrabber::decode_from(RationalTime time, const Visitor& visit) {
  seek_before(time);
  std::deque<VideoFrame>& out = reader_.video_frames();
  for (bool more = true; more;) {
    more = reader_.decode_next();
    while (!out.empty()) {
      VideoFrame frame = std::move(out.front());
      out.pop_front();
      frame.index = index_at(frame.time);
      ++frames_decoded_;
      if (!visit(frame)) return;
    }
  }
}

VideoFrame FrameGrabber::frame_at(RationalTime time) {
  const RationalTime zero(0, time.time_base());
  RationalTime seek_to = time < zero ? zero : time;
  double back_off = 1.0;
  for (;;) {
    std::optional<VideoFrame> found, last;
    bool overshoot = false;
    decode_from(seek_to, [&](const VideoFrame& f) {
      if (!last && f.time > time) {  // the demuxer landed past the target: seek further back
        overshoot = true;
        found = f;
        return false;
      }
      if (f.time > time) {  // a gap in the timestamps: the frame on screen is the previous one
        found = last;
        return false;
      }
      if (time < f.time + f.duration) {
        found = f;
        return false;
      }
      last = f;
      return true;
    });
    if (!overshoot) {
      if (found) return std::move(*found);
      if (last) return std::move(*last);  // past the end: the last frame stays on screen
      // Nothing decoded at all: a demuxer without an index (MPEG-PS) can land past the last keyframe,
      // where every frame left needs one before it. Seek further back, as for an overshoot.
      if (seek_to <= zero) throw MediaError(clip_, "seek", "no frame at " + time.timecode());
    } else if (seek_to <= zero) {
      return std::move(*found);  // before the first frame: the first one
    }
    seek_to = RationalTime::from_seconds(std::max(0.0, seek_to.seconds() - back_off), time.time_base());
    back_off *= 2;
  }
}

}  // namespace pressreel::media
