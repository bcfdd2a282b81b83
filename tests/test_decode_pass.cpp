#include <gtest/gtest.h>

#include <vector>

#include "pressreel/media/decode_pass.hpp"
#include "test_support.hpp"

namespace {

using namespace pressreel;
using pressreel::testing::TempDir;

// Records what the decode pass delivered, in order.
class RecordingSink : public media::FrameSink {
 public:
  std::string_view name() const override { return "recorder"; }
  std::any prepare(const media::VideoFrame& frame) override { return frame.index * 2; }
  void on_frame(const media::VideoFrame& frame, std::any& prepared) override {
    indices.push_back(frame.index);
    times.push_back(frame.time);
    prepared_ok = prepared_ok && std::any_cast<int64_t>(prepared) == frame.index * 2;
    sizes.emplace_back(frame.picture->width, frame.picture->height);
  }
  bool wants_audio() const override { return want_audio; }
  void on_audio(const media::AudioFrame& audio) override { audio_samples += audio.samples->nb_samples; }
  void on_end(const media::DecodeSummary& s) override { summary = s; }

  bool want_audio = false;
  std::vector<int64_t> indices;
  std::vector<media::RationalTime> times;
  std::vector<std::pair<int, int>> sizes;
  bool prepared_ok = true;
  int64_t audio_samples = 0;
  media::DecodeSummary summary;
};

media::DecodeSummary decode(const std::filesystem::path& clip, RecordingSink& sink) {
  const media::ProbeResult probe = media::probe(clip);
  media::FrameSink* sinks[] = {&sink};
  return media::run_decode_pass(probe, sinks);
}

TEST(DecodePass, DeliversEveryFrameInPresentationOrderWithExactTimes) {
  TempDir dir;
  // B-frames and an open GOP: decode order differs from presentation order.
  const auto clip = pressreel::testing::make_test_clip(dir / "bframes.mp4", 100, "30000/1001",
                                                       {"-c:v", "libx264", "-bf", "3", "-g", "24", "-x264-params", "open-gop=1"});
  RecordingSink sink;
  const auto summary = decode(clip, sink);
  ASSERT_EQ(summary.frames, 100);
  ASSERT_EQ(sink.indices.size(), 100u);
  for (int64_t i = 0; i < 100; ++i) {
    EXPECT_EQ(sink.indices[i], i);
    EXPECT_EQ(sink.times[i], media::RationalTime(i * 1001, AVRational{1, 30000})) << "frame " << i;
  }
  EXPECT_TRUE(sink.prepared_ok);
  EXPECT_NEAR(summary.duration.seconds(), 100 * 1001 / 30000.0, 1e-6);
}

}  // namespace
