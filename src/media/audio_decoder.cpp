#include "media/audio_decoder.hpp"

#include <fmt/format.h>

#include "pressreel/media/error.hpp"

namespace pressreel::media {

AudioDecoder::AudioDecoder(const AVStream* stream, std::string clip, RationalTime origin)
    : clip_(std::move(clip)), time_base_(stream->time_base), origin_(origin) {
  const AVCodec* codec = avcodec_find_decoder(stream->codecpar->codec_id);
  if (codec == nullptr) {
    throw MediaError(clip_, "audio", fmt::format("no decoder for codec '{}'", avcodec_get_name(stream->codecpar->codec_id)));
  }
  codec_.reset(avcodec_alloc_context3(codec));
  if (!codec_) throw std::bad_alloc();
  check_av(avcodec_parameters_to_context(codec_.get(), stream->codecpar), clip_, "audio");
  codec_->pkt_timebase = stream->time_base;
  check_av(avcodec_open2(codec_.get(), codec, nullptr), clip_, "audio", "opening the decoder");
}

void AudioDecoder::decode(const AVPacket* packet, std::deque<AudioFrame>& out) {
  // As the video decoder does: a packet the decoder cannot take yet (EAGAIN: frames of an earlier
  // packet are still inside, e.g. after a frame that failed to decode) is resent once they are
  // drained, never dropped.
  for (;;) {
    const int rc = avcodec_send_packet(codec_.get(), packet);
    if (rc == AVERROR(EAGAIN)) {
      if (receive_decoded(out) == 0) count_error(rc, "a decoder that takes no input and gives no output");
      continue;
    }
    if (rc < 0 && rc != AVERROR_EOF) count_error(rc, "too many undecodable packets");
    break;
  }
  receive_decoded(out);
}

// A few bad packets or frames are skipped as ffmpeg does; a stream that keeps failing is given up.
void AudioDecoder::count_error(int rc, const char* why) {
  constexpr int max_errors = 50;
  if (++errors_ > max_errors) check_av(rc, clip_, "audio", why);
}

size_t AudioDecoder::receive_decoded(std::deque<AudioFrame>& out) {
  size_t received = 0;
  for (;;) {
    FramePtr frame = make_frame();
    const int rc = avcodec_receive_frame(codec_.get(), frame.get());
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return received;
    if (rc < 0) {
      count_error(rc, "too many undecodable frames");
      return received + 1;  // the decoder moved on: a resend may now fit
    }
    int64_t pts = frame->best_effort_timestamp;
    if (pts == AV_NOPTS_VALUE) pts = next_pts_;
    next_pts_ = pts + av_rescale_q(frame->nb_samples, AVRational{1, frame->sample_rate}, time_base_);
    AudioFrame a;
    a.time = RationalTime(pts, time_base_) - origin_;
    a.samples = share_frame(std::move(frame));
    out.push_back(std::move(a));
    ++received;
  }
}

}  // namespace pressreel::media
