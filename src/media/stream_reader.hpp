#pragma once
// The one reader of a clip: opens it with the hardened input policy, keeps the wanted streams,
// demuxes (media::read_packet), and decodes them with the shared codec loop. The decode pass, the
// frame grabber, the teaser and the loudness read all read through it, so they agree on three rules:
// - the cancel flag stops a read at once, and a read it cut off is never taken for the end of file;
// - an I/O error mid-file fails the read (MediaError naming the clip and the reader's stage);
// - a demuxer that gives up on damaged data (a truncated or corrupt tail) ends the input like the
//   end of file, so what was read is decoded, as players do, but says so (`cut_off()`).

#include <deque>
#include <memory>
#include <string>

#include "media/audio_decoder.hpp"
#include "pressreel/media/decoder.hpp"
#include "pressreel/media/input.hpp"

namespace pressreel::media {

struct ReaderStreams {
  const VideoStreamInfo* video = nullptr;  // the video stream to decode; nullptr for none
  VideoDecoderOptions decoder;
  int audio = -1;              // index of the audio stream to decode; -1 for none
  RationalTime audio_origin;   // the instant AudioFrame::time counts from
  std::string stage = "decode";  // names the reader's stage in its errors
};

class StreamReader {
 public:
  // Opens `clip` under `policy`. Throws MediaError when it cannot open or the video cannot be decoded;
  // an audio stream without a decoder is only noted (audio_error()): broken audio never loses the video.
  StreamReader(const std::filesystem::path& clip, const ReaderStreams& streams, const InputPolicy& policy);
  // The same on an input `open_input` opened (under `policy`) and nothing has read from yet.
  StreamReader(FormatContextPtr opened, const std::string& clip, const ReaderStreams& streams,
               const InputPolicy& policy);
  StreamReader(const StreamReader&) = delete;
  StreamReader& operator=(const StreamReader&) = delete;

  // The next packet of a kept stream, valid until the next read; nullptr at the end of the input.
  // Throws MediaError "cancelled" once the cancel flag is set, and on an I/O error.
  const AVPacket* read();
  // Decodes `packet` with its stream's decoder into the frame queues; nullptr drains every decoder.
  void decode(const AVPacket* packet);
  // Reads and decodes the next packet; at the end of the input drains the decoders and returns false.
  bool decode_next();

  std::deque<VideoFrame>& video_frames() { return video_frames_; }
  std::deque<AudioFrame>& audio_frames() { return audio_frames_; }

  // Seeks the video stream to `ticks` of its time base (av_seek_frame's `flags`) and, when it
  // could, empties the queues and readies the decoder for the new place. Returns av_seek_frame's code.
  int seek_video(int64_t ticks, int flags);

  VideoDecoder& video() { return *video_; }
  const VideoDecoder& video() const { return *video_; }
  int video_index() const { return video_index_; }
  bool has_audio() const { return audio_ != nullptr; }
  // Why the audio was given up (no decoder, or too many errors); empty while it decodes.
  const std::string& audio_error() const { return audio_error_; }
  // Why the input ended before the end of the file (av_strerror's words); empty at the end of file.
  const std::string& cut_off() const { return cut_off_; }
  const std::string& clip() const { return clip_; }

 private:
  void decode_audio(const AVPacket* packet);

  std::string clip_;
  std::string stage_;
  const std::atomic<bool>* cancel_;
  FormatContextPtr input_;
  std::unique_ptr<VideoDecoder> video_;
  std::unique_ptr<AudioDecoder> audio_;
  int video_index_ = -1;
  int audio_index_ = -1;
  std::deque<VideoFrame> video_frames_;
  std::deque<AudioFrame> audio_frames_;
  PacketPtr packet_ = make_packet();
  std::string audio_error_;
  std::string cut_off_;
};

}  // namespace pressreel::media
