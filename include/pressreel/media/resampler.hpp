#pragma once
// libswresample for encoders: any decoded audio (format, rate, layout; 5.1 is downmixed with
// swresample's standard matrix) to what an encoder takes, plus a sample FIFO that cuts the result
// into the encoder's frame size.

#include <memory>
#include <string>

extern "C" {
#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
}

#include "pressreel/media/av_ptr.hpp"

namespace pressreel::media {

struct AudioFifoDeleter {
  void operator()(AVAudioFifo* fifo) const { av_audio_fifo_free(fifo); }
};
using AudioFifoPtr = std::unique_ptr<AVAudioFifo, AudioFifoDeleter>;

struct AudioFormat {
  AVSampleFormat sample_format = AV_SAMPLE_FMT_FLTP;
  int sample_rate = 48000;
  int channels = 2;  // default layout for the count (2 = stereo)
};

class Resampler {
 public:
  Resampler(AudioFormat out, std::string clip);
  ~Resampler();
  Resampler(const Resampler&) = delete;
  Resampler& operator=(const Resampler&) = delete;

  // Converts `in` and appends the result to `fifo` (same format as `out`). Reconfigures itself when
  // the input's format, rate or layout changes mid-stream.
  void convert(const AVFrame& in, AVAudioFifo& fifo);
  // Appends what swresample still holds (its filter delay) at end of stream.
  void flush(AVAudioFifo& fifo);

  const AudioFormat& out() const { return out_; }
  // A FIFO for this resampler's output.
  AudioFifoPtr make_fifo() const;

 private:
  void configure(const AVFrame& in);
  void drain_into(const uint8_t** in, int in_samples, AVAudioFifo& fifo);

  AudioFormat out_;
  AVChannelLayout out_layout_{};
  std::string clip_;
  SwrContextPtr swr_;
  int in_format_ = -1, in_rate_ = 0;
  AVChannelLayout in_layout_{};
};

}  // namespace pressreel::media
