#include "pressreel/media/decode_pass.hpp"

#include <spdlog/spdlog.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

#include "media/stream_reader.hpp"
#include "pressreel/media/cpu_time.hpp"
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

// Stage one: the reader's video and audio, merged in presentation order.
class Source {
 public:
  Source(const ProbeResult& probe, bool want_audio, const DecodePassOptions& options)
      : reader_(probe.path, streams(probe, want_audio, options), options.input) {}

  std::optional<Item> next() {
    auto& video = reader_.video_frames();
    auto& audio = reader_.audio_frames();
    while (video.empty() && audio.empty() && !drained_) drained_ = !reader_.decode_next();
    const bool audio_first = !audio.empty() && (video.empty() || audio.front().time <= video.front().time);
    if (audio_first) {
      Item item = std::move(audio.front());
      audio.pop_front();
      return item;
    }
    if (!video.empty()) {
      Item item = std::move(video.front());
      video.pop_front();
      return item;
    }
    return std::nullopt;
  }

  const VideoDecoder& video() const { return reader_.video(); }
  const std::string& audio_error() const { return reader_.audio_error(); }

 private:
  static ReaderStreams streams(const ProbeResult& probe, bool want_audio, const DecodePassOptions& options) {
    const VideoStreamInfo& info = *probe.main_video();
    ReaderStreams streams;
    streams.video = &info;
    streams.decoder = options.decoder;
    if (want_audio && probe.main_audio() != nullptr) {
      streams.audio = probe.main_audio()->index;
      streams.audio_origin = RationalTime(info.start_pts, info.time_base);  // time counts from the first frame
    }
    return streams;
  }

  StreamReader reader_;
  bool drained_ = false;
};

// What each sink's prepare and on_frame cost in CPU over the pass, for the debug log.
class SinkCosts {
 public:
  explicit SinkCosts(size_t sinks) : prepare_(sinks), serial_(sinks) {}
  template <typename F>
  void prepare(size_t sink, F&& work) { timed(prepare_[sink], work); }
  template <typename F>
  void serial(size_t sink, F&& work) { timed(serial_[sink], work); }
  void log(std::span<FrameSink* const> sinks, const std::string& clip) const {
    for (size_t i = 0; i < sinks.size(); ++i) {
      spdlog::debug("{}: pass CPU of {}: prepare {:.2f} s, in order {:.2f} s", clip, sinks[i]->name(),
                    prepare_[i].load(), serial_[i].load());
    }
  }

 private:
  template <typename F>
  static void timed(std::atomic<double>& total, F& work) {
    const double start = thread_cpu_seconds();
    work();
    total += thread_cpu_seconds() - start;
  }
  std::vector<std::atomic<double>> prepare_;  // seconds
  std::vector<std::atomic<double>> serial_;
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
  SinkCosts costs(sinks.size());
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
                    for (size_t i = 0; i < sinks.size(); ++i) {
                      costs.prepare(i, [&] { token->prepared[i] = sinks[i]->prepare(*frame); });
                    }
                  });
                }
                return token;
              }) &
          tbb::make_filter<Token*, void>(
              tbb::filter_mode::serial_in_order, [&](Token* raw) {
                const std::unique_ptr<Token> token = in_flight.take(raw);
                if (const auto* frame = std::get_if<VideoFrame>(&token->item)) {
                  for (size_t i = 0; i < sinks.size(); ++i) {
                    costs.serial(i, [&] { sinks[i]->on_frame(*frame, token->prepared[i]); });
                  }
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
  costs.log(sinks, clip);
  for (FrameSink* sink : sinks) sink->on_end(summary);
  return summary;
}

}  // namespace pressreel::media
