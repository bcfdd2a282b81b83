// EBU R128 measurement by the audio-only read, and normalisation of the previews' audio to the target.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

extern "C" {
#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
}

#include "pressreel/media/decode_pass.hpp"
#include "pressreel/media/probe.hpp"
#include "pressreel/media/resampler.hpp"
#include "pressreel/preview/loudness.hpp"
#include "pressreel/preview/loudness_normalizer.hpp"
#include "pressreel/preview/rendition_encoder.hpp"
#include "test_support.hpp"

namespace {

using namespace pressreel;
using pressreel::testing::TempDir;

TEST(Loudness, SineAtMinus20DbfsInBothChannelsReadsMinus20Lufs) {
  TempDir dir;
  // BS.1770: a 1 kHz sine of peak A in both channels of stereo reads 20*log10(A) LUFS.
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "aevalsrc=0.1*sin(2*PI*1000*t)|0.1*sin(2*PI*1000*t):s=48000:d=4",
                              "-c:a", "pcm_s16le"},
                             dir / "sine.wav");
  const auto reading = preview::measure_loudness(dir / "sine.wav");
  ASSERT_TRUE(reading.loudness.has_value());
  EXPECT_NEAR(reading.loudness->integrated_lufs, -20.0, 0.2);
  EXPECT_NEAR(reading.loudness->true_peak_dbtp, -20.0, 0.3);
  EXPECT_NEAR(reading.loudness->seconds, 4.0, 0.01);
  EXPECT_TRUE(reading.error.empty());
}

TEST(Loudness, APeakInTheLastTenthOfASecondIsMeasured) {
  TempDir dir;
  // A -26 dBFS tone whose last 40 ms, after 4 s, carry a full-scale burst: the audio's last, partial
  // 100 ms block (where the burst is) completes no block of ebur128's. A pool clip with a click there
  // was read at -9.7 dBTP instead of +1.8, given linear gain, and its preview peaked at +6.9 dBTP.
  pressreel::testing::ffmpeg(
      {"-f", "lavfi", "-i",
       "aevalsrc=if(gte(t\\,4)\\,0.99\\,0.05)*sin(2*PI*1000*t)|0.05*sin(2*PI*1000*t):s=48000:d=4.04",
       "-c:a", "pcm_s16le"},
      dir / "click.wav");
  const auto reading = preview::measure_loudness(dir / "click.wav");
  ASSERT_TRUE(reading.loudness.has_value());
  EXPECT_GT(reading.loudness->true_peak_dbtp, -1.0);
  EXPECT_NEAR(reading.loudness->seconds, 4.04, 0.01) << "the padding that completes the block is not counted";
  // The loudness is the tone's: the burst is shorter than a block.
  EXPECT_NEAR(reading.loudness->integrated_lufs, -26.0, 0.5);
  // With the peak known, the plan cannot be a plain gain.
  EXPECT_EQ(preview::plan_loudness(*reading.loudness, {}).mode, preview::LoudnessMode::dynamic);
}

TEST(Loudness, VideoOnlyClipHasNothingToMeasure) {
  TempDir dir;
  const auto clip = pressreel::testing::make_test_clip(dir / "v.mp4", 10, "25");
  const auto reading = preview::measure_loudness(clip);
  EXPECT_FALSE(reading.loudness.has_value());
  EXPECT_TRUE(reading.error.empty());
}

