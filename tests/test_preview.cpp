// Web renditions encoded from the decode pass, read back as a browser or CDN would see them.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <sstream>
#include <opencv2/imgcodecs.hpp>

#include "pressreel/media/decode_pass.hpp"
#include "pressreel/media/probe.hpp"
#include "pressreel/preview/loudness.hpp"
#include "pressreel/preview/rendition_encoder.hpp"
#include "pressreel/preview/teaser.hpp"
#include "pressreel/stills/storyboard.hpp"
#include "test_preview_readback.hpp"
#include "test_support.hpp"

namespace {

using namespace pressreel;
using pressreel::testing::TempDir;

// Runs the decode pass with only the preview encoder; returns its report.
nlohmann::json encode_previews(const std::filesystem::path& clip, const std::filesystem::path& folder,
                               preview::PreviewOptions options = {}) {
  const media::ProbeResult probe = media::probe(clip);
  preview::RenditionEncoder encoder(folder, std::move(options));
  media::FrameSink* sinks[] = {&encoder};
  media::run_decode_pass(probe, sinks);
  return encoder.report();
}

std::vector<std::string> files_in(const std::filesystem::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// A 720p trailer-like source with quiet stereo noise, encoded once for the whole suite.
class Preview720p : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    source_ = *dir_ / "trailer.mp4";
    pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25", "-f", "lavfi", "-i",
                                "anoisesrc=color=pink:amplitude=0.05:sample_rate=44100", "-t", "5", "-ac", "2",
                                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"},
                               source_);
    report_ = new nlohmann::json(encode_previews(source_, *dir_ / "out"));
  }
  static void TearDownTestSuite() {
    delete report_;
    delete dir_;
  }
  static std::filesystem::path out(const std::string& name) { return *dir_ / "out" / name; }

  static inline TempDir* dir_ = nullptr;
  static inline std::filesystem::path source_;
  static inline nlohmann::json* report_ = nullptr;
};

TEST_F(Preview720p, GetsThe720pAnd480pRenditionsButNo1080p) {
  EXPECT_EQ(files_in(*dir_ / "out"), (std::vector<std::string>{"preview-480p.mp4", "preview-720p.mp4"}));
  ASSERT_EQ(report_->size(), 2u);
  EXPECT_EQ((*report_)[0]["file"], "preview-720p.mp4");
}

TEST_F(Preview720p, RenditionsAreH264HighYuv420pAtTheirSizeWithBt709Tags) {
  const std::map<std::string, std::pair<int, int>> sizes = {{"preview-720p.mp4", {1280, 720}},
                                                            {"preview-480p.mp4", {854, 480}}};
  for (const auto& [name, size] : sizes) {
    const media::ProbeResult p = media::probe(out(name));
    ASSERT_NE(p.main_video(), nullptr) << name;
    EXPECT_EQ(p.main_video()->codec, "h264") << name;
    EXPECT_EQ(p.main_video()->profile, "High") << name;
    EXPECT_EQ(p.main_video()->pixel_format, "yuv420p") << name;
    EXPECT_EQ(p.main_video()->width, size.first) << name;
    EXPECT_EQ(p.main_video()->height, size.second) << name;
    EXPECT_EQ(p.main_video()->sample_aspect, (media::Rational{1, 1})) << name;
    EXPECT_EQ(p.main_video()->color_matrix, "bt709") << name;
    EXPECT_EQ(p.main_video()->color_primaries, "bt709") << name;
  }
}

TEST_F(Preview720p, MoovComesBeforeMdatSoPlaybackStartsBeforeTheDownloadEnds) {
  for (const char* name : {"preview-720p.mp4", "preview-480p.mp4"}) {
    const auto boxes = pressreel::testing::top_level_boxes(out(name));
    const auto moov = std::find(boxes.begin(), boxes.end(), "moov");
    const auto mdat = std::find(boxes.begin(), boxes.end(), "mdat");
    ASSERT_NE(moov, boxes.end()) << name;
    ASSERT_NE(mdat, boxes.end()) << name;
    EXPECT_LT(moov - boxes.begin(), mdat - boxes.begin()) << name;
  }
}

