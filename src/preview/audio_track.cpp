#include "pressreel/preview/audio_track.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "pressreel/media/error.hpp"

namespace pressreel::preview {
namespace {

// Float formats take the gain as a plain multiply; both AAC (fltp) and libopus (flt) offer one.
AVSampleFormat float_format_of(const std::string& codec_name, const std::string& clip) {
  const AVCodec* codec = avcodec_find_encoder_by_name(codec_name.c_str());
  if (codec == nullptr) throw media::MediaError(clip, "preview audio", fmt::format("this FFmpeg has no encoder '{}'", codec_name));
  for (const AVSampleFormat* f = codec->sample_fmts; f != nullptr && *f != AV_SAMPLE_FMT_NONE; ++f) {
    if (*f == AV_SAMPLE_FMT_FLTP || *f == AV_SAMPLE_FMT_FLT) return *f;
  }
  throw media::MediaError(clip, "preview audio", fmt::format("encoder {} takes no float samples", codec_name));
}

// Gaps and overlaps below this are decoder/resampler jitter, not missing or repeated audio.
constexpr double drift_tolerance_seconds = 0.040;
// Audio decoded this far ahead of the video is encoded anyway, so memory stays bounded when the
// video stream ends long before the audio.
constexpr double max_buffered_seconds = 30.0;

}  // namespace

AudioTrackSettings audio_track_settings(const AudioOptions& audio, bool webm) {
  AudioTrackSettings settings;
  settings.codec = webm ? "libopus" : "aac";
  settings.bitrate = webm ? audio.opus_bitrate : audio.aac_bitrate;
  settings.sample_rate = audio.sample_rate;
  settings.channels = audio.channels;
  return settings;
}

AudioTrack::AudioTrack(const AudioTrackSettings& settings, std::string clip, media::Encoder::PacketHandler on_packet)
    : clip_(std::move(clip)),
      settings_(settings),
      on_packet_(std::move(on_packet)),
      encoder_(
          settings.codec,
          [&](AVCodecContext& c) {
            c.sample_fmt = float_format_of(settings.codec, clip_);
            c.sample_rate = settings.sample_rate;
            av_channel_layout_default(&c.ch_layout, settings.channels);
            c.bit_rate = settings.bitrate;
            c.time_base = AVRational{1, settings.sample_rate};
            if (settings.global_header) c.flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
            if (settings.codec == "aac") c.profile = FF_PROFILE_AAC_LOW;
          },
          {}, clip_, "preview audio"),
      resampler_(media::AudioFormat{encoder_.context()->sample_fmt, settings.sample_rate, settings.channels}, clip_),
      fifo_(resampler_.make_fifo()),
      rate_(settings.sample_rate) {
  if (settings.plan.mode != LoudnessMode::none) {
    normalizer_.emplace(settings.plan, resampler_.out(), clip_);
    normalized_ = resampler_.make_fifo();
  }
}

int AudioTrack::frame_size() const {
  return encoder_.context()->frame_size > 0 ? encoder_.context()->frame_size : 1024;
}

int64_t AudioTrack::samples_at(media::RationalTime t) const {
  return av_rescale_q_rnd(t.ticks(), t.time_base(), AVRational{1, rate_}, AV_ROUND_NEAR_INF);
}

media::FramePtr AudioTrack::make_audio_frame(int samples) const {
  const AVCodecContext* c = encoder_.context();
  return media::make_audio_frame(c->sample_fmt, rate_, c->ch_layout, samples, clip_, "preview audio");
}

void AudioTrack::pad_silence_into(AVAudioFifo& fifo, int64_t samples) {
  const AVCodecContext* c = encoder_.context();
  while (samples > 0) {
    const int n = static_cast<int>(std::min<int64_t>(samples, rate_));
    media::FramePtr silence = media::make_silence(c->sample_fmt, rate_, c->ch_layout, n, clip_, "preview audio");
    if (av_audio_fifo_write(&fifo, reinterpret_cast<void**>(silence->extended_data), n) < n) throw std::bad_alloc();
    samples -= n;
  }
}

void AudioTrack::pad_silence(int64_t samples) {
  pad_silence_into(*fifo_, samples);
  appended_ += std::max<int64_t>(samples, 0);
}

void AudioTrack::add(const media::AudioFrame& audio) {
  const int64_t start = samples_at(audio.time);
  if (!started_) {
    started_ = true;
    // The tracks start with the first video frame: silence before late audio, early audio dropped.
    if (start > 0) {
      pad_silence(start);
    } else {
      appended_ = start;
      drop_ = -start;
    }
  } else if (start - appended_ > drift_tolerance_seconds * rate_) {
    pad_silence(start - appended_);  // a hole in the audio: keep what follows in sync
  } else if (appended_ - start > drift_tolerance_seconds * rate_ + audio.samples->nb_samples) {
    return;  // audio repeating a stretch already placed
  }
  const int before = av_audio_fifo_size(fifo_.get());
  resampler_.convert(*audio.samples, *fifo_);
  appended_ += av_audio_fifo_size(fifo_.get()) - before;
  if (drop_ > 0) {
    const int n = static_cast<int>(std::min<int64_t>(drop_, av_audio_fifo_size(fifo_.get())));
    av_audio_fifo_drain(fifo_.get(), n);
    drop_ -= n;
  }
  while (av_audio_fifo_size(fifo_.get()) > max_buffered_seconds * rate_) pass_on(frame_size());
}

void AudioTrack::encode_until(media::RationalTime until) {
  const int n = frame_size();
  const int64_t limit = samples_at(until);
  while (av_audio_fifo_size(fifo_.get()) >= n && passed_ + n <= limit) pass_on(n);
}

void AudioTrack::pass_on(int64_t samples) {
  passed_ += samples;
  if (!normalizer_) {
    encode_frame(static_cast<int>(samples));
    return;
  }
  media::FramePtr frame = make_audio_frame(static_cast<int>(samples));
  const int read = av_audio_fifo_read(fifo_.get(), reinterpret_cast<void**>(frame->extended_data), frame->nb_samples);
  frame->nb_samples = std::max(read, 0);
  if (frame->nb_samples > 0) normalizer_->process(frame.get(), *normalized_);
  while (av_audio_fifo_size(normalized_.get()) >= frame_size()) encode_frame(frame_size());
}

void AudioTrack::finish(media::RationalTime end) {
  if (started_) {
    resampler_.flush(*fifo_);
    const int64_t limit = samples_at(end);
    // Audio that stops before the video is padded, so both tracks end together.
    const int64_t missing = limit - (passed_ + av_audio_fifo_size(fifo_.get()));
    if (missing > 0) pad_silence(missing);
    while (passed_ < limit && av_audio_fifo_size(fifo_.get()) > 0) {
      pass_on(std::min<int64_t>({frame_size(), limit - passed_, av_audio_fifo_size(fifo_.get())}));
    }
    if (normalizer_) {
      normalizer_->process(nullptr, *normalized_);  // the limiter hands out what its lookahead still holds
      // It gives back as many samples as it took; a shortfall could only be the resampler's rounding.
      const int64_t short_by = limit - (encoded_ + av_audio_fifo_size(normalized_.get()));
      if (short_by > 0) pad_silence_into(*normalized_, short_by);
    }
    while (encoded_ < limit && av_audio_fifo_size(&ready()) > 0) {
      encode_frame(static_cast<int>(std::min<int64_t>({frame_size(), limit - encoded_, av_audio_fifo_size(&ready())})));
    }
  }
  encoder_.finish(on_packet_);
}

void AudioTrack::encode_frame(int samples) {
  media::FramePtr frame = make_audio_frame(samples);
  const int read = av_audio_fifo_read(&ready(), reinterpret_cast<void**>(frame->extended_data), samples);
  if (read < samples) frame->nb_samples = std::max(read, 0);
  if (frame->nb_samples == 0) return;
  frame->pts = encoded_;
  encoded_ += frame->nb_samples;
  encoder_.send(frame.get(), on_packet_);
}

}  // namespace pressreel::preview
