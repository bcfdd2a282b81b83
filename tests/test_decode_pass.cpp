#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <thread>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "pressreel/media/decode_pass.hpp"
#include "pressreel/media/error.hpp"
#include "pressreel/media/scaler.hpp"
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

media::DecodeSummary decode(const std::filesystem::path& clip, RecordingSink& sink,
                            const media::DecodePassOptions& options = {}) {
  const media::ProbeResult probe = media::probe(clip);
  media::FrameSink* sinks[] = {&sink};
  return media::run_decode_pass(probe, sinks, options);
}

// Keeps the luma of the first frame, as the consumers see it.
class FirstFrameSink : public media::FrameSink {
 public:
  std::string_view name() const override { return "first-frame"; }
  void on_frame(const media::VideoFrame& frame, std::any&) override {
    if (frame.index != 0) return;
    media::Scaler scaler;
    luma = scaler.to_gray(frame.picture.get(), media::display_size(frame.picture.get()));
    format = static_cast<AVPixelFormat>(frame.picture->format);
  }
  cv::Mat luma;
  AVPixelFormat format = AV_PIX_FMT_NONE;
};

// Mean difference between each row and the average of its neighbours: high when fields are woven.
double combing(const cv::Mat& luma) {
  double total = 0;
  for (int y = 1; y + 1 < luma.rows; ++y) {
    for (int x = 0; x < luma.cols; ++x) {
      const int mid = luma.at<uint8_t>(y, x);
      const int around = (luma.at<uint8_t>(y - 1, x) + luma.at<uint8_t>(y + 1, x)) / 2;
      total += std::abs(mid - around);
    }
  }
  return total / (static_cast<double>(luma.cols) * (luma.rows - 2));
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

TEST(DecodePass, KeepsVariableFrameTimingExactly) {
  TempDir dir;
  // Frames at 0, 1, 4, 5, 8, 9... fiftieths of a second.
  const auto clip = pressreel::testing::make_test_clip(dir / "vfr.mkv", 30, "25",
                                                       {"-vf", "settb=1/50,setpts='N+floor(N/2)*2'", "-fps_mode",
                                                        "passthrough", "-enc_time_base", "1:50"});
  RecordingSink sink;
  decode(clip, sink);
  ASSERT_EQ(sink.times.size(), 30u);
  for (int64_t n = 0; n < 30; ++n) {
    EXPECT_EQ(sink.times[n], media::RationalTime(n + (n / 2) * 2, AVRational{1, 50})) << "frame " << n;
  }
}

TEST(DecodePass, CountsTimeFromTheFirstFrameWhenTheStreamStartsLate) {
  TempDir dir;
  const auto clip = pressreel::testing::make_test_clip(dir / "late.ts", 25, "25", {"-output_ts_offset", "10"});
  RecordingSink sink;
  decode(clip, sink);
  ASSERT_EQ(sink.times.size(), 25u);
  for (int64_t n = 0; n < 25; ++n) EXPECT_NEAR(sink.times[n].seconds(), n / 25.0, 1e-4) << "frame " << n;
}

TEST(DecodePass, TurnsRotatedClipsUprightLikeFfmpeg) {
  TempDir dir;
  const auto plain = pressreel::testing::make_test_clip(dir / "plain.mp4", 5, "25", {}, 320, 240);
  const auto rotated = dir / "rotated.mp4";
  pressreel::testing::ffmpeg({"-i", plain.string(), "-c", "copy", "-metadata:s:v:0", "rotate=90"}, rotated);
  FirstFrameSink sink;
  const media::ProbeResult probe = media::probe(rotated);
  media::FrameSink* sinks[] = {&sink};
  const auto summary = media::run_decode_pass(probe, sinks);
  EXPECT_NE(summary.filter_chain.find("transpose"), std::string::npos);
  ASSERT_EQ(sink.luma.cols, 240);
  ASSERT_EQ(sink.luma.rows, 320);
  // ffmpeg's own autorotation is the reference.
  const auto reference = dir / "reference.pgm";
  pressreel::testing::ffmpeg({"-i", rotated.string(), "-frames:v", "1", "-pix_fmt", "gray"}, reference);
  const cv::Mat expected = cv::imread(reference.string(), cv::IMREAD_GRAYSCALE);
  ASSERT_EQ(expected.size(), sink.luma.size());
  // Same orientation: strongly correlated; turned the other way round it would not be.
  auto correlation = [](const cv::Mat& a, const cv::Mat& b) {
    cv::Mat r;
    cv::matchTemplate(a, b, r, cv::TM_CCOEFF_NORMED);
    return r.at<float>(0, 0);
  };
  cv::Mat upside_down;
  cv::rotate(sink.luma, upside_down, cv::ROTATE_180);
  EXPECT_GT(correlation(expected, sink.luma), 0.95);
  EXPECT_LT(correlation(expected, upside_down), 0.5);
}

TEST(DecodePass, DeinterlacesBeforeAnyConsumerSeesAFrame) {
  TempDir dir;
  // Fast motion at 50 fields/s woven into 25 interlaced frames: combing is obvious if not removed.
  const auto clip = dir / "tv.mpg";
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=50", "-frames:v", "40", "-vf",
                              "scroll=h=0.05,interlace=scan=tff", "-c:v", "mpeg2video", "-q:v", "2", "-flags",
                              "+ilme+ildct", "-top", "1"},
                             clip);
  FirstFrameSink woven, clean;
  media::DecodePassOptions raw;
  raw.decoder.deinterlace = false;
  {
    media::FrameSink* sinks[] = {&woven};
    media::run_decode_pass(media::probe(clip), sinks, raw);
  }
  media::FrameSink* sinks[] = {&clean};
  const auto summary = media::run_decode_pass(media::probe(clip), sinks);
  EXPECT_NE(summary.filter_chain.find("bwdif"), std::string::npos);
  EXPECT_EQ(summary.frames, 40);  // one frame per frame: bwdif in send_frame mode
  EXPECT_NEAR(summary.duration.seconds(), 40 / 25.0, 1e-6);  // and the stream's own timing
  EXPECT_LT(combing(clean.luma), combing(woven.luma) * 0.6) << combing(clean.luma) << " vs " << combing(woven.luma);
}