TEST_F(Preview720p, KeyframesFallOnATwoSecondGrid) {
  const auto packets = pressreel::testing::read_video_packets(out("preview-720p.mp4"));
  ASSERT_EQ(packets.keyframe_times.size(), 3u);  // 0, 2 and 4 s of a 5 s clip
  for (size_t i = 0; i < packets.keyframe_times.size(); ++i) {
    EXPECT_NEAR(packets.keyframe_times[i], 2.0 * i, 1e-3);
  }
}

TEST_F(Preview720p, DurationIsTheSourcesWithinOneFrameAndAudioEndsWithTheVideo) {
  const media::ProbeResult source = media::probe(source_);
  const double frame = 1.0 / 25;
  for (const char* name : {"preview-720p.mp4", "preview-480p.mp4"}) {
    const media::ProbeResult p = media::probe(out(name));
    EXPECT_NEAR(p.main_video()->duration_seconds, source.main_video()->duration_seconds, frame) << name;
    ASSERT_NE(p.main_audio(), nullptr) << name;
    EXPECT_NEAR(p.main_audio()->duration_seconds, p.main_video()->duration_seconds, frame) << name;
    EXPECT_EQ(pressreel::testing::read_video_packets(out(name)).times.size(), 125u) << name;
  }
}

TEST_F(Preview720p, AudioIsAacLcStereo48kNormalisedToMinus16Lufs) {
  const media::ProbeResult p = media::probe(out("preview-720p.mp4"));
  ASSERT_NE(p.main_audio(), nullptr);
  EXPECT_EQ(p.main_audio()->codec, "aac");
  EXPECT_EQ(p.main_audio()->profile, "LC");
  EXPECT_EQ(p.main_audio()->sample_rate, 48000);
  EXPECT_EQ(p.main_audio()->channels, 2);
  const auto measured = preview::measure_loudness(out("preview-720p.mp4"));
  ASSERT_TRUE(measured.loudness.has_value());
  EXPECT_NEAR(measured.loudness->integrated_lufs, -16.0, 1.0);
  EXPECT_LE(measured.loudness->true_peak_dbtp, -1.0);

  const auto before = preview::measure_loudness(source_);
  ASSERT_TRUE(before.loudness.has_value());
  EXPECT_LT(before.loudness->integrated_lufs, -20.0);  // the source was quiet: the gain did the work
}

TEST_F(Preview720p, ReportDescribesEachOutputWithLoudnessBeforeAndAfter) {
  const nlohmann::json& r = (*report_)[1];
  EXPECT_EQ(r["file"], "preview-480p.mp4");
  EXPECT_EQ(r["video"]["codec"], "h264");
  EXPECT_EQ(r["video"]["profile"], "High");
  EXPECT_EQ(r["video"]["height"], 480);
  EXPECT_GT(r["bit_rate"].get<int64_t>(), 0);
  EXPECT_NEAR(r["duration_seconds"].get<double>(), 5.0, 0.05);
  const double before = r["loudness"]["before"]["integrated_lufs"];
  const double gain = r["loudness"]["gain_db"];
  EXPECT_NEAR(before + gain, -16.0, 0.01);
  EXPECT_NEAR(r["loudness"]["after"]["integrated_lufs"].get<double>(), -16.0, 1.0);
}

