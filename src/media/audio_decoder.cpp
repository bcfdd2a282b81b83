#include "media/audio_decoder.hpp"

#include <fmt/format.h>

#include "media/codec_loop.hpp"
#include "pressreel/media/error.hpp"

namespace pressreel::media {

AudioDecoder::AudioDecoder(const AVStream* stream, std::string clip, RationalTime origin)
    : AudioDecoder(*stream->codecpar, stream->time_base, std::move(clip), origin) {}

AudioDecoder::AudioDecoder(const AVCodecParameters& parameters, AVRational time_base, std::string clip,
                           RationalTime origin)
    : clip_(std::move(clip)), time_base_(time_base), origin_(origin) {
  const AVCodec* codec = avcodec_find_decoder(parameters.codec_id);
  if (codec == nullptr) {
    throw MediaError(clip_, "audio", fmt::format("no decoder for codec '{}'", avcodec_get_name(parameters.codec_id)));
  }
  codec_.reset(avcodec_alloc_context3(codec));
  if (!codec_) throw std::bad_alloc();
  check_av(avcodec_parameters_to_context(codec_.get(), &parameters), clip_, "audio");
  codec_->pkt_timebase = time_base;
  check_av(avcodec_open2(codec_.get(), codec, nullptr), clip_, "audio", "opening the decoder");
}

void AudioDecoder::decode(const AVPacket* packet, std::deque<AudioFrame>& out) {
  LibavCodecPort codec(codec_.get());
  decode_packet(codec, packet, received_.get(),
                {[&](AVFrame* received) { take_decoded(received, out); },
                 [&](int rc, CodecStep step) {
                   count_error(rc, step == CodecStep::send      ? "too many undecodable packets"
                                   : step == CodecStep::receive ? "too many undecodable frames"
                                                                : "a decoder that takes no input and gives no output");
                 }});
}

// A few bad packets or frames are skipped as ffmpeg does; a stream that keeps failing is given up.
void AudioDecoder::count_error(int rc, const char* why) {
  constexpr int max_errors = 50;
  if (++errors_ > max_errors) check_av(rc, clip_, "audio", why);
}

void AudioDecoder::take_decoded(AVFrame* received, std::deque<AudioFrame>& out) {
  FramePtr frame = make_frame();
  av_frame_move_ref(frame.get(), received);
  int64_t pts = frame->best_effort_timestamp;
  if (pts == AV_NOPTS_VALUE) pts = next_pts_;
  next_pts_ = pts + av_rescale_q(frame->nb_samples, AVRational{1, frame->sample_rate}, time_base_);
  AudioFrame a;
  a.time = RationalTime(pts, time_base_) - origin_;
  a.samples = share_frame(std::move(frame));
  out.push_back(std::move(a));
}

}  // namespace pressreel::media
