// The loudness reading measured beside the decode pass (as a batch run measures it) gives the
// previews the very bytes the reading given before the pass gives, whenever it arrives: part way
// through the pass, late enough that the pass waits for it, or only when the pass ends.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "pressreel/media/decode_pass.hpp"
#include "pressreel/media/probe.hpp"
#include "pressreel/preview/loudness.hpp"
#include "pressreel/preview/rendition_encoder.hpp"
#include "test_support.hpp"

namespace {

using namespace pressreel;
using pressreel::testing::TempDir;
namespace fs = std::filesystem;

// Hands the reading over as the pass reaches `at_seconds` of the clip (after `delay`, from another
// thread), or when the pass ends (at_seconds < 0). Runs before the preview sink in the pass.
class Courier : public media::FrameSink {
 public:
  Courier(preview::LoudnessReading reading, double at_seconds, std::chrono::milliseconds delay = {})
      : reading_(std::move(reading)), at_seconds_(at_seconds), delay_(delay) {}
  ~Courier() override {
    if (thread_.joinable()) thread_.join();
  }
  std::future<preview::LoudnessReading> future() { return promise_.get_future(); }
  std::string_view name() const override { return "courier"; }
  void on_frame(const media::VideoFrame& frame, std::any& /*prepared*/) override {
    if (sent_ || at_seconds_ < 0 || frame.time.seconds() < at_seconds_) return;
    sent_ = true;
    thread_ = std::thread([this] {
      std::this_thread::sleep_for(delay_);
      promise_.set_value(reading_);
    });
  }
  void on_end(const media::DecodeSummary& /*summary*/) override {
    if (!sent_) promise_.set_value(reading_);
    sent_ = true;
  }

 private:
  preview::LoudnessReading reading_;
  double at_seconds_;
  std::chrono::milliseconds delay_;
  std::promise<preview::LoudnessReading> promise_;
  std::thread thread_;
  bool sent_ = false;
};

// A small clip whose sparse clicks peak near full scale over quiet tone: the limiter's plan.
fs::path clicking_clip(const fs::path& file, int seconds) {
  const std::string clicks =
      fmt::format("aevalsrc=0.03*sin(2*PI*440*t)+0.95*lt(mod(t\\,0.7)\\,0.002):s=48000:d={}", seconds);
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", fmt::format("testsrc2=size=160x90:rate=25:duration={}", seconds),
                              "-f", "lavfi", "-i", clicks, "-ac", "2", "-c:v", "libx264", "-preset", "ultrafast",
                              "-pix_fmt", "yuv420p", "-c:a", "aac"},
                             file);
  return file;
}

preview::PreviewOptions options_with_webm() {
  preview::PreviewOptions options;
  options.renditions = {{"90p", 90, preview::VideoCodec::h264, 23, 400'000, 800'000}};  // capped, as by default
  options.renditions.push_back(preview::webm_rendition(preview::VideoCodec::vp9, 90));
  options.renditions.back().preset = "8";
  return options;
}

struct Encoded {
  std::map<std::string, std::string> files;
  nlohmann::json report;
};

Encoded given_first(const fs::path& clip, const fs::path& folder, const preview::LoudnessReading& reading) {
  preview::RenditionEncoder encoder(folder, options_with_webm(), reading);
  media::FrameSink* sinks[] = {&encoder};
  media::run_decode_pass(media::probe(clip), sinks);
  return {pressreel::testing::output_snapshot(folder), encoder.report()};
}

Encoded arriving(const fs::path& clip, const fs::path& folder, Courier& courier) {
  preview::RenditionEncoder encoder(folder, options_with_webm(), courier.future());
  media::FrameSink* sinks[] = {&courier, &encoder};
  media::run_decode_pass(media::probe(clip), sinks);
  return {pressreel::testing::output_snapshot(folder), encoder.report()};
}

TEST(LoudnessBesideThePass, ThePreviewsBytesAreTheSameWheneverTheReadingArrives) {
  TempDir dir;
  const fs::path clip = clicking_clip(dir / "clip.mp4", 7);
  const preview::LoudnessReading reading = preview::measure_loudness(clip, {}, options_with_webm());
  ASSERT_TRUE(reading.plan.has_value());
  EXPECT_EQ(reading.plan->mode, preview::LoudnessMode::limited);
  const Encoded reference = given_first(clip, dir / "first", reading);
  ASSERT_EQ(reference.files.size(), 2u);

  Courier part_way(reading, 1.5);  // 1.5 s into the clip, well before the pass would wait
  const Encoded a = arriving(clip, dir / "part-way", part_way);
  EXPECT_TRUE(a.files == reference.files);
  EXPECT_EQ(a.report, reference.report);

  // Sent at 3.9 s and arriving 0.4 s later: the pass waits for it at 4 s, with video held meanwhile.
  Courier late(reading, 3.9, std::chrono::milliseconds(400));
  const Encoded b = arriving(clip, dir / "late", late);
  EXPECT_TRUE(b.files == reference.files);
  EXPECT_EQ(b.report, reference.report);
}

TEST(LoudnessBesideThePass, AReadingThatArrivesAsThePassEndsStillGivesTheSameBytes) {
  TempDir dir;
  const fs::path clip = clicking_clip(dir / "short.mp4", 3);  // over before the pass would wait
  const preview::LoudnessReading reading = preview::measure_loudness(clip, {}, options_with_webm());
  const Encoded reference = given_first(clip, dir / "first", reading);
  Courier at_end(reading, -1);
  const Encoded ended = arriving(clip, dir / "at-end", at_end);
  EXPECT_TRUE(ended.files == reference.files);
  EXPECT_EQ(ended.report, reference.report);
  // Both files carry the audio, all of it.
  for (const char* name : {"preview-90p.mp4", "preview-90p.webm"}) {
    const auto audio = media::probe(dir / "at-end" / name).main_audio();
    ASSERT_NE(audio, nullptr) << name;
  }
}

// While the pass waits for a slow reading, it says so about once a second (a batch run's watchdog
// would otherwise take the wait for a stalled decode).
TEST(LoudnessBesideThePass, APassWaitingForTheReadingKeepsReportingItIsAlive) {
  TempDir dir;
  const fs::path clip = clicking_clip(dir / "clip.mp4", 5);
  const preview::LoudnessReading reading = preview::measure_loudness(clip, {}, options_with_webm());
  Courier slow(reading, 3.9, std::chrono::milliseconds(2300));
  preview::RenditionEncoder encoder(dir / "out", options_with_webm(), slow.future());
  int beats = 0;
  encoder.while_waiting_for_loudness([&] { ++beats; });
  media::FrameSink* sinks[] = {&slow, &encoder};
  media::run_decode_pass(media::probe(clip), sinks);
  EXPECT_GE(beats, 1);
  EXPECT_LE(beats, 3);
}

// A reading that fails (the read was stopped) fails the pass with its own error, not a hang.
TEST(LoudnessBesideThePass, AFailedReadingFailsThePass) {
  TempDir dir;
  const fs::path clip = clicking_clip(dir / "clip.mp4", 2);
  std::promise<preview::LoudnessReading> promise;
  promise.set_exception(std::make_exception_ptr(std::runtime_error("loudness: stopped")));
  preview::RenditionEncoder encoder(dir / "out", options_with_webm(), promise.get_future());
  media::FrameSink* sinks[] = {&encoder};
  EXPECT_THROW(
      {
        try {
          media::run_decode_pass(media::probe(clip), sinks);
        } catch (const std::runtime_error& e) {
          EXPECT_STREQ(e.what(), "loudness: stopped");
          throw;
        }
      },
      std::runtime_error);
}

}  // namespace
