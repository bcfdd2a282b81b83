#pragma once
// libavcodec encoding wrapped once: open with checked options, the send/receive loop, draining at
// end of stream. Nobody else calls avcodec_send_frame.

#include <functional>
#include <map>
#include <string>

#include "pressreel/media/av_ptr.hpp"

namespace pressreel::media {

// Private options of an encoder ("preset" -> "veryfast", "x264-params" -> "..."), applied at open.
using CodecOptions = std::map<std::string, std::string>;

class Encoder {
 public:
  using Configure = std::function<void(AVCodecContext&)>;
  using PacketHandler = std::function<void(AVPacket&)>;

  // Finds the encoder `codec_name`, lets `configure` fill in the context, then opens it with
  // `options`. An option the encoder does not know is an error (a recipe typo must not pass silently).
  Encoder(const std::string& codec_name, const Configure& configure, const CodecOptions& options, std::string clip,
          std::string stage);
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;

  // Encodes one frame (its pts in the context's time base); each finished packet goes to `on_packet`
  // with its timestamps in the context's time base.
  void send(const AVFrame* frame, const PacketHandler& on_packet);
  // Drains the encoder at end of stream; later sends are errors.
  void finish(const PacketHandler& on_packet);

  AVCodecContext* context() { return codec_.get(); }
  const AVCodecContext* context() const { return codec_.get(); }
  const std::string& codec_name() const { return codec_name_; }

 private:
  void receive(const PacketHandler& on_packet);

  std::string clip_, stage_, codec_name_;
  CodecContextPtr codec_;
  PacketPtr packet_ = make_packet();
  bool finished_ = false;
};

// True when `codec_name` is an encoder this FFmpeg build has (optional renditions check first).
bool has_encoder(const std::string& codec_name);

}  // namespace pressreel::media
