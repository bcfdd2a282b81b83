#include "pressreel/preview/loudness.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <nlohmann/json.hpp>

extern "C" {
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/channel_layout.h>
}

#include "media/stream_reader.hpp"
#include "pressreel/media/error.hpp"
#include "pressreel/preview/loudness_calibration.hpp"
#include "pressreel/preview/loudness_normalizer.hpp"

namespace pressreel::preview {

LoudnessMeter::LoudnessMeter(const AVFrame& first, const std::string& clip)
    : clip_(clip), format_(media::ref_frame(&first)) {
  graph_.reset(avfilter_graph_alloc());
  if (!graph_) throw std::bad_alloc();
  graph_->nb_threads = 1;
  char layout[256] = {};
  AVChannelLayout ch{};
  if (first.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC) av_channel_layout_default(&ch, first.ch_layout.nb_channels);
  else av_channel_layout_copy(&ch, &first.ch_layout);
  av_channel_layout_describe(&ch, layout, sizeof layout);
  av_channel_layout_uninit(&ch);
  const std::string args = fmt::format("time_base=1/{}:sample_rate={}:sample_fmt={}:channel_layout={}",
                                       first.sample_rate, first.sample_rate,
                                       av_get_sample_fmt_name(static_cast<AVSampleFormat>(first.format)), layout);
  const std::string stage = "loudness";
  media::check_av(avfilter_graph_create_filter(&source_, avfilter_get_by_name("abuffer"), "in", args.c_str(), nullptr,
                                               graph_.get()),
                  clip_, stage, "audio source " + args);
  // Frames cut to 100 ms before the meter: each then carries exactly one new momentary (400 ms
  // block) loudness, from which the relative gating threshold is worked out (see read_metadata).
  AVFilterContext* blocks = nullptr;
  media::check_av(avfilter_graph_create_filter(&blocks, avfilter_get_by_name("asetnsamples"), "blocks",
                                               fmt::format("n={}:p=0", std::max(1, first.sample_rate / 10)).c_str(),
                                               nullptr, graph_.get()),
                  clip_, stage, "asetnsamples");
  AVFilterContext* meter = nullptr;
  media::check_av(avfilter_graph_create_filter(&meter, avfilter_get_by_name("ebur128"), "r128", "peak=true:metadata=1",
                                               nullptr, graph_.get()),
                  clip_, stage, "ebur128");
  media::check_av(
      avfilter_graph_create_filter(&sink_, avfilter_get_by_name("abuffersink"), "out", nullptr, nullptr, graph_.get()),
      clip_, stage, "audio sink");
  media::check_av(avfilter_link(source_, 0, blocks, 0), clip_, stage);
  media::check_av(avfilter_link(blocks, 0, meter, 0), clip_, stage);
  media::check_av(avfilter_link(meter, 0, sink_, 0), clip_, stage);
  media::check_av(avfilter_graph_config(graph_.get(), nullptr), clip_, stage, "configuring ebur128");
}

void LoudnessMeter::add(const AVFrame* frame) {
  if (frame == nullptr) add_padding();
  media::FramePtr copy = frame ? media::ref_frame(frame) : nullptr;
  if (frame != nullptr) input_samples_ += frame->nb_samples;
  // buffersrc takes the copy's references; nullptr marks the end of the audio.
  media::check_av(av_buffersrc_add_frame_flags(source_, copy.get(), 0), clip_, "loudness");
  for (;;) {
    const int rc = av_buffersink_get_frame(sink_, out_.get());
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return;
    media::check_av(rc, clip_, "loudness");
    rate_ = out_->sample_rate;
    // The audio's last samples with the padding after them: only their peak is taken.
    read_metadata(*out_, samples_ + out_->nb_samples > input_samples_);
    samples_ = std::min(samples_ + out_->nb_samples, input_samples_);
    av_frame_unref(out_.get());
  }
}

// ebur128 reports the true peak with each 100 ms block it completes. The audio's last, partial block
// completes none, and the peak interpolator needs samples past a peak to find it: a click in the last
// tenth of a second went unmeasured (a pool clip, -9.7 dBTP read where FFmpeg's summary says +1.8, so
// its preview was given +5.8 dB of linear gain and peaked at +6.9 dBTP). A block of silence after the
// end completes it; only its peak is read (the loudness values keep to the audio's own blocks).
void LoudnessMeter::add_padding() {
  media::FramePtr silence =
      media::make_silence(static_cast<AVSampleFormat>(format_->format), format_->sample_rate, format_->ch_layout,
                          std::max(1, format_->sample_rate / 10), clip_, "loudness padding");
  silence->pts = AV_NOPTS_VALUE;
  media::check_av(av_buffersrc_add_frame_flags(source_, silence.get(), 0), clip_, "loudness", "padding");
}

Loudness LoudnessMeter::result() const {
  Loudness l;
  l.integrated_lufs = integrated_;
  l.true_peak_dbtp = peak_ > 0 ? 20.0 * std::log10(peak_) : -120.0;
  l.range_lu = range_;
  l.seconds = rate_ > 0 ? static_cast<double>(samples_) / rate_ : 0.0;
  // Relative gate: 10 LU below the mean energy of the blocks above the absolute gate (-70 LUFS).
  if (gated_blocks_ > 0) l.threshold_lufs = 10.0 * std::log10(gated_energy_ / static_cast<double>(gated_blocks_)) - 10.0;
  return l;
}

void LoudnessMeter::read_metadata(const AVFrame& frame, bool peak_only) {
  auto value = [&](const char* key, double& into) {
    if (const AVDictionaryEntry* e = av_dict_get(frame.metadata, key, nullptr, 0)) into = std::atof(e->value);
  };
  value("lavfi.r128.true_peak", peak_);  // linear, maximum so far over all channels
  if (peak_only) return;
  value("lavfi.r128.I", integrated_);
  value("lavfi.r128.LRA", range_);
  double momentary = -120.0;
  value("lavfi.r128.M", momentary);
  if (momentary > -70.0) {
    gated_energy_ += std::pow(10.0, momentary / 10.0);
    ++gated_blocks_;
  }
}


bool read_main_audio(const std::filesystem::path& clip, const media::InputPolicy& policy,
                     const std::function<void(const AVFrame&)>& on_audio, std::string& error) {
  const std::string name = clip.string();
  media::FormatContextPtr input = media::open_input(clip, policy);
  const int index = av_find_best_stream(input.get(), AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  if (index < 0) return false;
  // Only audio packets are read out of the demuxer; video is skipped without decoding.
  media::ReaderStreams streams;
  streams.audio = index;
  streams.stage = "loudness";
  try {
    media::StreamReader reader(std::move(input), name, streams, policy);
    std::deque<media::AudioFrame>& decoded = reader.audio_frames();
    for (bool more = reader.has_audio(); more;) {
      more = reader.decode_next();
      if (!more && !reader.cut_off().empty()) error = fmt::format("{}: loudness: read: {}", name, reader.cut_off());
      // Audio the decoder gave up on is measured up to the packet that failed, not into it.
      if (!reader.has_audio()) break;
      for (; !decoded.empty(); decoded.pop_front()) on_audio(*decoded.front().samples);
    }
    if (!reader.audio_error().empty()) error = reader.audio_error();
  } catch (const media::MediaError& e) {
    error = e.what();
  }
  return true;
}

LoudnessReading measure_loudness(const std::filesystem::path& clip, const media::InputPolicy& policy) {
  const std::string name = clip.string();
  LoudnessReading reading;
  std::unique_ptr<LoudnessMeter> meter;
  read_main_audio(
      clip, policy,
      [&](const AVFrame& frame) {
        // The meter is built for the first frame's format; frames that change it mid-stream end
        // the measurement (a rare, broken case: what was measured stands).
        if (!meter) meter = std::make_unique<LoudnessMeter>(frame, name);
        meter->add(&frame);
      },
      reading.error);
  if (meter) {
    try {
      meter->add(nullptr);
    } catch (const media::MediaError& e) {
      if (reading.error.empty()) reading.error = e.what();
    }
    if (meter->samples() > 0) reading.loudness = meter->result();
  }
  return reading;
}

LoudnessReading measure_loudness(const std::filesystem::path& clip, const media::InputPolicy& policy,
                                 const PreviewOptions& preview) {
  const AudioOptions& audio = preview.audio;
  LoudnessReading reading = measure_loudness(clip, policy);
  if (!reading.loudness || !audio.normalize) return reading;
  reading.plan = plan_for_previews(clip, policy, preview, plan_loudness(*reading.loudness, audio.target));
  return reading;
}

LoudnessPlan plan_for_previews(const std::filesystem::path& clip, const media::InputPolicy& policy,
                               const PreviewOptions& preview, const LoudnessPlan& plan) {
  if (plan.mode != LoudnessMode::limited) return plan;
  // The trials encode as the renditions do: AAC for MP4 (and when there are none), Opus for WebM.
  bool mp4 = preview.renditions.empty(), webm = false;
  for (const RenditionOptions& r : preview.renditions) (r.codec == VideoCodec::h264 ? mp4 : webm) = true;
  std::vector<AudioTrackSettings> encodings;
  if (mp4) encodings.push_back(audio_track_settings(preview.audio, false));
  if (webm) encodings.push_back(audio_track_settings(preview.audio, true));
  return calibrate_limited_plan(clip, policy, preview.audio.target, plan, encodings);
}

nlohmann::json to_json(const Loudness& l) {
  return {{"integrated_lufs", l.integrated_lufs}, {"true_peak_dbtp", l.true_peak_dbtp}, {"range_lu", l.range_lu},
          {"threshold_lufs", l.threshold_lufs}, {"seconds", l.seconds}};
}

}  // namespace pressreel::preview