TEST(Preview, EncoderThreadsAreKnownBeforeThePassFromTheRenditionsTheSourceGets) {
  const auto video = [](int width, int height) {
    media::VideoStreamInfo v;
    v.width = v.display_width = width;
    v.height = v.display_height = height;
    return v;
  };
  // Every default rendition is capped H.264, which takes one thread whatever is asked (the same bytes
  // every run): the count is the renditions the source gets.
  const preview::RenditionEncoder defaults("unused");
  EXPECT_EQ(defaults.encoder_threads_for(video(1920, 1080)), 3);
  EXPECT_EQ(defaults.encoder_threads_for(video(1280, 720)), 2);
  EXPECT_EQ(defaults.encoder_threads_for(video(320, 240)), 1);
  // Uncapped renditions take the threads asked: six shared by the renditions, at least two each,
  // or the recipe's.
  preview::PreviewOptions uncapped;
  for (preview::RenditionOptions& r : uncapped.renditions) r.maxrate = r.bufsize = 0;
  EXPECT_EQ(preview::RenditionEncoder("unused", uncapped).encoder_threads_for(video(1920, 1080)), 3 * 2);
  EXPECT_EQ(preview::RenditionEncoder("unused", uncapped).encoder_threads_for(video(1280, 720)), 2 * 3);
  EXPECT_EQ(preview::RenditionEncoder("unused", uncapped).encoder_threads_for(video(320, 240)), 1 * 6);
  uncapped.encoder_threads = 1;
  EXPECT_EQ(preview::RenditionEncoder("unused", uncapped).encoder_threads_for(video(1280, 720)), 2);
  // One capped rendition among uncapped ones still takes one.
  uncapped.encoder_threads = 4;
  uncapped.renditions[1].maxrate = 3'500'000;
  EXPECT_EQ(preview::RenditionEncoder("unused", uncapped).encoder_threads_for(video(1920, 1080)), 4 + 1 + 4);
}

TEST(Preview, SmallSourceGetsOneRenditionAtItsOwnSizeAnd51IsDownmixedToStereo) {
  TempDir dir;
  const auto clip = dir / "small51.mp4";
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-f", "lavfi", "-i",
                              "sine=frequency=500:sample_rate=48000", "-t", "2", "-ac", "6", "-c:v", "libx264",
                              "-preset", "ultrafast", "-c:a", "aac"},
                             clip);
  ASSERT_EQ(media::probe(clip).main_audio()->channels, 6);
  encode_previews(clip, dir / "out");
  EXPECT_EQ(files_in(dir / "out"), std::vector<std::string>{"preview-360p.mp4"});  // never upscaled
  const media::ProbeResult p = media::probe(dir / "out" / "preview-360p.mp4");
  EXPECT_EQ(p.main_video()->width, 640);
  EXPECT_EQ(p.main_video()->height, 360);
  ASSERT_NE(p.main_audio(), nullptr);
  EXPECT_EQ(p.main_audio()->channels, 2);
  const auto measured = preview::measure_loudness(dir / "out" / "preview-360p.mp4");
  ASSERT_TRUE(measured.loudness.has_value());
  EXPECT_NEAR(measured.loudness->integrated_lufs, -16.0, 1.0);
}

TEST(Preview, ClipWithoutAudioGetsNoAudioTrack) {
  TempDir dir;
  const auto clip = pressreel::testing::make_test_clip(dir / "silent.mp4", 30, "25", {}, 320, 240);
  const nlohmann::json report = encode_previews(clip, dir / "out");
  const media::ProbeResult p = media::probe(dir / "out" / "preview-240p.mp4");
  ASSERT_NE(p.main_video(), nullptr);
  EXPECT_EQ(p.main_audio(), nullptr);
  EXPECT_FALSE(report[0].contains("audio"));
}

TEST(Preview, AnamorphicSourceComesOutWithSquarePixelsAtItsDisplayAspect) {
  TempDir dir;
  // 480x360 pixels shown 4:3 wider: 640x360 on screen.
  const auto clip = pressreel::testing::make_test_clip(dir / "anamorphic.mp4", 25, "25", {"-vf", "setsar=4/3"}, 480, 360);
  encode_previews(clip, dir / "out");
  const media::ProbeResult p = media::probe(dir / "out" / "preview-360p.mp4");
  EXPECT_EQ(p.main_video()->width, 640);
  EXPECT_EQ(p.main_video()->height, 360);
  EXPECT_EQ(p.main_video()->sample_aspect, (media::Rational{1, 1}));
}

