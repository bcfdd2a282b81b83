#pragma once
// Audio decoding for the decode pass and the loudness read. Errors are the caller's to tolerate:
// broken audio must never lose the video.

#include <deque>
#include <string>

#include "pressreel/media/av_ptr.hpp"
#include "pressreel/media/frame.hpp"

namespace pressreel::media {

class AudioDecoder {
 public:
  // `origin` is the instant AudioFrame::time counts from (the first video frame's PTS).
  AudioDecoder(const AVStream* stream, std::string clip, RationalTime origin = {});
  // A decoder of packets that come from elsewhere than a demuxer (an encoder's), in `time_base`.
  AudioDecoder(const AVCodecParameters& parameters, AVRational time_base, std::string clip, RationalTime origin = {});
  AudioDecoder(const AudioDecoder&) = delete;
  AudioDecoder& operator=(const AudioDecoder&) = delete;

  void set_origin(RationalTime origin) { origin_ = origin; }
  // Decodes one packet (nullptr drains); throws MediaError on an error the decoder cannot skip.
  void decode(const AVPacket* packet, std::deque<AudioFrame>& out);
  const AVCodecContext* context() const { return codec_.get(); }

 private:
  // Moves the frame the codec loop received into `out`, timed.
  void take_decoded(AVFrame* received, std::deque<AudioFrame>& out);
  void count_error(int rc, const char* why);

  std::string clip_;
  AVRational time_base_;
  RationalTime origin_;
  CodecContextPtr codec_;
  int64_t next_pts_ = 0;
  int errors_ = 0;
  FramePtr received_ = make_frame();  // where the codec loop receives each frame
};

}  // namespace pressreel::media