TEST(Loudness, LinearWhereThePeaksLeaveRoomDynamicWhereTheyDoNot) {
  const preview::LoudnessTarget target;  // -16 LUFS, -1.5 dBTP
  const double limit = target.true_peak_dbtp - preview::codec_peak_headroom_db;
  // A quiet, even mix: +8 dB keeps its peak under the limit.
  preview::LoudnessPlan plan = preview::plan_loudness({-24.0, -12.0, 5, 10, -34}, target);
  EXPECT_EQ(plan.mode, preview::LoudnessMode::linear);
  EXPECT_DOUBLE_EQ(plan.gain_db, 8.0);
  EXPECT_DOUBLE_EQ(plan.limit_dbtp, limit);
  // A loud one only comes down.
  plan = preview::plan_loudness({-12.0, -0.5, 5, 10, -22}, target);
  EXPECT_EQ(plan.mode, preview::LoudnessMode::linear);
  EXPECT_DOUBLE_EQ(plan.gain_db, -4.0);
  // A peaky mix: +8 dB would put its peak at +4 dBTP, so the limiter has to work.
  plan = preview::plan_loudness({-24.0, -4.0, 5, 10, -34}, target);
  EXPECT_EQ(plan.mode, preview::LoudnessMode::dynamic);
  EXPECT_DOUBLE_EQ(plan.gain_db, 8.0);
  // Digital silence is left alone.
  EXPECT_EQ(preview::plan_loudness({-70.0, -120.0, 0, 10, -70}, target).mode, preview::LoudnessMode::none);
}

TEST(Loudness, CalibrationFollowsTheTrialsLineOrKeepsTheNearerTrial) {
  // Real clips' trials at offsets 0 and 1.5 dB. A steady rise: the offset on the line through them
  // (Blender's Big Buck Bunny, -16.5 then -15.6 LUFS: 0.6 LU per dB, 0.83 dB to go).
  EXPECT_NEAR(preview::calibrated_offset(-16.0, -16.5, -15.6), 0.5 / 0.6, 1e-9);
  // Too loud already without an offset: the line is followed down, at most 1.5 dB.
  EXPECT_NEAR(preview::calibrated_offset(-16.0, -15.4, -14.0), -0.6 / (1.4 / 1.5), 1e-9);
  EXPECT_DOUBLE_EQ(preview::calibrated_offset(-16.0, -14.4, -13.0), -1.5);
  // Louder with less offset (a Planet Blupi clip, -16.9 then -17.3): no line, the nearer trial.
  EXPECT_DOUBLE_EQ(preview::calibrated_offset(-16.0, -16.9, -17.3), 0.0);
  EXPECT_DOUBLE_EQ(preview::calibrated_offset(-16.0, -17.3, -17.1), 1.5);  // 0.13 LU per dB: flat
  // A line is not followed more than 1.5 dB past the probe.
  EXPECT_DOUBLE_EQ(preview::calibrated_offset(-16.0, -30.0, -29.5), 3.0);
  // A trial that could not read the audio leaves the other's offset, or none.
  EXPECT_DOUBLE_EQ(preview::calibrated_offset(-16.0, std::nullopt, -17.0), 1.5);
  EXPECT_DOUBLE_EQ(preview::calibrated_offset(-16.0, -17.0, std::nullopt), 0.0);
  EXPECT_DOUBLE_EQ(preview::calibrated_offset(-16.0, std::nullopt, std::nullopt), 0.0);
}

TEST(Loudness, RelativeGateIsTenLuBelowTheBlocksAboveTheAbsoluteGate) {
  TempDir dir;
  // A steady sine: every block is at the integrated loudness, so the gate is 10 LU under it.
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "aevalsrc=0.1*sin(2*PI*1000*t)|0.1*sin(2*PI*1000*t):s=48000:d=4",
                              "-c:a", "pcm_s16le"},
                             dir / "sine.wav");
  const auto reading = preview::measure_loudness(dir / "sine.wav");
  ASSERT_TRUE(reading.loudness.has_value());
  EXPECT_NEAR(reading.loudness->threshold_lufs, reading.loudness->integrated_lufs - 10.0, 0.3);
}

// A 240p clip with `audio` (an aevalsrc expression, both channels) for `seconds`, encoded as one
// rendition; returns the report of that rendition.
nlohmann::json preview_with_audio(const TempDir& dir, const std::string& audio, int seconds) {
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i",
                              "aevalsrc=" + audio + "|" + audio + ":s=48000", "-t", std::to_string(seconds), "-c:v",
                              "libx264", "-preset", "ultrafast", "-c:a", "pcm_s16le"},
                             dir / "clip.mov");
  preview::PreviewOptions options;
  options.renditions = {{"240p", 240}};
  preview::RenditionEncoder encoder(dir / "out", options);
  media::FrameSink* sinks[] = {&encoder};
  media::run_decode_pass(media::probe(dir / "clip.mov"), sinks);
  return encoder.report().at(0);
}