TEST(Preview, RotatedPhoneClipComesOutUpright) {
  TempDir dir;
  // Stored landscape 640x360 with a 90 degree display matrix: a portrait clip to the viewer.
  const auto plain = pressreel::testing::make_test_clip(dir / "plain.mp4", 25, "25", {}, 640, 360);
  const auto clip = dir / "phone.mp4";
  pressreel::testing::ffmpeg({"-i", plain.string(), "-c", "copy", "-metadata:s:v:0", "rotate=90"}, clip);
  encode_previews(clip, dir / "out");
  const media::ProbeResult p = media::probe(dir / "out" / "preview-360p.mp4");
  EXPECT_EQ(p.main_video()->width, 360);
  EXPECT_EQ(p.main_video()->height, 640);
  EXPECT_EQ(p.main_video()->rotation, 0);  // turned in the pixels, no display matrix left to obey
}

TEST(Preview, RotatedClipDecodedAsStoredKeepsItsStoredShape) {
  TempDir dir;
  // The same phone clip with `[decode] autorotate = false`: frames arrive landscape as stored, so every
  // picture made from them is sized landscape too, not squashed into the portrait display size.
  const auto plain = pressreel::testing::make_test_clip(dir / "plain.mp4", 100, "25", {}, 640, 360);
  const auto clip = dir / "phone.mp4";
  pressreel::testing::ffmpeg({"-i", plain.string(), "-c", "copy", "-metadata:s:v:0", "rotate=90"}, clip);
  const media::ProbeResult probe = media::probe(clip);
  media::DecodePassOptions pass;
  pass.decoder.autorotate = false;
  preview::RenditionEncoder encoder(dir / "out");
  stills::StoryboardSampler storyboard;
  media::FrameSink* sinks[] = {&encoder, &storyboard};
  media::run_decode_pass(probe, sinks, pass);

  const media::ProbeResult rendition = media::probe(dir / "out" / "preview-360p.mp4");
  EXPECT_EQ(rendition.main_video()->width, 640);
  EXPECT_EQ(rendition.main_video()->height, 360);
  EXPECT_GT(storyboard.tile_size().width, storyboard.tile_size().height);

  const std::vector<preview::TeaserPiece> pieces = {
      {media::RationalTime::from_seconds(1, AVRational{1, 1000}), media::RationalTime::from_seconds(3, AVRational{1, 1000})}};
  preview::make_teaser(probe, pieces, dir / "teaser", {}, {}, pass.decoder);
  const media::ProbeResult teaser = media::probe(dir / "teaser" / "teaser.mp4");
  EXPECT_EQ(teaser.main_video()->width, 640);
  EXPECT_EQ(teaser.main_video()->height, 360);
}

TEST(Preview, VariableFrameRateKeepsEveryFramesTimeAndTheAudioInSync) {
  TempDir dir;
  const auto clip = dir / "vfr.mp4";
  // Two seconds at 25 fps, then two at 5 fps; audio runs throughout.
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=4", "-f", "lavfi", "-i",
                              "sine=frequency=300:sample_rate=48000:duration=4", "-vf",
                              "select='lt(t,2)+not(mod(n,5))',setpts='if(lt(N,50),N/25,2+(N-50)/5)/TB'",
                              "-fps_mode", "vfr", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"},
                             clip);
  const auto source = pressreel::testing::read_video_packets(clip);
  encode_previews(clip, dir / "out");
  const auto out = pressreel::testing::read_video_packets(dir / "out" / "preview-240p.mp4");
  ASSERT_EQ(out.times.size(), source.times.size());
  for (size_t i = 0; i < out.times.size(); ++i) {
    EXPECT_NEAR(out.times[i] - out.times[0], source.times[i] - source.times[0], 1e-3) << "frame " << i;
  }
  const media::ProbeResult p = media::probe(dir / "out" / "preview-240p.mp4");
  // Within one frame of the source: the last frames there last 1/5 s.
  EXPECT_NEAR(p.main_video()->duration_seconds, media::probe(clip).main_video()->duration_seconds, 1 / 5.0);
  ASSERT_NE(p.main_audio(), nullptr);
  EXPECT_NEAR(p.main_audio()->duration_seconds, p.main_video()->duration_seconds, 1 / 25.0);
}

