#include "pressreel/media/muxer.hpp"

#include <fmt/format.h>

#include "pressreel/media/error.hpp"

namespace pressreel::media {

Muxer::Muxer(std::filesystem::path path, const std::string& format, std::string clip, std::string stage)
    : path_(std::move(path)), clip_(std::move(clip)), stage_(std::move(stage)) {
  AVFormatContext* raw = nullptr;
  check_av(avformat_alloc_output_context2(&raw, nullptr, format.c_str(), path_.c_str()), clip_, stage_,
           fmt::format("output format '{}'", format));
  context_.reset(raw);
}

bool Muxer::wants_global_header() const { return (context_->oformat->flags & AVFMT_GLOBALHEADER) != 0; }

int Muxer::add_stream(const Encoder& encoder) {
  if (begun_) throw MediaError(clip_, stage_, "stream added after the header was written");
  AVStream* stream = avformat_new_stream(context_.get(), nullptr);
  if (stream == nullptr) throw std::bad_alloc();
  check_av(avcodec_parameters_from_context(stream->codecpar, encoder.context()), clip_, stage_, "stream parameters");
  stream->time_base = encoder.context()->time_base;  // a hint; the muxer may choose its own
  if (encoder.context()->codec_type == AVMEDIA_TYPE_VIDEO) {
    stream->avg_frame_rate = encoder.context()->framerate;
    stream->sample_aspect_ratio = encoder.context()->sample_aspect_ratio;
  }
  return stream->index;
}

void Muxer::begin(const std::map<std::string, std::string>& options) {
  if (!(context_->oformat->flags & AVFMT_NOFILE)) {
    check_av(avio_open(&context_->pb, path_.c_str(), AVIO_FLAG_WRITE), clip_, stage_,
             fmt::format("creating {}", path_.string()));
  }
  AVDictionary* raw = nullptr;
  for (const auto& [key, value] : options) av_dict_set(&raw, key.c_str(), value.c_str(), 0);
  const int rc = avformat_write_header(context_.get(), &raw);
  std::unique_ptr<AVDictionary, DictionaryDeleter> unused(raw);
  check_av(rc, clip_, stage_, fmt::format("writing the header of {}", path_.filename().string()));
  if (const AVDictionaryEntry* e = av_dict_get(unused.get(), "", nullptr, AV_DICT_IGNORE_SUFFIX)) {
    throw MediaError(clip_, stage_, fmt::format("muxer {} has no option '{}'", context_->oformat->name, e->key));
  }
  begun_ = true;
}

void Muxer::write(AVPacket& packet, int stream, AVRational time_base) {
  if (!begun_ || finished_) throw MediaError(clip_, stage_, "packet written outside the header/trailer");
  packet.stream_index = stream;
  av_packet_rescale_ts(&packet, time_base, context_->streams[stream]->time_base);
  check_av(av_interleaved_write_frame(context_.get(), &packet), clip_, stage_,
           fmt::format("writing {}", path_.filename().string()));
}

void Muxer::finish() {
  if (!begun_ || finished_) return;
  finished_ = true;
  check_av(av_write_trailer(context_.get()), clip_, stage_, fmt::format("finishing {}", path_.filename().string()));
  if (!(context_->oformat->flags & AVFMT_NOFILE)) {
    check_av(avio_closep(&context_->pb), clip_, stage_, fmt::format("closing {}", path_.filename().string()));
  }
}

}  // namespace pressreel::media