// What a publisher checks on the written preview: loudness on target, true peak under the ceiling.
void expect_on_target(const std::filesystem::path& preview, const nlohmann::json& report) {
  const preview::LoudnessTarget target;
  const auto measured = preview::measure_loudness(preview);
  ASSERT_TRUE(measured.loudness.has_value());
  EXPECT_NEAR(measured.loudness->integrated_lufs, target.integrated_lufs, 1.0);
  EXPECT_LE(measured.loudness->true_peak_dbtp, target.true_peak_dbtp);
  // The manifest records the same reading of the written file.
  EXPECT_NEAR(report["loudness"]["after"]["integrated_lufs"].get<double>(), measured.loudness->integrated_lufs, 1e-6);
  EXPECT_EQ(report["loudness"]["on_target"], true);
}

TEST(LoudnessNormalisation, QuietBedWithFullScaleClicksReachesTheTargetUnderTheCeiling) {
  TempDir dir;
  // A bed of two quiet tones (about -28 LUFS with the clicks) under a 1 ms burst at 0 dBFS every
  // second: the clicks leave a plain gain no room at all (the old gain, capped by the peak, stayed
  // some 12 LU short of the target), and the limiter holding them down takes the loudness they
  // carried (a loss the trial runs make up).
  const nlohmann::json r = preview_with_audio(
      dir, "0.03*sin(2*PI*220*t)+0.02*sin(2*PI*347*t)+if(lt(mod(t\\,1)\\,0.001)\\,0.99*sin(2*PI*1000*t)\\,0)", 8);
  EXPECT_GT(r["loudness"]["before"]["true_peak_dbtp"].get<double>(), -0.5);
  EXPECT_LT(r["loudness"]["before"]["integrated_lufs"].get<double>(), -25.0);
  EXPECT_EQ(r["loudness"]["mode"], "dynamic");
  expect_on_target(dir / "out" / "preview-240p.mp4", r);
}

TEST(LoudnessNormalisation, AudioShorterThanLoudnormsWindowStillReachesTheTarget) {
  TempDir dir;
  // The bed and clicks above, for 2 s: loudnorm's dynamic mode works on 3 s windows, and a 2.5 s pool
  // clip given to it as is came out 14 LU under its own loudness, let alone the target.
  const nlohmann::json r = preview_with_audio(
      dir, "0.03*sin(2*PI*220*t)+0.02*sin(2*PI*347*t)+if(lt(mod(t\\,1)\\,0.001)\\,0.99*sin(2*PI*1000*t)\\,0)", 2);
  EXPECT_EQ(r["loudness"]["mode"], "dynamic");
  EXPECT_NEAR(r["loudness"]["after"]["seconds"].get<double>(), 2.0, 0.05) << "the padding is cut off";
  expect_on_target(dir / "out" / "preview-240p.mp4", r);
}

TEST(LoudnessNormalisation, APreviewThatCannotReachTheTargetSaysSo) {
  TempDir dir;
  // Nothing but 1 ms full-scale clicks: their loudness is all in peaks already at the ceiling, so no
  // limiter brings it to -16 LUFS without clipping them. The manifest says the target was missed.
  const nlohmann::json r =
      preview_with_audio(dir, "if(lt(mod(t\\,0.5)\\,0.001)\\,0.99*sin(2*PI*1000*t)\\,0)", 4);
  EXPECT_EQ(r["loudness"]["mode"], "dynamic");
  EXPECT_LT(r["loudness"]["after"]["integrated_lufs"].get<double>(), -17.0);
  EXPECT_EQ(r["loudness"]["on_target"], false);
}

TEST(LoudnessNormalisation, QuietEvenAudioIsRaisedByOneGain) {
  TempDir dir;
  const nlohmann::json r = preview_with_audio(dir, "0.02*sin(2*PI*440*t)*(1+0.3*sin(2*PI*0.5*t))", 6);
  EXPECT_LT(r["loudness"]["before"]["integrated_lufs"].get<double>(), -30.0);
  EXPECT_EQ(r["loudness"]["mode"], "linear");
  expect_on_target(dir / "out" / "preview-240p.mp4", r);
}