TEST(Preview, VariableFrameRateKeepsTheTwoSecondGopByTime) {
  TempDir dir;
  const auto clip = dir / "vfr.mp4";
  // Two seconds at 30 fps, then six at 10 fps: counted in frames of the 30 fps start, a GOP of the
  // slow part would last six seconds.
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=8", "-vf",
                              "select='lt(t,2)+not(mod(n,3))',setpts='if(lt(N,60),N/30,2+(N-60)/10)/TB'",
                              "-fps_mode", "vfr", "-c:v", "libx264", "-preset", "ultrafast"},
                             clip);
  ASSERT_TRUE(media::probe(clip).main_video()->variable_frame_rate);
  encode_previews(clip, dir / "out");
  const auto keys = pressreel::testing::read_video_packets(dir / "out" / "preview-240p.mp4").keyframe_times;
  ASSERT_EQ(keys.size(), 4u);
  for (size_t i = 0; i < keys.size(); ++i) {
    // The first frame at or after each 2 s mark (frames are 0.1 s apart in the slow part).
    EXPECT_GE(keys[i] - keys[0], 2.0 * i - 1e-3) << "keyframe " << i;
    EXPECT_LT(keys[i] - keys[0], 2.0 * i + 0.1) << "keyframe " << i;
  }
}

TEST(Preview, OptionalVp9WebmCarriesOpusAudio) {
  TempDir dir;
  const auto clip = dir / "small.mp4";
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-f", "lavfi", "-i",
                              "sine=frequency=500:sample_rate=44100", "-t", "1", "-c:v", "libx264", "-preset",
                              "ultrafast", "-c:a", "aac"},
                             clip);
  preview::PreviewOptions options;
  options.renditions.push_back(preview::webm_rendition(preview::VideoCodec::vp9));
  options.renditions.back().preset = "8";
  encode_previews(clip, dir / "out", options);
  EXPECT_EQ(files_in(dir / "out"), (std::vector<std::string>{"preview-180p.mp4", "preview-180p.webm"}));
  const media::ProbeResult p = media::probe(dir / "out" / "preview-180p.webm");
  EXPECT_EQ(p.main_video()->codec, "vp9");
  EXPECT_EQ(p.main_video()->height, 180);
  ASSERT_NE(p.main_audio(), nullptr);
  EXPECT_EQ(p.main_audio()->codec, "opus");
  EXPECT_EQ(p.main_audio()->channels, 2);
}

TEST(Preview, BrokenAudioNeverLosesTheVideo) {
  PRESSREEL_SHARED_CLIP_OR_SKIP(clip, "broken-audio.mp4");
  TempDir dir;
  const nlohmann::json report = encode_previews(clip, dir / "out");
  const media::ProbeResult source = media::probe(clip);
  const media::ProbeResult p = media::probe(dir / "out" / "preview-360p.mp4");
  ASSERT_NE(p.main_video(), nullptr);
  EXPECT_EQ(pressreel::testing::read_video_packets(dir / "out" / "preview-360p.mp4").times.size(), 280u);
  EXPECT_NEAR(p.main_video()->duration_seconds, 280 / 25.0, 1 / 25.0);
  EXPECT_EQ(report.size(), 1u);
}

// One frame of a clip as RGB, its YUV read with the matrix given (as a player does with the tag).
cv::Vec3b pixel_read_as(const std::filesystem::path& clip, const std::string& matrix, double x, double y) {
  const std::filesystem::path png = clip.string() + "." + matrix + ".png";
  pressreel::testing::ffmpeg({"-i", clip.string(), "-vf", "scale=in_color_matrix=" + matrix + ":in_range=tv,format=bgr24",
                              "-frames:v", "1"},
                             png);
  const cv::Mat image = cv::imread(png.string());
  return image.at<cv::Vec3b>(static_cast<int>(y * image.rows), static_cast<int>(x * image.cols));
}

int largest_difference(cv::Vec3b a, cv::Vec3b b) {
  int d = 0;
  for (int c = 0; c < 3; ++c) d = std::max(d, std::abs(a[c] - b[c]));
  return d;
}

