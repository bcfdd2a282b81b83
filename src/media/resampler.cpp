#include "pressreel/media/resampler.hpp"

#include <fmt/format.h>

#include <new>
#include <vector>

#include "pressreel/media/error.hpp"

namespace pressreel::media {

Resampler::Resampler(AudioFormat out, std::string clip) : out_(out), clip_(std::move(clip)) {
  av_channel_layout_default(&out_layout_, out_.channels);
}

Resampler::~Resampler() {
  av_channel_layout_uninit(&in_layout_);  // a custom input layout owns a channel map
  av_channel_layout_uninit(&out_layout_);
}

AudioFifoPtr Resampler::make_fifo() const {
  AudioFifoPtr fifo(av_audio_fifo_alloc(out_.sample_format, out_.channels, out_.sample_rate));
  if (!fifo) throw std::bad_alloc();
  return fifo;
}

void Resampler::configure(const AVFrame& in) {
  AVChannelLayout layout{};
  // Streams that do not say their layout get the default one for their channel count.
  if (in.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC) av_channel_layout_default(&layout, in.ch_layout.nb_channels);
  else check_av(av_channel_layout_copy(&layout, &in.ch_layout), clip_, "audio resample");
  if (swr_ && in.format == in_format_ && in.sample_rate == in_rate_ && av_channel_layout_compare(&layout, &in_layout_) == 0) {
    av_channel_layout_uninit(&layout);
    return;
  }
  SwrContext* raw = nullptr;
  check_av(swr_alloc_set_opts2(&raw, &out_layout_, out_.sample_format, out_.sample_rate, &layout,
                               static_cast<AVSampleFormat>(in.format), in.sample_rate, 0, nullptr),
           clip_, "audio resample");
  swr_.reset(raw);
  check_av(swr_init(swr_.get()), clip_, "audio resample",
           fmt::format("{} Hz, {} channels", in.sample_rate, in.ch_layout.nb_channels));
  av_channel_layout_uninit(&in_layout_);
  in_layout_ = layout;
  in_format_ = in.format;
  in_rate_ = in.sample_rate;
}

void Resampler::convert(const AVFrame& in, AVAudioFifo& fifo) {
  if (in.nb_samples <= 0) return;
  configure(in);
  drain_into(const_cast<const uint8_t**>(in.extended_data), in.nb_samples, fifo);
}

void Resampler::flush(AVAudioFifo& fifo) {
  if (swr_) drain_into(nullptr, 0, fifo);
}

void Resampler::drain_into(const uint8_t** in, int in_samples, AVAudioFifo& fifo) {
  const int capacity = swr_get_out_samples(swr_.get(), in_samples);
  if (capacity <= 0) return;
  uint8_t** planes = nullptr;
  check_av(av_samples_alloc_array_and_samples(&planes, nullptr, out_.channels, capacity, out_.sample_format, 0),
           clip_, "audio resample");
  // av_samples_alloc_array_and_samples makes one buffer for all planes plus the pointer array.
  std::unique_ptr<uint8_t*, void (*)(uint8_t**)> owned(planes, [](uint8_t** p) {
    av_freep(&p[0]);
    av_freep(&p);
  });
  const int converted = check_av(swr_convert(swr_.get(), planes, capacity, in, in_samples), clip_, "audio resample");
  if (converted > 0 && av_audio_fifo_write(&fifo, reinterpret_cast<void**>(planes), converted) < converted) {
    throw std::bad_alloc();
  }
}

}  // namespace pressreel::media
