#include "media/stream_reader.hpp"

#include <spdlog/spdlog.h>

#include "media/packet_read.hpp"
#include "pressreel/media/error.hpp"

namespace pressreel::media {

StreamReader::StreamReader(const std::filesystem::path& clip, const ReaderStreams& streams,
                           const InputPolicy& policy)
    : StreamReader(open_input(clip, policy), clip.string(), streams, policy) {}

StreamReader::StreamReader(FormatContextPtr opened, const std::string& clip, const ReaderStreams& streams,
                           const InputPolicy& policy)
    : clip_(clip), stage_(streams.stage), cancel_(policy.cancel), input_(std::move(opened)) {
  // Packets of the other streams are not even read out of the demuxer where it can skip them.
  for (unsigned i = 0; i < input_->nb_streams; ++i) input_->streams[i]->discard = AVDISCARD_ALL;
  if (streams.video != nullptr) {
    video_index_ = streams.video->index;
    video_ = std::make_unique<VideoDecoder>(input_->streams[video_index_], *streams.video, clip_, streams.decoder);
    input_->streams[video_index_]->discard = AVDISCARD_DEFAULT;
  }
  if (streams.audio >= 0) {
    try {
      audio_ = std::make_unique<AudioDecoder>(input_->streams[streams.audio], clip_, streams.audio_origin);
      input_->streams[streams.audio]->discard = AVDISCARD_DEFAULT;
      audio_index_ = streams.audio;
    } catch (const MediaError& e) {
      audio_error_ = e.what();
    }
  }
}

const AVPacket* StreamReader::read() {
  if (read_packet(*input_, *packet_, {clip_, stage_, cancel_}, cut_off_)) return packet_.get();
  if (!cut_off_.empty()) spdlog::warn("{}: read: {}; decoding what was read", clip_, cut_off_);
  return nullptr;
}

void StreamReader::decode(const AVPacket* packet) {
  if (packet == nullptr) {
    if (video_) video_->decode(nullptr, video_frames_);
    decode_audio(nullptr);
    return;
  }
  if (video_ && packet->stream_index == video_index_) video_->decode(packet, video_frames_);
  else if (audio_ && packet->stream_index == audio_index_) decode_audio(packet);
}

bool StreamReader::decode_next() {
  const AVPacket* packet = read();
  decode(packet);
  return packet != nullptr;
}

void StreamReader::decode_audio(const AVPacket* packet) {
  if (!audio_) return;
  try {
    audio_->decode(packet, audio_frames_);
  } catch (const MediaError& e) {  // broken audio never loses the video
    audio_error_ = e.what();
    if (video_) spdlog::warn("{}; continuing without audio", audio_error_);
    audio_.reset();
  }
}

int StreamReader::seek_video(int64_t ticks, int flags) {
  const int rc = av_seek_frame(input_.get(), video_index_, ticks, flags);
  if (rc < 0) return rc;
  video_frames_.clear();
  audio_frames_.clear();
  video_->reset(0);
  return rc;
}

}  // namespace pressreel::media
