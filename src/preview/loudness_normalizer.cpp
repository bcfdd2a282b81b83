#include "pressreel/preview/loudness_normalizer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>

#include <tbb/parallel_invoke.h>

extern "C" {
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
}

#include "pressreel/media/error.hpp"

namespace pressreel::preview {
namespace {

const char* stage = "loudness normalisation";

// Dynamic mode's calibration: the second trial's offset, and the least change in loudness per dB
// of offset that a line through the two trials may be trusted with (loudnorm's response flattens,
// and on some clips turns round, once its limiter works hard).
constexpr double probe_offset_db = 1.5;
constexpr double least_trusted_slope = 0.2;
// How far past the trials the line is followed: further out it has missed by more than 1 LU both
// ways (the Blupi trailer came out 1.1 LU loud at 3.7 dB).
constexpr double max_extrapolation_db = 1.5;
// loudnorm's dynamic mode works on a 3 s window. Audio shorter than that it pads with silence on its
// own, but its gain then goes wrong: a 2.5 s pool clip measured at -23.9 LUFS came out at -37.6.
// Padded to the window first (and the padding cut off after), the same clip came out at -20.3 with
// its peaks at the limit.
constexpr double loudnorm_window_seconds = 3.0;

// An option's range as this FFmpeg's loudnorm declares it (LRA's maximum grew between versions).
std::pair<double, double> loudnorm_range(const char* option) {
  const AVFilter* filter = avfilter_get_by_name("loudnorm");
  const AVClass* cls = filter != nullptr ? filter->priv_class : nullptr;
  const AVOption* o = cls != nullptr ? av_opt_find(&cls, option, nullptr, 0, AV_OPT_SEARCH_FAKE_OBJ) : nullptr;
  if (o == nullptr) return {-1e9, 1e9};
  return {o->min, o->max};
}

double clamp_to_option(double value, const char* option) {
  const auto [low, high] = loudnorm_range(option);
  return std::clamp(value, low, high);
}

// loudnorm's arguments. It picks linear mode itself only when every measurement looks given (none
// at its "unset" value, an LRA of 0 included) and the measured LRA fits the target LRA; the plan has
// already decided, so the measurements are nudged off those sentinels and the target LRA is the
// measured one: in dynamic mode that keeps the gain constant wherever the short-term loudness stays
// within the clip's own range, leaving the limiter to deal with the peaks.
std::string loudnorm_args(const Loudness& m, const LoudnessTarget& target, const LoudnessPlan& plan) {
  const double measured_lra = std::max(m.range_lu, 0.01);
  return fmt::format(
      "I={:.2f}:TP={:.2f}:LRA={:.2f}:measured_I={:.2f}:measured_TP={:.2f}:measured_LRA={:.2f}:measured_thresh={:.2f}:"
      "offset={:.2f}:linear={}:print_format=none",
      clamp_to_option(target.integrated_lufs, "I"), clamp_to_option(plan.limit_dbtp, "TP"),
      clamp_to_option(measured_lra, "LRA"), std::min(m.integrated_lufs, -0.01),
      clamp_to_option(m.true_peak_dbtp, "measured_TP"), measured_lra,
      std::min(std::max(m.threshold_lufs, -69.99), -0.01), clamp_to_option(plan.offset_db, "offset"),
      plan.mode == LoudnessMode::linear ? "true" : "false");
}

// The gain loudnorm's linear mode applies: its target minus the measured integrated loudness (the
// values loudnorm_args passes it).
double linear_gain_db(const Loudness& m, const LoudnessTarget& target) {
  return clamp_to_option(target.integrated_lufs, "I") - std::min(m.integrated_lufs, -0.01);
}

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
    case LoudnessMode::dynamic:
      return "dynamic";
  }
  return "none";
}

LoudnessPlan plan_loudness(const Loudness& measured, const LoudnessTarget& target) {
  LoudnessPlan plan;
  plan.limit_dbtp = target.true_peak_dbtp - codec_peak_headroom_db;
  if (measured.integrated_lufs <= -70.0) return plan;  // silence: nothing to normalise
  plan.gain_db = target.integrated_lufs - measured.integrated_lufs;
  // loudnorm keeps linear mode only for a clip whose loudness range fits its largest target range.
  const bool peaks_allow = measured.true_peak_dbtp + plan.gain_db <= plan.limit_dbtp;
  const bool range_allows = measured.range_lu <= loudnorm_range("LRA").second;
  plan.mode = peaks_allow && range_allows ? LoudnessMode::linear : LoudnessMode::dynamic;
  return plan;
}

