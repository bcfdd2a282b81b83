#pragma once
// Web previews as a consumer of the one decode pass: each frame is scaled per rendition in the
// parallel stage and handed in order, in the serial stage, to each rendition's own encoding thread;
// the decode pass's audio is normalised and encoded once per codec and muxed into every rendition.
// No frame is decoded twice.

#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tbb/enumerable_thread_specific.h>

#include "pressreel/media/decode_pass.hpp"
#include "pressreel/media/encoder.hpp"
#include "pressreel/media/frame_sink.hpp"
#include "pressreel/media/muxer.hpp"
#include "pressreel/media/scaler.hpp"
#include "pressreel/preview/audio_track.hpp"
#include "pressreel/preview/loudness.hpp"
#include "pressreel/preview/loudness_normalizer.hpp"
#include "pressreel/preview/options.hpp"
#include "pressreel/preview/output_file.hpp"

namespace pressreel::preview {

class RenditionEncoder : public media::FrameSink {
 public:
  // Writes preview-<rendition>.{mp4,webm} into `folder`. `loudness` is the clip's audio measured
  // beforehand (measure_loudness); when not given, on_start measures it with an audio-only read.
  RenditionEncoder(std::filesystem::path folder, PreviewOptions options = {},
                   std::optional<LoudnessReading> loudness = std::nullopt);
  // The same, with the loudness still being measured beside the pass (its audio-only read would
  // otherwise hold the pass back with one core idle). The video encodes meanwhile; the audio waits,
  // buffered, until the reading is in or the pass is a few seconds into the clip (then the pass waits
  // for it). The files come out byte for byte as with the reading given first.
  RenditionEncoder(std::filesystem::path folder, PreviewOptions options, std::future<LoudnessReading> loudness);
  // Called about once a second while the pass waits for that reading: the pass makes no progress
  // then, and a watchdog of the pass's progress must not take the wait for a stall.
  void while_waiting_for_loudness(std::function<void()> heartbeat) { heartbeat_ = std::move(heartbeat); }
  ~RenditionEncoder() override;

  std::string_view name() const override { return "preview"; }
  void on_start(const media::ProbeResult& probe, const media::VideoStreamInfo& video) override;
  std::any prepare(const media::VideoFrame& frame) override;
  void on_frame(const media::VideoFrame& frame, std::any& prepared) override;
  bool wants_audio() const override { return options_.audio.enabled; }
  void on_audio(const media::AudioFrame& audio) override;
  void on_end(const media::DecodeSummary& summary) override;

  // After on_end: every output as read back (codec, profile, size, bit rate, duration), with the
  // loudness before and after, the normalisation mode and its gain. Reading back takes a while (the loudness after is
  // a whole decode of the audio) on one core, so it is the caller's to run, beside other work after
  // the pass, rather than part of the pass's last step, where it would leave the other cores idle.
  nlohmann::json report() const;
  // After on_end: report(), unless the audio as written missed the target under a plan that
  // corrected_plan can correct. Then the renditions are encoded once more with the corrected plan, in a decode
  // pass of their own (`again`: its decoder and input policy), and the report is theirs, each
  // entry's loudness saying under "first_try" what the first plan gave.
  nlohmann::json read_back(const media::DecodePassOptions& again = {});
  const std::vector<PlannedRendition>& renditions() const { return planned_; }
  // Before on_start: the video encoder threads its renditions of `video` (as delivered) will run,
  // all renditions together.
  int encoder_threads_for(const media::VideoStreamInfo& video) const;

 private:
  struct Output;
  void open_audio(const media::ProbeResult& probe);
  // The measurement beside the pass is in (waiting for it if need be): the audio tracks open, every
  // rendition's file begins, and the audio buffered meanwhile is encoded.
  void settle_loudness();
  // The audio track of `out`'s container, if the clip has one, as a stream of its file; before it begins.
  void add_audio_stream(Output& out);
  void begin_output(Output& out);
  void write_video_packet(Output& out, AVPacket& packet);
  void send_audio_packet(AVPacket& packet, bool webm, AVRational time_base);
  void force_keyframe_on_time_grid(Output& out, AVFrame& picture) const;

  // The loudness of an output's audio as written: read from the first rendition of each container.
  struct Written {
    std::string file;
    LoudnessReading reading;
  };
  const Written& written(const Output& out) const;

  std::filesystem::path folder_;
  PreviewOptions options_;
  std::optional<LoudnessReading> loudness_;
  // Until settle_loudness: the reading being measured, and the pass's audio meanwhile.
  std::future<LoudnessReading> pending_loudness_;
  std::vector<media::AudioFrame> early_audio_;
  std::function<void()> heartbeat_;
  std::optional<media::ProbeResult> probe_;  // from on_start, for a second pass
  mutable std::map<std::string, Written> written_;  // by container
  // When this encoder corrects another's audio: that one's plan and what its written audio measured.
  nlohmann::json first_try_plan_;
  std::map<std::string, nlohmann::json> first_try_after_;  // by container
  std::string clip_;
  bool keyframes_by_time_ = false;  // VFR: GOPs start on the time grid, not every N frames
  LoudnessPlan loudness_plan_;  // mode none until open_audio plans it
  std::vector<PlannedRendition> planned_;
  std::vector<std::unique_ptr<Output>> outputs_;
  std::unique_ptr<AudioTrack> aac_, opus_;
  // Scalers are not thread-safe: one set (one per rendition) per worker thread.
  tbb::enumerable_thread_specific<std::vector<media::Scaler>> scalers_;
  std::string audio_error_;  // from the decode pass, for the report
};

}  // namespace pressreel::preview
