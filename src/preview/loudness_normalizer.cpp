#include "pressreel/preview/loudness_normalizer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

extern "C" {
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/channel_layout.h>
}

#include "pressreel/media/error.hpp"

namespace pressreel::preview {
namespace {

const char* stage = "loudness normalisation";

// BS.1770's true peak is the sample peak at four times 48 kHz: the limiter works at that rate.
constexpr int true_peak_rate = 192000;
// alimiter's lookahead and release (its defaults): 5 ms sees a peak coming; 50 ms lets the gain
// recover between drum hits without pumping a steady bed.
constexpr double limiter_attack_ms = 5.0;
constexpr double limiter_release_ms = 50.0;

std::string describe_layout(int channels) {
  AVChannelLayout layout{};
  av_channel_layout_default(&layout, channels);
  char text[128] = {};
  av_channel_layout_describe(&layout, text, sizeof text);
  av_channel_layout_uninit(&layout);
  return text;
}

}  // namespace

std::string to_string(LoudnessMode mode) {
  switch (mode) {
    case LoudnessMode::none:
      return "none";
    case LoudnessMode::linear:
      return "linear";
    case LoudnessMode::limited:
      return "limited";
  }
  return "none";
}

LoudnessPlan plan_loudness(const Loudness& measured, const LoudnessTarget& target) {
  LoudnessPlan plan;
  plan.limit_dbtp = target.true_peak_dbtp - codec_peak_headroom_db;
  if (measured.integrated_lufs <= -70.0) return plan;  // silence: nothing to normalise
  plan.gain_db = target.integrated_lufs - measured.integrated_lufs;
  const bool peaks_allow = measured.true_peak_dbtp + plan.gain_db <= plan.limit_dbtp;
  plan.mode = peaks_allow ? LoudnessMode::linear : LoudnessMode::limited;
  return plan;
}

nlohmann::json to_json(const LoudnessPlan& plan) {
  nlohmann::json j = {{"mode", to_string(plan.mode)}, {"gain_db", plan.gain_db}, {"limit_dbtp", plan.limit_dbtp}};
  if (plan.mode == LoudnessMode::limited) j["trials"] = plan.trials;
  return j;
}

LoudnessNormalizer::LoudnessNormalizer(const LoudnessPlan& plan, const media::AudioFormat& format, std::string clip)
    : clip_(std::move(clip)) {
  graph_.reset(avfilter_graph_alloc());
  if (!graph_) throw std::bad_alloc();
  graph_->nb_threads = 1;  // one graph per audio track; the same bytes whatever the machine
  const char* sample_format = av_get_sample_fmt_name(format.sample_format);
  const std::string layout = describe_layout(format.channels);
  const std::string source_args = fmt::format("time_base=1/{}:sample_rate={}:sample_fmt={}:channel_layout={}",
                                              format.sample_rate, format.sample_rate, sample_format, layout);
  const std::string back =
      fmt::format("sample_fmts={}:sample_rates={}:channel_layouts={}", sample_format, format.sample_rate, layout);
  // filter name, arguments; linked in this order between the source and the sink.
  std::vector<std::pair<std::string, std::string>> chain;
  const std::string gain = fmt::format("volume={:.6f}dB:precision=double", plan.gain_db);
  if (plan.mode == LoudnessMode::limited) {
    const int rate = std::max(format.sample_rate, true_peak_rate);
    chain = {{"aresample", std::to_string(rate)},
             {"volume", gain},
             {"alimiter", fmt::format("limit={:.6f}:attack={}:release={}:level=false:latency=true",
                                      std::clamp(std::pow(10.0, plan.limit_dbtp / 20.0), 0.0625, 1.0),
                                      limiter_attack_ms, limiter_release_ms)},
             {"aresample", std::to_string(format.sample_rate)}};
  } else {
    // One gain on every sample at the clip's own rate: nothing else touched.
    chain = {{"volume", gain}};
  }
  chain.emplace_back("aformat", back);
  media::check_av(avfilter_graph_create_filter(&source_, avfilter_get_by_name("abuffer"), "in", source_args.c_str(),
                                               nullptr, graph_.get()),
                  clip_, stage, "audio source " + source_args);
  AVFilterContext* previous = source_;
  for (const auto& [name, args] : chain) {
    AVFilterContext* filter = nullptr;
    media::check_av(avfilter_graph_create_filter(&filter, avfilter_get_by_name(name.c_str()), nullptr, args.c_str(),
                                                 nullptr, graph_.get()),
                    clip_, stage, fmt::format("{} {}", name, args));
    media::check_av(avfilter_link(previous, 0, filter, 0), clip_, stage);
    previous = filter;
  }
  media::check_av(
      avfilter_graph_create_filter(&sink_, avfilter_get_by_name("abuffersink"), "out", nullptr, nullptr, graph_.get()),
      clip_, stage, "audio sink");
  media::check_av(avfilter_link(previous, 0, sink_, 0), clip_, stage);
  media::check_av(avfilter_graph_config(graph_.get(), nullptr), clip_, stage,
                  fmt::format("configuring the {} normaliser", to_string(plan.mode)));
}

void LoudnessNormalizer::process(const AVFrame* samples, AVAudioFifo& out) {
  media::FramePtr copy;
  if (samples != nullptr) {
    copy = media::ref_frame(samples);
    copy->pts = next_pts_;  // the track's own clock: contiguous samples
    next_pts_ += samples->nb_samples;
  }
  // buffersrc takes the copy's references; nullptr marks the end of the audio.
  media::check_av(av_buffersrc_add_frame_flags(source_, copy.get(), 0), clip_, stage);
  drain(out);
}

void LoudnessNormalizer::drain(AVAudioFifo& out) {
  for (;;) {
    const int rc = av_buffersink_get_frame(sink_, out_.get());
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return;
    media::check_av(rc, clip_, stage);
    // Sample n out is sample n in: nothing is handed out past the samples given.
    const int n = static_cast<int>(std::clamp<int64_t>(next_pts_ - handed_out_, 0, out_->nb_samples));
    const int written = n > 0 ? av_audio_fifo_write(&out, reinterpret_cast<void**>(out_->extended_data), n) : 0;
    av_frame_unref(out_.get());
    if (written < n) throw std::bad_alloc();
    handed_out_ += n;
  }
}

}  // namespace pressreel::preview