TEST(LoudnessNormalisation, LinearModeIsOneGainOnEverySampleAtTheClipsRate) {
  // Quiet audio with room for its gain: linear mode. Every sample comes out the same sample times
  // the gain loudnorm's linear mode applies (target minus measured loudness), none lost or added,
  // and nothing else: no trip through 192 kHz and back, which would also touch the high tones.
  preview::Loudness measured;
  measured.integrated_lufs = -31.0;
  measured.true_peak_dbtp = -20.0;
  measured.range_lu = 4.0;
  measured.threshold_lufs = -41.0;
  const preview::LoudnessTarget target;
  const preview::LoudnessPlan plan = preview::plan_loudness(measured, target);
  ASSERT_EQ(plan.mode, preview::LoudnessMode::linear);
  const media::AudioFormat format{AV_SAMPLE_FMT_FLTP, 48000, 2};
  preview::LoudnessNormalizer normalizer(measured, target, plan, format, "test");
  media::Resampler resampler(format, "test");
  const media::AudioFifoPtr out = resampler.make_fifo();

  const int samples = 48000, chunk = 1024;
  std::vector<float> sent[2];
  for (int start = 0; start < samples; start += chunk) {
    media::FramePtr frame = media::make_frame();
    frame->format = AV_SAMPLE_FMT_FLTP;
    frame->sample_rate = 48000;
    av_channel_layout_default(&frame->ch_layout, 2);
    frame->nb_samples = std::min(chunk, samples - start);
    ASSERT_GE(av_frame_get_buffer(frame.get(), 0), 0);
    for (int c = 0; c < 2; ++c) {
      auto* data = reinterpret_cast<float*>(frame->extended_data[c]);
      for (int i = 0; i < frame->nb_samples; ++i) {
        const double t = (start + i) / 48000.0;
        data[i] = static_cast<float>(0.03 * std::sin(2 * M_PI * (c ? 15000.0 : 440.0) * t) + 0.01 * std::sin(2 * M_PI * 9100.0 * t));
        sent[c].push_back(data[i]);
      }
    }
    normalizer.process(frame.get(), *out);
  }
  normalizer.process(nullptr, *out);

  ASSERT_EQ(av_audio_fifo_size(out.get()), samples);
  std::vector<float> left(samples), right(samples);
  void* planes[] = {left.data(), right.data()};
  ASSERT_EQ(av_audio_fifo_read(out.get(), planes, samples), samples);
  const double gain = std::pow(10.0, (target.integrated_lufs - measured.integrated_lufs) / 20.0);
  for (int i = 0; i < samples; ++i) {
    ASSERT_NEAR(left[i], gain * sent[0][static_cast<size_t>(i)], 1e-6) << "sample " << i;
    ASSERT_NEAR(right[i], gain * sent[1][static_cast<size_t>(i)], 1e-6) << "sample " << i;
  }
}

TEST(LoudnessNormalisation, LoudPeakyAudioIsBroughtDownUnderTheCeiling) {
  TempDir dir;
  // Clipped-loud music: about -8 LUFS with peaks at full scale.
  const nlohmann::json r = preview_with_audio(dir, "0.9*sin(2*PI*220*t)*(0.6+0.4*sin(2*PI*3*t))", 6);
  EXPECT_GT(r["loudness"]["before"]["integrated_lufs"].get<double>(), -12.0);
  expect_on_target(dir / "out" / "preview-240p.mp4", r);
}

TEST(Loudness, BrokenAudioIsMeasuredAsFarAsItGoesWithoutThrowing) {
  PRESSREEL_SHARED_CLIP_OR_SKIP(clip, "broken-audio.mp4");
  preview::LoudnessReading reading;
  EXPECT_NO_THROW(reading = preview::measure_loudness(clip));
  if (reading.loudness) {
    EXPECT_GT(reading.loudness->seconds, 0.0);
  } else {
    EXPECT_FALSE(reading.error.empty());
  }
}

}  // namespace
