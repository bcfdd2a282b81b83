#pragma once
// One encoded audio track for the previews: decoded audio from the decode pass is resampled
// (48 kHz stereo, 5.1 downmixed), lined up with the video's clock (silence before late-starting audio,
// early audio dropped), loudness-normalised (LoudnessNormalizer) and encoded in step with the video,
// so the encoded audio never runs ahead of the pictures and ends where the video ends.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "pressreel/media/encoder.hpp"
#include "pressreel/media/frame.hpp"
#include "pressreel/media/resampler.hpp"
#include "pressreel/preview/loudness_normalizer.hpp"

namespace pressreel::preview {

struct AudioTrackSettings {
  std::string codec = "aac";   // "aac" (AAC-LC) or "libopus"
  int64_t bitrate = 128000;
  int sample_rate = 48000;
  int channels = 2;
  // Loudness normalisation (mode none leaves the audio as it is).
  LoudnessPlan plan;
  bool global_header = true;   // codec headers in extradata (MP4, WebM)
};

// The audio track of the renditions in one container, as `audio` sets them: AAC-LC for MP4, Opus
// for WebM (the plan left at none).
AudioTrackSettings audio_track_settings(const AudioOptions& audio, bool webm);

class AudioTrack {
 public:
  // `on_packet` receives every encoded packet, timestamps in encoder().context()->time_base.
  AudioTrack(const AudioTrackSettings& settings, std::string clip, media::Encoder::PacketHandler on_packet);

  const media::Encoder& encoder() const { return encoder_; }
  // Adds decoded audio (any format, rate or layout).
  void add(const media::AudioFrame& audio);
  // Encodes whole encoder frames of audio that end before `until` (where the video has got to).
  void encode_until(media::RationalTime until);
  // Encodes what is left up to `end` (the video's end), drops audio past it, drains the encoder.
  void finish(media::RationalTime end);
  double seconds_encoded() const { return static_cast<double>(encoded_) / rate_; }

 private:
  int64_t samples_at(media::RationalTime t) const;
  media::FramePtr make_audio_frame(int samples) const;
  void pad_silence(int64_t samples);
  int frame_size() const;
  void pad_silence_into(AVAudioFifo& fifo, int64_t samples);
  // Passes `samples` from the FIFO on to the encoder: through the normaliser when there is one (it
  // hands them back later), then encodes the whole frames that are ready.
  void pass_on(int64_t samples);
  AVAudioFifo& ready() { return normalizer_ ? *normalized_ : *fifo_; }
  void encode_frame(int samples);

  std::string clip_;
  AudioTrackSettings settings_;
  media::Encoder::PacketHandler on_packet_;
  media::Encoder encoder_;
  media::Resampler resampler_;
  media::AudioFifoPtr fifo_;        // aligned with the video's clock, before normalisation
  std::optional<LoudnessNormalizer> normalizer_;
  media::AudioFifoPtr normalized_;  // the normaliser's output, waiting for whole encoder frames
  int rate_;
  int64_t appended_ = 0;  // samples ever put in the FIFO (the clock position of its tail)
  int64_t passed_ = 0;    // samples taken from the FIFO (the clock position of its head)
  int64_t encoded_ = 0;   // samples sent to the encoder
  int64_t drop_ = 0;      // samples of the FIFO head to drop (audio before the first video frame)
  bool started_ = false;
};

}  // namespace pressreel::preview