// Renditions are tagged BT.709: a BT.601 source's colours are converted, in the rendition at the
// size converted first and in the one scaled from it alike.
TEST(Preview, ABt601SourceKeepsItsColoursInEveryRendition) {
  TempDir dir;
  const auto clip = dir / "sd.mp4";
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i",
                              "color=c=0x30C040:size=320x240:rate=25,drawbox=x=160:y=0:w=160:h=240:color=0xD02060:t=fill",
                              "-vf", "scale=out_color_matrix=bt601:out_range=tv,format=yuv420p", "-frames:v", "5",
                              "-colorspace", "bt470bg", "-c:v", "libx264", "-crf", "8"},
                             clip);
  const cv::Vec3b green = pixel_read_as(clip, "bt601", 0.25, 0.5), red = pixel_read_as(clip, "bt601", 0.75, 0.5);
  constexpr int tolerance = 6;
  // Read with the wrong matrix, the source's colours are visibly off: the check below can fail.
  EXPECT_GT(largest_difference(pixel_read_as(clip, "bt709", 0.25, 0.5), green), 2 * tolerance);

  preview::PreviewOptions options;
  options.renditions = {{"120p", 120}, {"240p", 240}};  // the smaller first: it scales the larger's conversion
  encode_previews(clip, dir / "out", options);
  for (const char* name : {"preview-240p.mp4", "preview-120p.mp4"}) {
    const auto rendition = dir / "out" / name;
    EXPECT_EQ(media::probe(rendition).main_video()->color_matrix, "bt709") << name;
    EXPECT_LE(largest_difference(pixel_read_as(rendition, "bt709", 0.25, 0.5), green), tolerance) << name;
    EXPECT_LE(largest_difference(pixel_read_as(rendition, "bt709", 0.75, 0.5), red), tolerance) << name;
  }
}

// Frames carrying colour codes outside FFmpeg's enums (see make_mpeg4_clip_with_colour_code) are
// encoded as untagged ones are. Under the sanitizers, a load of such a field as its enum fails this test.
TEST(Preview, ColourCodesOutsideFfmpegsEnumsEncodeAsUntagged) {
  TempDir dir;
  encode_previews(pressreel::testing::make_mpeg4_clip_with_colour_code(dir / "untagged.avi", -1), dir / "untagged");
  encode_previews(pressreel::testing::make_mpeg4_clip_with_colour_code(dir / "odd.avi", 205), dir / "odd");
  // Each frame's checksum, as ffmpeg's framemd5 lists them.
  const auto frames = [](const std::filesystem::path& rendition) {
    std::string listing;
    const std::string command = "ffmpeg -v error -i '" + rendition.string() + "' -f framemd5 -";
    EXPECT_EQ(pressreel::testing::run_command(command, &listing), 0);
    std::vector<std::string> sums;
    std::istringstream lines(listing);
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty() && line[0] != '#') sums.push_back(line.substr(line.rfind(',') + 1));
    }
    return sums;
  };
  const auto expected = frames(dir / "untagged" / "preview-64p.mp4");
  const auto got = frames(dir / "odd" / "preview-64p.mp4");
  ASSERT_EQ(got.size(), 25u);
  ASSERT_EQ(expected.size(), 25u);
  // The same first picture. Not every one: x264 does not always encode the very same input alike under
  // this small rendition's tight VBV cap (26 kb/s). With frame threads its rate control drifts, as
  // ffmpeg's CLI does with -threads 4, and a second encode in one process can differ from the first
  // even with one thread (not when x264's assembly is limited to AVX2).
  EXPECT_EQ(got[0], expected[0]);
  EXPECT_EQ(media::probe(dir / "odd" / "preview-64p.mp4").main_video()->color_matrix, "bt709");
}

TEST(Preview, FailedPassLeavesNoPartialFiles) {
  TempDir dir;
  const auto clip = pressreel::testing::make_test_clip(dir / "c.mp4", 10, "25", {}, 320, 240);
  preview::PreviewOptions options;
  options.renditions[0].preset = "no-such-preset";
  options.renditions[0].height = 240;
  EXPECT_THROW(encode_previews(clip, dir / "out", options), std::exception);
  if (std::filesystem::exists(dir / "out")) {
    EXPECT_TRUE(files_in(dir / "out").empty());
  }
}

}  // namespace
