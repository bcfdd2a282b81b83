#include "pressreel/media/encoder.hpp"

#include <fmt/format.h>

#include <memory>

#include "pressreel/media/error.hpp"

namespace pressreel::media {

Encoder::Encoder(const std::string& codec_name, const Configure& configure, const CodecOptions& options,
                 std::string clip, std::string stage)
    : clip_(std::move(clip)), stage_(std::move(stage)), codec_name_(codec_name) {
  const AVCodec* codec = avcodec_find_encoder_by_name(codec_name.c_str());
  if (codec == nullptr) throw MediaError(clip_, stage_, fmt::format("this FFmpeg has no encoder '{}'", codec_name));
  codec_.reset(avcodec_alloc_context3(codec));
  if (!codec_) throw std::bad_alloc();
  configure(*codec_);

  AVDictionary* raw = nullptr;
  for (const auto& [key, value] : options) av_dict_set(&raw, key.c_str(), value.c_str(), 0);
  std::unique_ptr<AVDictionary, DictionaryDeleter> dict(raw);
  raw = dict.release();
  const int rc = avcodec_open2(codec_.get(), codec, &raw);
  dict.reset(raw);
  check_av(rc, clip_, stage_, fmt::format("opening encoder {}", codec_name));
  if (const AVDictionaryEntry* unused = av_dict_get(dict.get(), "", nullptr, AV_DICT_IGNORE_SUFFIX)) {
    throw MediaError(clip_, stage_, fmt::format("encoder {} has no option '{}'", codec_name, unused->key));
  }
}

void Encoder::send(const AVFrame* frame, const PacketHandler& on_packet) {
  if (finished_) throw MediaError(clip_, stage_, fmt::format("{}: frame sent after the end of stream", codec_name_));
  for (;;) {
    const int rc = avcodec_send_frame(codec_.get(), frame);
    if (rc == AVERROR(EAGAIN)) {  // output must be taken before more input fits
      receive(on_packet);
      continue;
    }
    check_av(rc, clip_, stage_, fmt::format("encoding with {}", codec_name_));
    break;
  }
  receive(on_packet);
}

void Encoder::finish(const PacketHandler& on_packet) {
  if (finished_) return;
  send(nullptr, on_packet);
  finished_ = true;
}

void Encoder::receive(const PacketHandler& on_packet) {
  for (;;) {
    const int rc = avcodec_receive_packet(codec_.get(), packet_.get());
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return;
    check_av(rc, clip_, stage_, fmt::format("encoding with {}", codec_name_));
    on_packet(*packet_);
    av_packet_unref(packet_.get());
  }
}

bool has_encoder(const std::string& codec_name) {
  return avcodec_find_encoder_by_name(codec_name.c_str()) != nullptr;
}

}  // namespace pressreel::media
