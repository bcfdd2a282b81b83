#include "pressreel/media/decode_pass.hpp"

#include <spdlog/spdlog.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

#include "media/audio_decoder.hpp"
#include "pressreel/media/error.hpp"

namespace pressreel::media {
namespace {

using Item = std::variant<VideoFrame, AudioFrame>;

struct Token {
  Item item;
  std::vector<std::any> prepared;  // one slot per sink
};

// The tokens between the pipeline's filters. When a filter throws (a sink's disk is full), oneTBB
// cancels the pipeline but never destroys the items it holds between filters, so they travel as plain
// pointers owned here and whatever is still in flight is freed with the pass.
class TokensInFlight {
 public:
  Token* add(Token token) {
    auto owned = std::make_unique<Token>(std::move(token));
    Token* raw = owned.get();
    const std::lock_guard lock(mutex_);
    live_.emplace(raw, std::move(owned));
    return raw;
  }
  // Ownership back to the caller, once the token has passed the last filter.
  std::unique_ptr<Token> take(Token* token) {
    const std::lock_guard lock(mutex_);
    const auto it = live_.find(token);
    std::unique_ptr<Token> owned = std::move(it->second);
    live_.erase(it);
    return owned;
  }

 private:
  std::mutex mutex_;
  std::unordered_map<Token*, std::unique_ptr<Token>> live_;
};

// Stage one: demuxes and decodes in file order, yielding video and audio in presentation order.
class Source {
 public:
  Source(const ProbeResult& probe, bool want_audio, const DecodePassOptions& options)
      : clip_(probe.path.string()), cancel_(options.input.cancel) {
    input_ = open_input(probe.path, options.input);
    const VideoStreamInfo& info = *probe.main_video();
    for (unsigned i = 0; i < input_->nb_streams; ++i) input_->streams[i]->discard = AVDISCARD_ALL;
    video_stream_ = info.index;
    const AVStream* vstream = input_->streams[info.index];
    input_->streams[info.index]->discard = AVDISCARD_DEFAULT;
    video_ = std::make_unique<VideoDecoder>(vstream, info, clip_, options.decoder);
    if (want_audio && probe.main_audio() != nullptr) {
      try {
        const int index = probe.main_audio()->index;
        audio_ = std::make_unique<AudioDecoder>(input_->streams[index], clip_,
                                                RationalTime(info.start_pts, info.time_base));
        input_->streams[index]->discard = AVDISCARD_DEFAULT;
        audio_index_ = index;
      } catch (const MediaError& e) {
        audio_error_ = e.what();
      }
    }
  }

  std::optional<Item> next() {
    while (video_ready_.empty() && audio_ready_.empty() && !drained_) read_one();
    const bool audio_first = !audio_ready_.empty() &&
                             (video_ready_.empty() || audio_ready_.front().time <= video_ready_.front().time);
    if (audio_first) {
      Item item = std::move(audio_ready_.front());
      audio_ready_.pop_front();
      return item;
    }
    if (!video_ready_.empty()) {
      Item item = std::move(video_ready_.front());
      video_ready_.pop_front();
      return item;
    }
    return std::nullopt;
  }

  const VideoDecoder& video() const { return *video_; }
  const std::string& audio_error() const { return audio_error_; }

 private:
  void read_one() {
    if (cancel_ != nullptr && cancel_->load()) throw MediaError(clip_, "decode", "cancelled");
    const int rc = av_read_frame(input_.get(), packet_.get());
    if (rc == AVERROR_EXIT) throw MediaError(clip_, "decode", "cancelled");
    if (rc < 0) {
      // A read the interrupt callback cut off can surface as end of file (demuxers scanning for a
      // start code stop at "EOF"): a cancelled pass must not pass for a complete one.
      if (cancel_ != nullptr && cancel_->load()) throw MediaError(clip_, "decode", "cancelled");
      // End of file, or a truncated/unreadable tail: decode what we have, as players do.
      if (rc != AVERROR_EOF) spdlog::warn("{}: read: {}; decoding what was read", clip_, av_error_string(rc));
      video_->decode(nullptr, video_ready_);
      feed_audio(nullptr);
      drained_ = true;
      return;
    }
    const int stream = packet_->stream_index;
    if (stream == video_stream_) video_->decode(packet_.get(), video_ready_);
    else if (audio_ && stream == audio_index_) feed_audio(packet_.get());
    av_packet_unref(packet_.get());
  }