nlohmann::json to_json(const LoudnessPlan& plan) {
  return {{"mode", to_string(plan.mode)},
          {"gain_db", plan.gain_db},
          {"limit_dbtp", plan.limit_dbtp},
          {"offset_db", plan.offset_db}};
}

LoudnessNormalizer::LoudnessNormalizer(const Loudness& measured, const LoudnessTarget& target, const LoudnessPlan& plan,
                                       const media::AudioFormat& format, std::string clip)
    : clip_(std::move(clip)) {
  graph_.reset(avfilter_graph_alloc());
  if (!graph_) throw std::bad_alloc();
  graph_->nb_threads = 1;  // one graph per audio track; the same bytes whatever the machine
  const char* sample_format = av_get_sample_fmt_name(format.sample_format);
  const std::string layout = describe_layout(format.channels);
  const std::string source_args = fmt::format("time_base=1/{}:sample_rate={}:sample_fmt={}:channel_layout={}",
                                              format.sample_rate, format.sample_rate, sample_format, layout);
  // loudnorm takes and gives 192 kHz doubles; the graph converts to it, and back to the encoder's
  // format and rate after it. In linear mode loudnorm only multiplies every sample by one gain (its
  // meters, and the two resamplings around it, cost a core for seconds on a trailer): `volume` applies
  // that very gain, target minus measured loudness, at the clip's own rate.
  const bool linear = plan.mode == LoudnessMode::linear;
  const std::string args =
      linear ? fmt::format("volume={:.6f}dB:precision=double", linear_gain_db(measured, target))
             : loudnorm_args(measured, target, plan);
  const char* filter = linear ? "volume" : "loudnorm";
  const std::string back =
      fmt::format("sample_fmts={}:sample_rates={}:channel_layouts={}", sample_format, format.sample_rate, layout);
  AVFilterContext *normalise = nullptr, *resample = nullptr, *to_format = nullptr, *pad = nullptr;
  media::check_av(avfilter_graph_create_filter(&source_, avfilter_get_by_name("abuffer"), "in", source_args.c_str(),
                                               nullptr, graph_.get()),
                  clip_, stage, "audio source " + source_args);
  if (!linear && measured.seconds < loudnorm_window_seconds) {
    // A tenth of a second over the window: the resampling to 192 kHz in front of loudnorm keeps a
    // few samples back.
    const auto whole = static_cast<int64_t>(std::ceil((loudnorm_window_seconds + 0.1) * format.sample_rate));
    media::check_av(avfilter_graph_create_filter(&pad, avfilter_get_by_name("apad"), "pad",
                                                 fmt::format("whole_len={}", whole).c_str(), nullptr, graph_.get()),
                    clip_, stage, "apad");
  }
  media::check_av(avfilter_graph_create_filter(&normalise, avfilter_get_by_name(filter), filter, args.c_str(),
                                               nullptr, graph_.get()),
                  clip_, stage, fmt::format("{} {}", filter, args));
  if (!linear) {
    media::check_av(avfilter_graph_create_filter(&resample, avfilter_get_by_name("aresample"), "back",
                                                 std::to_string(format.sample_rate).c_str(), nullptr, graph_.get()),
                    clip_, stage, "aresample");
  }
  media::check_av(avfilter_graph_create_filter(&to_format, avfilter_get_by_name("aformat"), "format", back.c_str(),
                                               nullptr, graph_.get()),
                  clip_, stage, "aformat " + back);
  media::check_av(
      avfilter_graph_create_filter(&sink_, avfilter_get_by_name("abuffersink"), "out", nullptr, nullptr, graph_.get()),
      clip_, stage, "audio sink");
  if (pad != nullptr) {
    media::check_av(avfilter_link(source_, 0, pad, 0), clip_, stage);
    media::check_av(avfilter_link(pad, 0, normalise, 0), clip_, stage);
  } else {
    media::check_av(avfilter_link(source_, 0, normalise, 0), clip_, stage);
  }
  if (resample != nullptr) {
    media::check_av(avfilter_link(normalise, 0, resample, 0), clip_, stage);
    media::check_av(avfilter_link(resample, 0, to_format, 0), clip_, stage);
  } else {
    media::check_av(avfilter_link(normalise, 0, to_format, 0), clip_, stage);
  }
  media::check_av(avfilter_link(to_format, 0, sink_, 0), clip_, stage);
  media::check_av(avfilter_graph_config(graph_.get(), nullptr), clip_, stage, fmt::format("configuring {}", filter));
}

