#include "pressreel/preview/rendition_encoder.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <map>

#include "pressreel/media/error.hpp"
#include "pressreel/preview/loudness_calibration.hpp"
#include "media/stored_code.hpp"
#include "preview/encode_worker.hpp"
#include "preview/video_encoder.hpp"

namespace pressreel::preview {

struct RenditionEncoder::Output {
  PlannedRendition plan;
  OutputFile file;
  std::unique_ptr<media::Encoder> video;
  std::unique_ptr<media::Muxer> muxer;
  int audio_stream = -1;
  int64_t last_pts = AV_NOPTS_VALUE;
  int64_t next_gop = 0;  // GOPs started so far, when keyframes are forced by time
  // Frame durations by pts until the encoder hands the packet out (encoders drop them; the muxer
  // needs the last one for the file's duration, and VFR needs every one). The worker's only.
  std::map<int64_t, int64_t> durations;
  // The worker's only: whether the file has begun, and the video packets encoded before it did.
  bool begun = false;
  std::vector<media::PacketPtr> unwritten;
  // Runs everything that touches `video` and `muxer` once they are open, in order. Last: destroyed
  // (stopped) before them.
  std::unique_ptr<EncodeWorker> worker;
  bool webm() const { return plan.container == "webm"; }
};

namespace {

const char* preview_stage = "preview";

// How far into the clip the pass goes before it waits for a loudness reading still being measured.
// Until then the renditions' video packets are held and written once the files begin, ahead of the
// audio by at most this much: well within the 10 s a muxer's interleaving waits for a late stream
// (max_interleave_delta), so the packets are written in the same order as when the audio keeps up.
constexpr double loudness_wait_seconds = 4.0;

// Frame threads per video encoder. x264's output depends on its thread count, so the count never
// follows the machine's cores or how many clips run at once: the same clip and recipe give the same
// bytes everywhere. The default shares six threads among the renditions, at least two each: with the
// decoder and scalers also running, that keeps two cores busy (where a batch of three renditions ran
// with two each before) and a larger machine busy through the clips running side by side. This is
// what is asked; capped H.264 (every default rendition) runs one whatever is asked, see
// video_encoder_threads.
int encoder_threads(const PreviewOptions& options, size_t renditions) {
  if (options.encoder_threads > 0) return options.encoder_threads;
  constexpr int shared_threads = 6;
  return std::max(2, shared_threads / static_cast<int>(std::max<size_t>(1, renditions)));
}

// Whether the decoded picture's pixels already are what the encoders take (4:2:0, BT.709, limited
// range, square), so that only its size may need changing.
bool encoder_ready(const AVFrame* picture) {
  const int matrix = media::stored_code(picture->colorspace);
  const bool bt709 = matrix == AVCOL_SPC_BT709 || (matrix == AVCOL_SPC_UNSPECIFIED && picture->height >= 720);
  const bool square = picture->sample_aspect_ratio.num == picture->sample_aspect_ratio.den ||
                      picture->sample_aspect_ratio.num == 0;
  const bool limited = media::stored_code(picture->color_range) != AVCOL_RANGE_JPEG;
  return picture->format == AV_PIX_FMT_YUV420P && square && bt709 && limited;
}

bool encodable_as_is(const AVFrame* picture, cv::Size size) {
  return encoder_ready(picture) && picture->width == size.width && picture->height == size.height;
}

}  // namespace

RenditionEncoder::RenditionEncoder(std::filesystem::path folder, PreviewOptions options,
                                   std::optional<LoudnessReading> loudness)
    : folder_(std::move(folder)),
      options_(std::move(options)),
      loudness_(std::move(loudness)),
      scalers_([] { return std::vector<media::Scaler>(); }) {}

RenditionEncoder::RenditionEncoder(std::filesystem::path folder, PreviewOptions options,
                                   std::future<LoudnessReading> loudness)
    : RenditionEncoder(std::move(folder), std::move(options)) {
  pending_loudness_ = std::move(loudness);
}

RenditionEncoder::~RenditionEncoder() = default;

int RenditionEncoder::encoder_threads_for(const media::VideoStreamInfo& video) const {
  const std::vector<PlannedRendition> planned = plan_renditions(media::display_size(video), options_.renditions);
  const int asked = encoder_threads(options_, planned.size());
  int threads = 0;
  for (const PlannedRendition& plan : planned) threads += video_encoder_threads(plan.options, asked);
  return threads;
}

void RenditionEncoder::on_start(const media::ProbeResult& probe, const media::VideoStreamInfo& video) {
  clip_ = probe.path.string();
  probe_ = probe;
  planned_ = plan_renditions(media::display_size(video), options_.renditions);
  std::filesystem::create_directories(folder_);
  if (!pending_loudness_.valid()) open_audio(probe);

  const int threads = encoder_threads(options_, planned_.size());
  int largest_area = 0;
  for (const PlannedRendition& plan : planned_) largest_area = std::max(largest_area, plan.size.area());
  keyframes_by_time_ = video.variable_frame_rate;
  for (const PlannedRendition& plan : planned_) {
    auto out = std::make_unique<Output>(Output{
        plan, OutputFile(folder_, plan.file_name), nullptr, nullptr, -1, AV_NOPTS_VALUE, 0, {}, false, {}, nullptr});
    out->video = open_video_encoder(plan.options,
                                    {plan.size, video.time_base,
                                     video.frame_rate.valid() ? video.frame_rate : video.average_frame_rate,
                                     options_.gop_seconds, threads, video.variable_frame_rate},
                                    clip_);
    out->muxer = std::make_unique<media::Muxer>(out->file.temporary(), plan.container, clip_, preview_stage,
                                                 out->file.final_path().string());
    out->muxer->add_stream(*out->video);
    if (!pending_loudness_.valid()) {
      add_audio_stream(*out);
      begin_output(*out);
    }
    const WorkerSetup setup = worker_setup(plan.size.area(), largest_area);
    out->worker = std::make_unique<EncodeWorker>(setup.depth, setup.niceness);
    outputs_.push_back(std::move(out));
  }
  std::vector<std::string> threads_each;
  for (const PlannedRendition& plan : planned_) {
    threads_each.push_back(fmt::format("{} {}", plan.options.name, video_encoder_threads(plan.options, threads)));
  }
  spdlog::debug("{}: preview: {} renditions, encoder threads {}", clip_, planned_.size(),
                fmt::join(threads_each, ", "));
}

void RenditionEncoder::add_audio_stream(Output& out) {
  const AudioTrack* audio = out.webm() ? opus_.get() : aac_.get();
  if (audio != nullptr) out.audio_stream = out.muxer->add_stream(audio->encoder());
}

void RenditionEncoder::begin_output(Output& out) {
  // moov before mdat: a browser starts playing before the whole file has arrived. WebM is written
  // bit-exact: otherwise Matroska's header takes a random SegmentUID, and the same VP9 or AV1
  // packets (the same whatever the encoder's threads, run alone or beside another) gave another file.
  if (out.webm()) out.muxer->begin({{"fflags", "+bitexact"}});
  else out.muxer->begin({{"movflags", "+faststart"}});
  out.begun = true;
  for (const auto& packet : out.unwritten) out.muxer->write(*packet, 0, out.video->context()->time_base);
  out.unwritten.clear();
}

void RenditionEncoder::settle_loudness() {
  while (pending_loudness_.wait_for(std::chrono::seconds(1)) != std::future_status::ready) {
    if (heartbeat_) heartbeat_();
  }
  loudness_ = pending_loudness_.get();
  open_audio(*probe_);
  // No worker touches a muxer before its file begins (the job posted here): its audio stream can be
  // added from this thread.
  for (auto& out : outputs_) {
    add_audio_stream(*out);
    out->worker->post([this, &out = *out] { begin_output(out); });
  }
  std::vector<media::AudioFrame> early = std::move(early_audio_);
  early_audio_.clear();
  for (const media::AudioFrame& audio : early) on_audio(audio);
}

void RenditionEncoder::open_audio(const media::ProbeResult& probe) {
  if (!options_.audio.enabled || probe.main_audio() == nullptr) return;
  if (!loudness_) loudness_ = measure_loudness(probe.path, {}, options_);
  if (!loudness_->error.empty()) spdlog::warn("{}", loudness_->error);
  // Audio that cannot be decoded at all gets no track; audio that breaks part way is kept (and
  // padded with silence to the end) so the video is never lost.
  if (!loudness_->loudness) return;
  // A reading taken without a plan (measure_loudness without the audio options) gets one here,
  // uncalibrated.
  if (options_.audio.normalize) {
    loudness_plan_ = loudness_->plan ? *loudness_->plan : plan_loudness(*loudness_->loudness, options_.audio.target);
  }
  spdlog::debug("{}: preview: loudness {} {:+.2f} dB", clip_, to_string(loudness_plan_.mode), loudness_plan_.gain_db);

  bool mp4 = false, webm = false;
  for (const PlannedRendition& plan : planned_) (plan.container == "webm" ? webm : mp4) = true;
  if (mp4) {
    AudioTrackSettings settings = audio_track_settings(options_.audio, false);
    settings.plan = loudness_plan_;
    aac_ = std::make_unique<AudioTrack>(settings, clip_, [this](AVPacket& p) {
      send_audio_packet(p, false, aac_->encoder().context()->time_base);
    });
  }
  if (webm) {
    AudioTrackSettings settings = audio_track_settings(options_.audio, true);
    settings.plan = loudness_plan_;
    opus_ = std::make_unique<AudioTrack>(settings, clip_, [this](AVPacket& p) {
      send_audio_packet(p, true, opus_->encoder().context()->time_base);
    });
  }
}

void RenditionEncoder::send_audio_packet(AVPacket& packet, bool webm, AVRational time_base) {
  for (auto& out : outputs_) {
    if (out->webm() != webm || out->audio_stream < 0) continue;
    // The same encoded audio goes into every rendition: each muxer gets its own reference, written
    // on the rendition's worker, after the video sent before it.
    std::shared_ptr<AVPacket> copy = media::make_packet();
    media::check_av(av_packet_ref(copy.get(), &packet), clip_, preview_stage);
    out->worker->post([&muxer = *out->muxer, copy, stream = out->audio_stream, time_base] {
      muxer.write(*copy, stream, time_base);
    });
  }
}

std::any RenditionEncoder::prepare(const media::VideoFrame& frame) {
  // One scaler per rendition and one for the conversion below: each keeps its swscale context.
  std::vector<media::Scaler>& scalers = scalers_.local();
  if (scalers.size() != outputs_.size() + 1) {
    scalers.clear();
    for (size_t i = 0; i <= outputs_.size(); ++i) scalers.emplace_back(media::ScaleQuality::good);
  }
  auto scaled = std::make_shared<std::vector<media::FramePtr>>();
  const AVFrame* picture = frame.picture.get();
  // A picture needing more than a new size (another matrix or range, 4:2:2, 10-bit, anamorphic) is
  // converted once, at the largest rendition's size; the smaller ones scale that. swscale's change of
  // matrix costs about three plain scales, so this spares it once per further rendition.
  media::FramePtr converted;
  if (outputs_.size() > 1 && !encoder_ready(picture)) {
    cv::Size largest;
    for (const auto& out : outputs_) largest = out->plan.size.area() > largest.area() ? out->plan.size : largest;
    converted = scalers.back().to_frame(picture, largest.width, largest.height, AV_PIX_FMT_YUV420P);
    picture = converted.get();
  }
  for (size_t i = 0; i < outputs_.size(); ++i) {
    const cv::Size size = outputs_[i]->plan.size;
    media::FramePtr out = encodable_as_is(picture, size)
                              ? media::ref_frame(picture)
                              : scalers[i].to_frame(picture, size.width, size.height, AV_PIX_FMT_YUV420P);
    // The source's picture types must not force the encoder's keyframes: the GOP grid decides.
    out->pict_type = AV_PICTURE_TYPE_NONE;
    out->key_frame = 0;
    scaled->push_back(std::move(out));
  }
  return scaled;
}

void RenditionEncoder::on_frame(const media::VideoFrame& frame, std::any& prepared) {
  if (pending_loudness_.valid() &&
      (frame.time.seconds() >= loudness_wait_seconds ||
       pending_loudness_.wait_for(std::chrono::seconds(0)) == std::future_status::ready)) {
    settle_loudness();
  }
  auto& scaled = *std::any_cast<std::shared_ptr<std::vector<media::FramePtr>>&>(prepared);
  // Each rendition encodes on its own worker (encode_worker.hpp says why); only the timestamps and
  // the GOP grid are decided here, in order.
  for (size_t i = 0; i < outputs_.size(); ++i) {
    Output& out = *outputs_[i];
    std::shared_ptr<AVFrame> picture = std::move(scaled[i]);
    const AVRational tb = out.video->context()->time_base;
    int64_t pts = frame.time.rescaled(tb).ticks();
    if (out.last_pts != AV_NOPTS_VALUE && pts <= out.last_pts) pts = out.last_pts + 1;  // repeated timestamps
    out.last_pts = pts;
    picture->pts = pts;
    if (keyframes_by_time_) force_keyframe_on_time_grid(out, *picture);
    out.worker->post([this, &out, picture, duration = frame.duration.rescaled(tb).ticks()] {
      out.durations[picture->pts] = duration;
      out.video->send(picture.get(), [&](AVPacket& p) { write_video_packet(out, p); });
    });
  }
  scaled.clear();
  const media::RationalTime shown = frame.time + frame.duration;
  if (aac_) aac_->encode_until(shown);
  if (opus_) opus_->encode_until(shown);
}

void RenditionEncoder::force_keyframe_on_time_grid(Output& out, AVFrame& picture) const {
  // The first frame at or after each multiple of the GOP length starts a GOP, wherever the frame
  // count has got to: a VFR source's frames are not evenly spaced.
  const AVRational tb = out.video->context()->time_base;
  const auto gop_start = [&](int64_t gop) {
    return static_cast<int64_t>(std::llround(static_cast<double>(gop) * options_.gop_seconds * tb.den / tb.num));
  };
  if (picture.pts < gop_start(out.next_gop)) return;
  picture.pict_type = AV_PICTURE_TYPE_I;
  while (gop_start(out.next_gop) <= picture.pts) ++out.next_gop;
}

void RenditionEncoder::write_video_packet(Output& out, AVPacket& packet) {
  if (auto d = out.durations.find(packet.pts); d != out.durations.end()) {
    packet.duration = d->second;
    out.durations.erase(d);
  }
  if (!out.begun) {
    media::PacketPtr held = media::make_packet();
    av_packet_move_ref(held.get(), &packet);
    out.unwritten.push_back(std::move(held));
    return;
  }
  out.muxer->write(packet, 0, out.video->context()->time_base);
}

void RenditionEncoder::on_audio(const media::AudioFrame& audio) {
  if (pending_loudness_.valid()) {
    early_audio_.push_back(audio);
    if (audio.time.seconds() >= loudness_wait_seconds) settle_loudness();
    return;
  }
  if (aac_) aac_->add(audio);
  if (opus_) opus_->add(audio);
}

void RenditionEncoder::on_end(const media::DecodeSummary& summary) {
  if (pending_loudness_.valid()) settle_loudness();
  if (aac_) aac_->finish(summary.duration);
  if (opus_) opus_->finish(summary.duration);
  // Each rendition drains its encoder and finishes its file on its own worker: one after another,
  // the drains (x264's lookahead and frame threads emptying) would each leave cores idle.
  for (auto& out : outputs_) {
    out->worker->post([this, &out = *out] {
      out.video->finish([&](AVPacket& p) { write_video_packet(out, p); });
      out.muxer->finish();
      out.muxer.reset();
      // x264 keeps its lookahead and reference frames until closed: hundreds of MB for three 1080p
      // renditions that the stages after the pass (stills, sheet, teaser) would otherwise run beside.
      out.video.reset();
    });
  }
  for (auto& out : outputs_) {
    out->worker->finish();
    out->file.commit();
  }
  aac_.reset();
  opus_.reset();
  audio_error_ = summary.audio_error;
}

const RenditionEncoder::Written& RenditionEncoder::written(const Output& out) const {
  auto it = written_.find(out.plan.container);
  if (it == written_.end()) {
    const std::filesystem::path file = out.file.final_path();
    it = written_.emplace(out.plan.container, Written{file.filename().string(), measure_loudness(file)}).first;
  }
  return it->second;
}

nlohmann::json RenditionEncoder::report() const {
  nlohmann::json report = nlohmann::json::array();
  // Loudness after normalisation, measured once per audio codec: every rendition of a container
  // carries the very same encoded audio packets.
  for (const auto& out : outputs_) {
    nlohmann::json entry = describe_output(out->file.final_path());
    entry["rendition"] = to_json(out->plan.options);
    if (out->audio_stream >= 0 && loudness_ && loudness_->loudness) {
      const Written& w = written(*out);
      nlohmann::json after = w.reading.loudness ? to_json(*w.reading.loudness) : nlohmann::json();
      after["measured_on"] = w.file;
      // The mode and limit say how the target was reached; `after` is read from the written file.
      entry["loudness"] = to_json(loudness_plan_);
      entry["loudness"].update({{"before", to_json(*loudness_->loudness)},
                                {"target_lufs", options_.audio.target.integrated_lufs},
                                {"true_peak_ceiling_dbtp", options_.audio.target.true_peak_dbtp},
                                {"after", after}});
      // What a publisher checks on the written file. A clip whose audio is mostly peaks (clicks)
      // cannot be both without clipping them; the manifest then says so rather than the preview
      // passing unnoticed.
      if (loudness_plan_.mode != LoudnessMode::none) {
        entry["loudness"]["on_target"] = w.reading.loudness && publishable(*w.reading.loudness, options_.audio.target);
      }
      if (!first_try_plan_.is_null()) {
        entry["loudness"]["first_try"] = first_try_plan_;
        entry["loudness"]["first_try"]["after"] = first_try_after_.at(out->plan.container);
      }
    }
    if (!audio_error_.empty()) entry["audio_error"] = audio_error_;
    report.push_back(std::move(entry));
  }
  return report;
}

nlohmann::json RenditionEncoder::read_back(const media::DecodePassOptions& again) {
  if (!loudness_ || !loudness_->loudness || !probe_) return report();
  for (const auto& out : outputs_) {
    // Unreadable as written: reported as it is.
    if (out->audio_stream >= 0 && !written(*out).reading.loudness) return report();
  }
  std::vector<Loudness> measured;  // one per container with audio
  for (const auto& [container, w] : written_) measured.push_back(*w.reading.loudness);
  const LoudnessTarget& target = options_.audio.target;
  const std::optional<LoudnessPlan> corrected = corrected_plan(loudness_plan_, measured, target);
  if (!corrected) return report();
  LoudnessReading reading = *loudness_;
  reading.plan = plan_for_previews(probe_->path, again.input, options_, *corrected);
  spdlog::info("{}: the previews' audio came out at {:.1f} LUFS, {:.1f} dBTP from a gain of {:+.2f} dB (target {} "
               "LUFS, ceiling {} dBTP): encoding them again, {} with a gain of {:+.2f} dB",
               clip_, measured.front().integrated_lufs, measured.front().true_peak_dbtp, loudness_plan_.gain_db,
               target.integrated_lufs, target.true_peak_dbtp, to_string(reading.plan->mode), reading.plan->gain_db);
  RenditionEncoder second(folder_, options_, reading);
  second.first_try_plan_ = to_json(loudness_plan_);
  for (const auto& [container, w] : written_) second.first_try_after_[container] = to_json(*w.reading.loudness);
  media::FrameSink* sinks[] = {&second};
  media::run_decode_pass(*probe_, sinks, again);
  return second.report();
}

}  // namespace pressreel::preview