  void feed_audio(const AVPacket* packet) {
    if (!audio_) return;
    try {
      audio_->decode(packet, audio_ready_);
    } catch (const MediaError& e) {  // broken audio never loses the video
      audio_error_ = e.what();
      spdlog::warn("{}; continuing without audio", audio_error_);
      audio_.reset();
    }
  }

  std::string clip_;
  const std::atomic<bool>* cancel_;
  FormatContextPtr input_;
  std::unique_ptr<VideoDecoder> video_;
  std::unique_ptr<AudioDecoder> audio_;
  int video_stream_ = -1;
  int audio_index_ = -1;
  std::deque<VideoFrame> video_ready_;
  std::deque<AudioFrame> audio_ready_;
  PacketPtr packet_ = make_packet();
  bool drained_ = false;
  std::string audio_error_;
};

}  // namespace

DecodeSummary run_decode_pass(const ProbeResult& probe, std::span<FrameSink* const> sinks,
                              const DecodePassOptions& options) {
  const std::string clip = probe.path.string();
  const VideoStreamInfo* video = probe.main_video();
  if (video == nullptr) throw MediaError(clip, "decode", "no video stream");
  const auto started = std::chrono::steady_clock::now();

  bool want_audio = false;
  for (FrameSink* sink : sinks) want_audio = want_audio || sink->wants_audio();
  Source source(probe, want_audio, options);
  // Consumers size their outputs from what the decoder delivers (upright or as stored).
  const VideoStreamInfo delivered = as_delivered(*video, options.decoder);
  for (FrameSink* sink : sinks) sink->on_start(probe, delivered);

  const size_t cores = std::max(1u, std::thread::hardware_concurrency());
  const size_t tokens = options.max_frames_in_flight > 0 ? options.max_frames_in_flight : 2 * cores + 2;
  DecodeSummary summary;
  std::optional<RationalTime> end;

  TokensInFlight in_flight;
  tbb::parallel_pipeline(
      tokens,
      tbb::make_filter<void, Token*>(
          tbb::filter_mode::serial_in_order,
          [&](tbb::flow_control& control) -> Token* {
            std::optional<Item> item = source.next();
            if (!item) {
              control.stop();
              return nullptr;
            }
            return in_flight.add(Token{std::move(*item), std::vector<std::any>(sinks.size())});
          }) &
          tbb::make_filter<Token*, Token*>(
              tbb::filter_mode::parallel,
              [&](Token* token) {
                if (const auto* frame = std::get_if<VideoFrame>(&token->item)) {
                  // Isolated: a sink's prepare may wait in OpenCV's oneTBB loops, and must not pick up
                  // another frame's prepare there, which would reuse its thread's scaler mid-call.
                  tbb::this_task_arena::isolate([&] {
                    for (size_t i = 0; i < sinks.size(); ++i) token->prepared[i] = sinks[i]->prepare(*frame);
                  });
                }
                return token;
              }) &
          tbb::make_filter<Token*, void>(
              tbb::filter_mode::serial_in_order, [&](Token* raw) {
                const std::unique_ptr<Token> token = in_flight.take(raw);
                if (const auto* frame = std::get_if<VideoFrame>(&token->item)) {
                  for (size_t i = 0; i < sinks.size(); ++i) sinks[i]->on_frame(*frame, token->prepared[i]);
                  ++summary.frames;
                  end = frame->time + frame->duration;
                  if (options.on_progress) options.on_progress(*frame);
                } else {
                  const auto& audio = std::get<AudioFrame>(token->item);
                  for (FrameSink* sink : sinks) {
                    if (sink->wants_audio()) sink->on_audio(audio);
                  }
                }
              }));

  if (summary.frames == 0) {
    const std::string& why = source.video().last_error();
    throw MediaError(clip, "decode", why.empty() ? "no video frame could be decoded" : "no video frame could be decoded: " + why);
  }
  summary.corrupt_packets = source.video().corrupt_packets();
  summary.duration = end.value_or(RationalTime{});
  summary.filter_chain = source.video().filter_chain();
  summary.audio_error = source.audio_error();
  summary.decode_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  for (FrameSink* sink : sinks) sink->on_end(summary);
  return summary;
}

}  // namespace pressreel::media
