#include "pressreel/media/muxer.hpp"

#include <fmt/format.h>

#include "pressreel/media/error.hpp"

namespace pressreel::media {

namespace {

// "file:" keeps a folder name such as "out:2024" a local path, never a protocol; the mp4 muxer reopens
// the same URL to move the moov atom to the front.
std::string file_url(const std::filesystem::path& path) { return "file:" + path.string(); }

}  // namespace

Muxer::Muxer(std::filesystem::path path, const std::string& format, std::string clip, std::string stage,
             std::string shown_as)
    : path_(std::move(path)),
      clip_(std::move(clip)),
      stage_(std::move(stage)),
      shown_as_(shown_as.empty() ? path_.string() : std::move(shown_as)) {
  AVFormatContext* raw = nullptr;
  check_av(avformat_alloc_output_context2(&raw, nullptr, format.c_str(), file_url(path_).c_str()), clip_, stage_,
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

int Muxer::add_stream_copy(const AVStream& source, int64_t bit_rate, AVRational sample_aspect) {
  if (begun_) throw MediaError(clip_, stage_, "stream added after the header was written");
  AVStream* stream = avformat_new_stream(context_.get(), nullptr);
  if (stream == nullptr) throw std::bad_alloc();
  check_av(avcodec_parameters_copy(stream->codecpar, source.codecpar), clip_, stage_, "stream parameters");
  stream->codecpar->codec_tag = 0;  // the source container's tag may mean something else in this one
  if (bit_rate > 0) stream->codecpar->bit_rate = bit_rate;
  stream->time_base = source.time_base;
  stream->avg_frame_rate = source.avg_frame_rate;
  stream->sample_aspect_ratio = sample_aspect.num > 0 ? sample_aspect : source.sample_aspect_ratio;
  if (sample_aspect.num > 0) stream->codecpar->sample_aspect_ratio = sample_aspect;
  return stream->index;
}

void Muxer::begin(const std::map<std::string, std::string>& options) {
  if (!(context_->oformat->flags & AVFMT_NOFILE)) {
    check_av(avio_open(&context_->pb, file_url(path_).c_str(), AVIO_FLAG_WRITE), clip_, stage_,
             fmt::format("creating {}", shown_as_));
  }
  AVDictionary* raw = nullptr;
  for (const auto& [key, value] : options) av_dict_set(&raw, key.c_str(), value.c_str(), 0);
  const int rc = avformat_write_header(context_.get(), &raw);
  std::unique_ptr<AVDictionary, DictionaryDeleter> unused(raw);
  check_av(rc, clip_, stage_, fmt::format("writing the header of {}", shown_as_));
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
           fmt::format("writing {}", shown_as_));
}

void Muxer::finish() {
  if (!begun_ || finished_) return;
  finished_ = true;
  check_av(av_write_trailer(context_.get()), clip_, stage_, fmt::format("finishing {}", shown_as_));
  if (!(context_->oformat->flags & AVFMT_NOFILE)) {
    check_av(avio_closep(&context_->pb), clip_, stage_, fmt::format("closing {}", shown_as_));
  }
}

}  // namespace pressreel::media