TEST(DecodePass, DecodesTenBitAndOddSizes) {
  TempDir dir;
  FirstFrameSink ten;
  const auto ten_bit = pressreel::testing::make_test_clip(dir / "ten.mp4", 5, "25", {"-c:v", "libx264", "-pix_fmt", "yuv420p10le"});
  media::FrameSink* sinks[] = {&ten};
  EXPECT_EQ(media::run_decode_pass(media::probe(ten_bit), sinks).frames, 5);
  EXPECT_EQ(ten.format, AV_PIX_FMT_YUV420P10LE);
  EXPECT_GT(cv::mean(ten.luma)[0], 20.0);  // a real picture, not black

  RecordingSink odd;
  const auto odd_clip = pressreel::testing::make_test_clip(dir / "odd.mkv", 7, "25", {"-c:v", "ffv1", "-vf", "scale=321:181,format=yuv444p"});
  decode(odd_clip, odd);
  ASSERT_EQ(odd.sizes.size(), 7u);
  EXPECT_EQ(odd.sizes[0], std::make_pair(321, 181));
}

// Every frame as the consumers' scaler turns it into BGR and into its own YUV planes.
class PictureSink : public media::FrameSink {
 public:
  std::string_view name() const override { return "pictures"; }
  void on_frame(const media::VideoFrame& frame, std::any&) override {
    const cv::Size size = media::display_size(frame.picture.get());
    bgr.push_back(scaler.to_bgr(frame.picture.get(), size));
    luma.push_back(scaler.to_yuv_planes(frame.picture.get(), size)[0]);
  }
  void on_end(const media::DecodeSummary& s) override { summary = s; }
  media::Scaler scaler{media::ScaleQuality::good};
  std::vector<cv::Mat> bgr, luma;
  media::DecodeSummary summary;
};

