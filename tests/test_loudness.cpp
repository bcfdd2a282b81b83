// EBU R128 measurement by the audio-only read, and the normalisation gain.
#include <gtest/gtest.h>

#include "pressreel/preview/loudness.hpp"
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

TEST(Loudness, VideoOnlyClipHasNothingToMeasure) {
  TempDir dir;
  const auto clip = pressreel::testing::make_test_clip(dir / "v.mp4", 10, "25");
  const auto reading = preview::measure_loudness(clip);
  EXPECT_FALSE(reading.loudness.has_value());
  EXPECT_TRUE(reading.error.empty());
}

TEST(Loudness, GainReachesTheTargetUnlessThePeakCeilingIsHitFirst) {
  const preview::LoudnessTarget target;  // -16 LUFS, -1.5 dBTP
  EXPECT_DOUBLE_EQ(preview::normalization_gain_db({-24.0, -12.0, 0, 10}, target), 8.0);
  EXPECT_DOUBLE_EQ(preview::normalization_gain_db({-12.0, -0.5, 0, 10}, target), -4.0);
  // A peaky mix: +8 dB would clip, so the gain stops at the ceiling.
  EXPECT_DOUBLE_EQ(preview::normalization_gain_db({-24.0, -4.0, 0, 10}, target), 2.5);
  // Digital silence is left alone.
  EXPECT_DOUBLE_EQ(preview::normalization_gain_db({-70.0, -120.0, 0, 10}, target), 0.0);
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