namespace {

// The integrated loudness of the clip's audio through the normaliser with `plan`; nothing when the
// audio cannot be read to its end or is silent.
std::optional<double> trial_loudness(const std::filesystem::path& clip, const media::InputPolicy& policy,
                                     const Loudness& measured, const LoudnessTarget& target, const LoudnessPlan& plan,
                                     const media::AudioFormat& format) {
  const std::string name = clip.string();
  // The very chain of the previews' audio track: resampled to its format, then normalised.
  media::Resampler resampler(format, name);
  media::AudioFifoPtr converted = resampler.make_fifo(), normalized = resampler.make_fifo();
  LoudnessNormalizer normalizer(measured, target, plan, format, name);
  std::optional<LoudnessMeter> meter;
  media::FramePtr chunk = media::make_frame();
  // Moves what `fifo` holds into `to` (the normaliser or the meter), as one frame.
  const auto pass = [&](AVAudioFifo& fifo, const std::function<void(const AVFrame*)>& to) {
    const int n = av_audio_fifo_size(&fifo);
    if (n == 0) return;
    av_frame_unref(chunk.get());
    chunk->format = format.sample_format;
    chunk->sample_rate = format.sample_rate;
    av_channel_layout_default(&chunk->ch_layout, format.channels);
    chunk->nb_samples = n;
    media::check_av(av_frame_get_buffer(chunk.get(), 0), name, stage);
    av_audio_fifo_read(&fifo, reinterpret_cast<void**>(chunk->extended_data), n);
    to(chunk.get());
  };
  const auto normalise = [&](const AVFrame* f) { normalizer.process(f, *normalized); };
  const auto measure = [&](const AVFrame* f) {
    if (!meter) meter.emplace(*f, name);
    meter->add(f);
  };
  std::string error;
  read_main_audio(
      clip, policy,
      [&](const AVFrame& frame) {
        resampler.convert(frame, *converted);
        pass(*converted, normalise);
        pass(*normalized, measure);
      },
      error);
  try {
    resampler.flush(*converted);
    pass(*converted, normalise);
    normalizer.process(nullptr, *normalized);
    pass(*normalized, measure);
    if (meter) meter->add(nullptr);
  } catch (const media::MediaError& e) {
    error = e.what();
  }
  if (!error.empty() || !meter || meter->samples() == 0) return std::nullopt;
  const Loudness trial = meter->result();
  if (trial.integrated_lufs <= -70.0) return std::nullopt;
  return trial.integrated_lufs;
}

}  // namespace

LoudnessPlan calibrate_dynamic_plan(const std::filesystem::path& clip, const media::InputPolicy& policy,
                                    const Loudness& measured, const LoudnessTarget& target, LoudnessPlan plan,
                                    const media::AudioFormat& format) {
  if (plan.mode != LoudnessMode::dynamic) return plan;
  // Two trials side by side (each a read of the audio through loudnorm on one core): without an
  // offset and with a small one. Run one after the other, the second waited on the first's result
  // and doubled the time; the two points give the slope too, which a step of the whole shortfall
  // assumed to be 1 (it is 0.2 to 0.9 on real clips, and negative on some).
  std::optional<double> at_zero, at_probe;
  const auto trial = [&](double offset) {
    LoudnessPlan tried = plan;
    tried.offset_db = offset;
    return trial_loudness(clip, policy, measured, target, tried, format);
  };
  tbb::parallel_invoke([&] { at_zero = trial(0.0); }, [&] { at_probe = trial(probe_offset_db); });
  plan.offset_db = calibrated_offset(target.integrated_lufs, at_zero, at_probe);
  return plan;
}

double calibrated_offset(double target_lufs, std::optional<double> at_zero, std::optional<double> at_probe) {
  if (!at_zero && !at_probe) return 0.0;  // no trial could read the audio: the plan stands
  if (!at_zero || !at_probe) return at_zero ? 0.0 : probe_offset_db;
  const double slope = (*at_probe - *at_zero) / probe_offset_db;
  if (slope < least_trusted_slope) {
    // Flat or turned round: the trial nearer the target, as measured.
    return std::abs(target_lufs - *at_zero) <= std::abs(target_lufs - *at_probe) ? 0.0 : probe_offset_db;
  }
  const double offset = (target_lufs - *at_zero) / slope;
  return std::clamp(offset, -max_extrapolation_db, probe_offset_db + max_extrapolation_db);
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
    // Sample n out is sample n in: what comes out past the samples given is padding.
    const int n = static_cast<int>(std::clamp<int64_t>(next_pts_ - handed_out_, 0, out_->nb_samples));
    const int written = n > 0 ? av_audio_fifo_write(&out, reinterpret_cast<void**>(out_->extended_data), n) : 0;
    av_frame_unref(out_.get());
    if (written < n) throw std::bad_alloc();
    handed_out_ += n;
  }
}

}  // namespace pressreel::preview