// Decoded frames can carry colour codes outside FFmpeg's enums (see make_mpeg4_clip_with_colour_code).
// They read as untagged (the same pictures as the stream without a colour description) and nothing is
// tone-mapped. Under the sanitizers, a load of such a field as its enum fails this test.
TEST(DecodePass, ColourCodesOutsideFfmpegsEnumsReadAsUntagged) {
  TempDir dir;
  const auto untagged = pressreel::testing::make_mpeg4_clip_with_colour_code(dir / "untagged.avi", -1);
  const auto odd = pressreel::testing::make_mpeg4_clip_with_colour_code(dir / "odd.avi", 205);
  PictureSink expected, got;
  media::FrameSink* expected_sinks[] = {&expected};
  media::FrameSink* got_sinks[] = {&got};
  media::run_decode_pass(media::probe(untagged), expected_sinks);
  const media::ProbeResult odd_probe = media::probe(odd);
  EXPECT_EQ(odd_probe.main_video()->color_transfer, "");  // named only when in range
  media::run_decode_pass(odd_probe, got_sinks);
  EXPECT_EQ(got.summary.filter_chain, "");
  ASSERT_EQ(got.bgr.size(), expected.bgr.size());
  ASSERT_GT(got.bgr.size(), 0u);
  for (size_t i = 0; i < got.bgr.size(); ++i) {
    EXPECT_EQ(cv::norm(got.bgr[i], expected.bgr[i], cv::NORM_INF), 0) << "frame " << i;
    EXPECT_EQ(cv::norm(got.luma[i], expected.luma[i], cv::NORM_INF), 0) << "frame " << i;
  }
}

// Frames that are only measured (`pressreel scenes`) are decoded without deblocking and, where the
// codec can, at a reduced size: every frame still arrives at its time, the pictures a little rougher.
TEST(DecodePass, AnAnalysisOnlyDecodeDeliversEveryFrameAtItsTime) {
  TempDir dir;
  media::DecodePassOptions analysis_only;
  analysis_only.decoder.analysis_only_width = 192;
  auto both = [&](const std::filesystem::path& clip, media::DecodePassOptions options) {
    std::pair<RecordingSink, PictureSink> sinks;
    media::FrameSink* list[] = {&sinks.first, &sinks.second};
    media::run_decode_pass(media::probe(clip), list, options);
    return sinks;
  };

  // H.264 has no reduced-size decode; a strongly quantised one is visibly deblocked.
  const auto h264 = pressreel::testing::make_test_clip(dir / "h264.mp4", 40, "25",
                                                       {"-c:v", "libx264", "-bf", "3", "-crf", "38"}, 640, 360);
  const auto full = both(h264, {});
  const auto rough = both(h264, analysis_only);
  ASSERT_EQ(rough.first.indices.size(), 40u);
  EXPECT_EQ(rough.first.indices, full.first.indices);
  EXPECT_EQ(rough.first.times, full.first.times);
  EXPECT_EQ(rough.first.sizes, full.first.sizes);
  double changed = 0, most = 0;
  for (size_t i = 0; i < full.second.luma.size(); ++i) {
    const double mean = cv::norm(rough.second.luma[i], full.second.luma[i], cv::NORM_L1) / (640.0 * 360.0);
    changed += mean;
    most = std::max(most, mean);
  }
  EXPECT_GT(changed, 0.0) << "the B-frames no other refers to were not deblocked";
  EXPECT_LT(most, 4.0) << "the same pictures";

  // MPEG-4 Part 2 decodes at half size, as long as that is twice the analysis frame (192x108) or more.
  const auto mpeg4 = pressreel::testing::make_test_clip(dir / "mpeg4.avi", 30, "25", {"-c:v", "mpeg4", "-q:v", "3"}, 800, 450);
  const auto mpeg4_full = both(mpeg4, {});
  const auto mpeg4_half = both(mpeg4, analysis_only);
  ASSERT_EQ(mpeg4_half.first.indices.size(), 30u);
  EXPECT_EQ(mpeg4_half.first.times, mpeg4_full.first.times);
  EXPECT_EQ(mpeg4_half.first.sizes[0], std::make_pair(400, 225));
  const media::VideoStreamInfo delivered = media::as_delivered(*media::probe(mpeg4).main_video(), analysis_only.decoder);
  EXPECT_EQ(delivered.display_width, 400);
  EXPECT_EQ(delivered.display_height, 225);
  cv::Mat shrunk;
  cv::resize(mpeg4_full.second.luma[10], shrunk, cv::Size(400, 225), 0, 0, cv::INTER_AREA);
  EXPECT_LT(cv::norm(mpeg4_half.second.luma[10], shrunk, cv::NORM_L1) / (400.0 * 225.0), 6.0) << "the same picture";

  // Not when half size would be smaller than twice the analysis frame.
  analysis_only.decoder.analysis_only_width = 256;
  EXPECT_EQ(both(mpeg4, analysis_only).first.sizes[0], std::make_pair(800, 450));
}

TEST(DecodePass, DeliversAudioWhenASinkWantsIt) {
  TempDir dir;
  const auto clip = dir / "av.mp4";
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25", "-f", "lavfi", "-i",
                              "sine=sample_rate=48000", "-t", "2", "-c:v", "libx264", "-c:a", "aac"},
                             clip);
  RecordingSink sink;
  sink.want_audio = true;
  decode(clip, sink);
  EXPECT_EQ(sink.indices.size(), 50u);
  EXPECT_NEAR(static_cast<double>(sink.audio_samples), 2.0 * 48000, 2048.0);
}

TEST(DecodePass, DecodesWhatATruncatedFileHolds) {
  TempDir dir;
  const auto whole = pressreel::testing::make_test_clip(dir / "whole.ts", 100, "25");
  const auto cut = dir / "cut.ts";
  std::filesystem::copy_file(whole, cut);
  std::filesystem::resize_file(cut, std::filesystem::file_size(whole) / 2);
  RecordingSink sink;
  const auto summary = decode(cut, sink);
  EXPECT_GT(summary.frames, 10);
  EXPECT_LT(summary.frames, 100);
  for (size_t i = 0; i < sink.indices.size(); ++i) EXPECT_EQ(sink.indices[i], static_cast<int64_t>(i));
}

// A sink that fails at a given frame, as a writer does when the disk fills; each prepared value holds
// a reference to `alive`, so the test can see whether the pass let go of every frame in flight.
class FailingSink : public media::FrameSink {
 public:
  std::string_view name() const override { return "failing"; }
  std::any prepare(const media::VideoFrame& frame) override {
    // Odd frames are ready first, so frames wait in order for the delivery stage when it fails.
    if (frame.index % 2 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(3));
    return alive;
  }
  void on_frame(const media::VideoFrame& frame, std::any&) override {
    if (frame.index == 10) throw std::runtime_error("disk full at frame 10");
    ++delivered;
  }
  std::shared_ptr<int> alive = std::make_shared<int>(0);
  int delivered = 0;
};

TEST(DecodePass, ASinkThatThrowsEndsThePassAndFreesTheFramesInFlight) {
  // oneTBB does not destroy the items between filters of a cancelled pipeline; the pass owns them, so
  // nothing leaks (the sanitized build's LeakSanitizer found the frames of a full-disk run lost).
  TempDir dir;
  const auto clip = pressreel::testing::make_test_clip(dir / "clip.mp4", 60, "25");
  const media::ProbeResult probe = media::probe(clip);
  FailingSink sink;
  media::FrameSink* sinks[] = {&sink};
  media::DecodePassOptions options;
  options.max_frames_in_flight = 8;
  EXPECT_THROW(media::run_decode_pass(probe, sinks, options), std::runtime_error);
  EXPECT_EQ(sink.delivered, 10);
  EXPECT_EQ(sink.alive.use_count(), 1);
}

TEST(DecodePass, FailsWithTheClipAndStageWhenNothingDecodes) {
  TempDir dir;
  const auto audio_only = dir / "audio.m4a";
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "sine", "-t", "1", "-c:a", "aac"}, audio_only);
  RecordingSink sink;
  try {
    decode(audio_only, sink);
    FAIL() << "an audio-only file was decoded as video";
  } catch (const media::MediaError& e) {
    EXPECT_EQ(e.stage(), "decode");
    EXPECT_NE(std::string(e.what()).find("audio.m4a"), std::string::npos);
  }
}

// Every clip of the development footage decodes to exactly the frame count of its truth file.
TEST(DecodePass, MatchesTheTruthFrameCountsOfTheSharedFootage) {
  PRESSREEL_SHARED_CLIP_OR_SKIP(any, "bikes.mp4");
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(any.parent_path())) {
    std::ifstream in(pressreel::testing::shared_truth(entry.path().stem().string()));
    if (!in) continue;
    ++checked;
    const auto truth = nlohmann::json::parse(in);
    RecordingSink sink;
    sink.want_audio = true;  // broken-audio.mp4 must keep its video
    const auto summary = decode(entry.path(), sink);
    EXPECT_EQ(summary.frames, truth["frames"].get<int64_t>()) << entry.path();
  }
  // Every clip of the footage has its truth file: a test that matched none would check nothing.
  EXPECT_EQ(checked, static_cast<int>(std::distance(std::filesystem::directory_iterator(any.parent_path()),
                                                   std::filesystem::directory_iterator())));
}

}  // namespace
