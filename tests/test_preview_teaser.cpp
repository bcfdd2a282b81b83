// The teaser: pieces of chosen shots re-read from the clip, as a looping MP4 and an animated WebP.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "pressreel/media/probe.hpp"
#include "pressreel/preview/output_file.hpp"
#include "pressreel/preview/shot_look.hpp"
#include "pressreel/preview/teaser.hpp"
#include "test_preview_readback.hpp"
#include "test_support.hpp"

namespace {

using namespace pressreel;
using pressreel::testing::TempDir;

cv::Size webp_canvas(const std::filesystem::path& path) {
  const auto animation = pressreel::testing::read_webp_animation(path);
  return {animation.width, animation.height};
}

media::RationalTime seconds(double s) { return media::RationalTime::from_seconds(s, AVRational{1, 1000}); }

// Five seconds of 640x360 moving pattern under heavy film grain (`grain` is ffmpeg's noise filter
// options), the kind that makes an animated WebP large, kept crisp by x264.
std::filesystem::path grainy_clip(const std::filesystem::path& clip, const std::string& grain) {
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=5", "-vf", "noise=" + grain,
                              "-c:v", "libx264", "-preset", "ultrafast", "-crf", "16", "-g", "25"},
                             clip);
  return clip;
}

scenes::Shot shot(double start, double end) {
  scenes::Shot s;
  s.time = {seconds(start), seconds(end)};
  return s;
}

TEST(Teaser, ChosenPiecesComeFromTheMiddleOfTheBestShotsInClipOrder) {
  const std::vector<scenes::Shot> best_first = {shot(20, 24), shot(2, 6), shot(10, 12), shot(30, 30.2), shot(40, 50)};
  const auto pieces = preview::choose_teaser_pieces(best_first);
  double total = 0;
  for (size_t i = 0; i < pieces.size(); ++i) {
    total += (pieces[i].end - pieces[i].start).seconds();
    if (i > 0) {
      EXPECT_LT(pieces[i - 1].start, pieces[i].start);
    }
  }
  EXPECT_GE(total, 5.0);
  EXPECT_LE(total, 8.0);
  ASSERT_FALSE(pieces.empty());
  EXPECT_NEAR(pieces.front().start.seconds(), 3.25, 1e-3);  // middle 1.5 s of the 2-6 s shot
  for (const auto& p : pieces) EXPECT_FALSE(p.start >= seconds(30) && p.end <= seconds(30.2));  // too short
}

TEST(Teaser, FewShortShotsStillMakeAFiveSecondTeaser) {
  const std::vector<scenes::Shot> best_first = {shot(0, 3), shot(5, 8)};
  const auto pieces = preview::choose_teaser_pieces(best_first);
  double total = 0;
  for (const auto& p : pieces) total += (p.end - p.start).seconds();
  EXPECT_GE(total, 5.0);
  EXPECT_LE(total, 8.0);
}

// A picture of `background` with a white bar at `bar_x` (a fraction of the width), with a little
// noise seeded by `seed`, standing for one camera set-up.
cv::Mat set_up(cv::Scalar background, double bar_x, int seed) {
  cv::Mat picture(360, 640, CV_8UC3, background);
  cv::rectangle(picture, cv::Rect(static_cast<int>(bar_x * 640), 40, 160, 280), cv::Scalar(255, 255, 255), cv::FILLED);
  cv::Mat noise(picture.size(), CV_8UC3);
  cv::theRNG().state = static_cast<uint64_t>(seed);
  cv::randu(noise, 0, 12);
  return picture + noise;
}

TEST(ShotLook, TheSameSetUpLooksAlikeASimilarPaletteFramedOtherwiseDoesNot) {
  const cv::Scalar blue(160, 60, 20);
  const preview::ShotLook a = preview::shot_look(set_up(blue, 0.1, 1));
  EXPECT_TRUE(preview::look_alike(a, preview::shot_look(set_up(blue, 0.11, 2))));   // the camera again
  EXPECT_FALSE(preview::look_alike(a, preview::shot_look(set_up(blue, 0.6, 3))));   // same colours, other framing
  EXPECT_FALSE(preview::look_alike(a, preview::shot_look(set_up(cv::Scalar(20, 40, 200), 0.1, 4))));  // red set
  EXPECT_FALSE(preview::look_alike(a, preview::ShotLook{}));
}

TEST(Teaser, PiecesComeFromDifferentLookingShots) {
  // Best first: a street camera twice, a mirror twice, then three other set-ups.
  const std::vector<cv::Mat> looks = {
      set_up(cv::Scalar(160, 60, 20), 0.1, 1),  set_up(cv::Scalar(160, 60, 20), 0.11, 2),
      set_up(cv::Scalar(20, 40, 200), 0.5, 3),  set_up(cv::Scalar(20, 40, 200), 0.49, 4),
      set_up(cv::Scalar(30, 160, 40), 0.3, 5),  set_up(cv::Scalar(90, 90, 90), 0.7, 6),
      set_up(cv::Scalar(20, 200, 220), 0.2, 7)};
  const std::vector<scenes::Shot> best_first = {shot(0, 4),   shot(10, 14), shot(20, 24), shot(30, 34),
                                                shot(40, 44), shot(50, 54), shot(60, 64)};
  const auto look_of = [&](size_t i) { return preview::shot_look(looks.at(i)); };
  const auto from_shot = [&](const std::vector<preview::TeaserPiece>& pieces) {
    std::vector<int> shots;
    for (const auto& p : pieces) shots.push_back(static_cast<int>(p.start.seconds() / 10));
    return shots;
  };
  // Without looks, the best shots as they come: both pairs.
  EXPECT_EQ(from_shot(preview::choose_teaser_pieces(best_first)), (std::vector<int>{0, 1, 2, 3, 4}));
  // With them, the second of each pair is passed over.
  EXPECT_EQ(from_shot(preview::choose_teaser_pieces(best_first, {}, look_of)), (std::vector<int>{0, 2, 4, 5, 6}));
  // Look-alikes only: taken after all, rather than a teaser too short.
  const std::vector<scenes::Shot> pair = {shot(0, 4), shot(10, 14)};
  double total = 0;
  for (const auto& p : preview::choose_teaser_pieces(pair, {}, look_of)) total += (p.end - p.start).seconds();
  EXPECT_GE(total, 5.0);
}

TEST(Teaser, WritesAMutedMp4LoopAndAWebpNoWiderThan640) {
  TempDir dir;
  const auto clip = dir / "trailer.mp4";
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=960x540:rate=25:duration=12", "-f", "lavfi", "-i",
                              "sine=frequency=400:duration=12", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25",
                              "-c:a", "aac"},
                             clip);
  const media::ProbeResult probe = media::probe(clip);
  const std::vector<preview::TeaserPiece> pieces = {{seconds(1), seconds(3)}, {seconds(5.5), seconds(7.5)},
                                                    {seconds(9), seconds(11.5)}};
  const nlohmann::json report = preview::make_teaser(probe, pieces, dir / "out");

  const auto mp4 = dir / "out" / "teaser.mp4";
  const media::ProbeResult p = media::probe(mp4);
  ASSERT_NE(p.main_video(), nullptr);
  EXPECT_EQ(p.main_audio(), nullptr);  // muted
  EXPECT_EQ(p.main_video()->codec, "h264");
  EXPECT_EQ(p.main_video()->profile, "High");
  EXPECT_EQ(p.main_video()->width, 640);  // a loop no wider than the WebP
  EXPECT_EQ(p.main_video()->height, 360);
  EXPECT_GE(p.duration_seconds, 5.0);
  EXPECT_LE(p.duration_seconds, 8.0);
  // Only the pieces' whole frames (50 + 50 + 63), one after another on the frame grid.
  const auto packets = pressreel::testing::read_video_packets(mp4);
  ASSERT_EQ(packets.times.size(), 163u);
  for (size_t i = 0; i < packets.times.size(); ++i) EXPECT_NEAR(packets.times[i], i / 25.0, 1e-3);
  EXPECT_NEAR(p.duration_seconds, 163 / 25.0, 1 / 25.0);
  const auto boxes = pressreel::testing::top_level_boxes(mp4);
  EXPECT_LT(std::find(boxes.begin(), boxes.end(), "moov"), std::find(boxes.begin(), boxes.end(), "mdat"));

  const auto webp = pressreel::testing::read_webp_animation(dir / "out" / "teaser.webp");
  ASSERT_TRUE(webp.read);
  EXPECT_EQ(webp.width, 640);
  EXPECT_EQ(webp.height, 360);
  EXPECT_EQ(webp.loop_count, 0);
  EXPECT_EQ(report["outputs"][1]["video"]["width"], 640);
  EXPECT_EQ(report["outputs"][1]["frames"], webp.frames.size());
  ASSERT_FALSE(webp.end_ms.empty());
  EXPECT_EQ(webp.end_ms.back(), 6520);  // exactly as long as the MP4
  EXPECT_DOUBLE_EQ(report["outputs"][1]["duration_seconds"].get<double>(), webp.end_ms.back() / 1000.0);
  // About 12 frames a second, picked from the 25: each shown for two or three of the MP4's frames.
  EXPECT_NEAR(static_cast<double>(webp.frames.size()), 6.52 * 12, 3);
  for (size_t i = 0; i + 1 < webp.end_ms.size(); ++i) {
    const int shown = webp.end_ms[i] - (i == 0 ? 0 : webp.end_ms[i - 1]);
    EXPECT_TRUE(shown == 80 || shown == 120) << "WebP frame " << i << " shown for " << shown << " ms";
  }
  EXPECT_NEAR(report["seconds"].get<double>(), 163 / 25.0, 1e-6);
}

// 12 s at 25 fps whose frame n is flat grey at level_of(n), so a teaser's frames tell which of the
// clip's they are. `encoding` chooses the encoder's options (GOP, B-frames).
int level_of(int n) { return 16 + (7 * n) % 220; }

std::filesystem::path make_numbered_clip(const std::filesystem::path& clip, const std::string& size,
                                         const std::vector<std::string>& encoding) {
  std::vector<std::string> args = {"-f", "lavfi", "-i", "color=black:size=" + size + ":rate=25:duration=12",
                                   "-vf", "geq=lum='16+mod(7*N,220)':cb=128:cr=128", "-pix_fmt", "yuv420p"};
  args.insert(args.end(), encoding.begin(), encoding.end());
  pressreel::testing::ffmpeg(args, clip);
  return clip;
}

// The grey level of each frame of `mp4`: each shrunk to 2x2 in its own YUV 4:2:0 (four luma bytes,
// then one of each chroma), of which the first luma byte.
std::vector<int> frame_levels(const std::filesystem::path& mp4, const std::filesystem::path& scratch) {
  pressreel::testing::ffmpeg(
      {"-i", mp4.string(), "-vf", "scale=2:2:flags=area", "-f", "rawvideo", "-pix_fmt", "yuv420p"}, scratch);
  const std::string raw = pressreel::testing::read_text(scratch);
  EXPECT_EQ(raw.size() % 6, 0u);
  std::vector<int> levels;
  for (size_t i = 0; i + 6 <= raw.size(); i += 6) levels.push_back(static_cast<unsigned char>(raw[i]));
  return levels;
}

// H.264 with non-reference B-frames (I B B B P...) and one keyframe every 10 s, so each piece has a
// long run-up whose B-frames the reader skips; no frame of the pieces themselves may go missing.
TEST(Teaser, SkippingTheRunUpsUnreferencedFramesKeepsEveryFrameOfThePieces) {
  TempDir dir;
  const auto clip = make_numbered_clip(dir / "numbered.mp4", "320x240",
                                       {"-c:v", "libx264", "-preset", "veryfast", "-x264-params",
                                        "bframes=3:b-pyramid=none:b-adapt=0:keyint=250:min-keyint=250:scenecut=0"});
  const std::vector<preview::TeaserPiece> pieces = {{seconds(3), seconds(4)}, {seconds(7), seconds(8.2)}};
  preview::make_teaser(media::probe(clip), pieces, dir / "out", {});
  const std::vector<int> got = frame_levels(dir / "out" / "teaser.mp4", dir / "levels.raw");
  std::vector<int> expected;
  for (int n = 75; n < 100; ++n) expected.push_back(n);   // 3 s to 4 s
  for (int n = 175; n < 205; ++n) expected.push_back(n);  // 7 s to 8.2 s
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(got[i], level_of(expected[i]), 3) << "teaser frame " << i;
}

// A long piece is read as several stretches side by side (each holds at most some tens of megabytes
// of 640 px pictures: 8 s of them are 69 MB). They must join with no frame lost, repeated or moved.
TEST(Teaser, ALongPieceReadInStretchesKeepsEveryFrameOnTheGrid) {
  TempDir dir;
  const auto clip =
      make_numbered_clip(dir / "numbered.mp4", "640x360", {"-c:v", "libx264", "-preset", "ultrafast", "-g", "250"});
  const std::vector<preview::TeaserPiece> pieces = {{seconds(2), seconds(10)}};
  const nlohmann::json report = preview::make_teaser(media::probe(clip), pieces, dir / "out", {});
  EXPECT_NEAR(report["seconds"].get<double>(), 8.0, 1e-6);
  const auto mp4 = dir / "out" / "teaser.mp4";
  const auto packets = pressreel::testing::read_video_packets(mp4);
  ASSERT_EQ(packets.times.size(), 200u);
  for (size_t i = 0; i < packets.times.size(); ++i) EXPECT_NEAR(packets.times[i], i / 25.0, 1e-3);
  const std::vector<int> got = frame_levels(mp4, dir / "levels.raw");
  ASSERT_EQ(got.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_NEAR(got[i], level_of(50 + i), 3) << "teaser frame " << i;  // 2 s to 10 s
}

// libwebp merges a frame identical to the one before into it: the manifest counts the file's frames.
TEST(Teaser, TheManifestDescribesTheWebpAsWritten) {
  TempDir dir;
  const auto clip = dir / "still.mp4";
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "color=gray:size=320x240:rate=25:duration=4", "-f", "lavfi", "-i",
                              "testsrc2=size=320x240:rate=25:duration=4", "-filter_complex",
                              "[0:v][1:v]concat=n=2:v=1[v]", "-map", "[v]", "-c:v", "libx264", "-preset", "ultrafast"},
                             clip);
  // Two seconds of one grey picture, then two of moving pictures.
  const std::vector<preview::TeaserPiece> pieces = {{seconds(1), seconds(3)}, {seconds(5), seconds(7)}};
  const nlohmann::json report = preview::make_teaser(media::probe(clip), pieces, dir / "out");
  const auto webp = pressreel::testing::read_webp_animation(dir / "out" / "teaser.webp");
  ASSERT_TRUE(webp.read);
  const nlohmann::json& written = report["outputs"][1];
  EXPECT_EQ(written["frames"], webp.frames.size());
  EXPECT_LT(webp.frames.size(), 4u * 12 - 20);  // the grey two seconds merged into one frame
  EXPECT_DOUBLE_EQ(written["duration_seconds"].get<double>(), webp.end_ms.back() / 1000.0);
  EXPECT_EQ(written["video"]["width"], 320);
  EXPECT_EQ(written["video"]["height"], 240);
  EXPECT_EQ(written["bytes"], std::filesystem::file_size(dir / "out" / "teaser.webp"));
}

// All of one picture: libwebp writes a still WebP, which has no duration of its own.
TEST(Teaser, AStillTeaserIsOneWebpFrameAsLongAsTheMp4) {
  TempDir dir;
  const auto clip = dir / "grey.mp4";
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "color=gray:size=320x240:rate=25:duration=8", "-c:v", "libx264",
                              "-preset", "ultrafast"},
                             clip);
  const std::vector<preview::TeaserPiece> pieces = {{seconds(1), seconds(6)}};
  const nlohmann::json report = preview::make_teaser(media::probe(clip), pieces, dir / "out");
  const auto webp = pressreel::testing::read_webp_animation(dir / "out" / "teaser.webp");
  ASSERT_TRUE(webp.read);
  EXPECT_EQ(webp.frames.size(), 1u);
  const nlohmann::json& written = report["outputs"][1];
  EXPECT_EQ(written["frames"], 1);
  EXPECT_DOUBLE_EQ(written["duration_seconds"].get<double>(), report["seconds"].get<double>());
  EXPECT_EQ(written["video"]["width"], 320);
  EXPECT_EQ(written["video"]["height"], 240);
}

TEST(Teaser, OnlyAWebpIsDescribedAsOne) {
  TempDir dir;
  pressreel::testing::write_text(dir / "not.webp", "RIFF0000WAVEfmt ");  // a WAV file's start
  EXPECT_THROW(preview::describe_webp(dir / "not.webp", 1.0), std::runtime_error);
}

TEST(Teaser, AWiderMp4IsAllowedButNeverUpscaled) {
  TempDir dir;
  const auto clip = pressreel::testing::make_test_clip(dir / "c.mp4", 100, "25", {"-g", "25"}, 960, 540);
  preview::TeaserOptions options;
  options.max_width = 1280;  // with height 720: 1280x720 at most
  const std::vector<preview::TeaserPiece> pieces = {{seconds(0), seconds(3)}};
  preview::make_teaser(media::probe(clip), pieces, dir / "out", options);
  const media::ProbeResult p = media::probe(dir / "out" / "teaser.mp4");
  ASSERT_NE(p.main_video(), nullptr);
  EXPECT_EQ(p.main_video()->width, 960);
  EXPECT_EQ(p.main_video()->height, 540);
  EXPECT_EQ(webp_canvas(dir / "out" / "teaser.webp").width, 640);  // the WebP keeps its own cap
}

TEST(Teaser, TheCapsBoundARotatedClipAsItIsShown) {
  TempDir dir;
  const auto plain = pressreel::testing::make_test_clip(dir / "plain.mp4", 100, "25", {"-g", "25"}, 1280, 720);
  const auto rotated = dir / "phone.mp4";
  pressreel::testing::ffmpeg({"-i", plain.string(), "-c", "copy", "-metadata:s:v:0", "rotate=90"}, rotated);
  preview::TeaserOptions options;
  options.max_width = 1280;  // the height cap (720) is the one that binds a portrait picture
  const std::vector<preview::TeaserPiece> pieces = {{seconds(0), seconds(3)}};
  preview::make_teaser(media::probe(rotated), pieces, dir / "out", options);
  const media::ProbeResult p = media::probe(dir / "out" / "teaser.mp4");
  ASSERT_NE(p.main_video(), nullptr);
  EXPECT_EQ(p.main_video()->height, 720);  // shown upright: 405 x 720, to even as ffmpeg's scale=-2 does
  EXPECT_EQ(p.main_video()->width, 406);
  const cv::Size webp = webp_canvas(dir / "out" / "teaser.webp");
  EXPECT_EQ(webp.height, 720);
  EXPECT_EQ(webp.width, 406);
}

// WebP decoders read YUV with BT.601's matrix; the MP4's BT.709 YUV handed over as it is shifts every
// saturated colour (this red-pink came out 11 levels darker red and 17 less green).
TEST(Teaser, TheWebpShowsTheClipsColours) {
  TempDir dir;
  const auto clip = dir / "pink.mp4";
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "color=c=0xB03060:size=960x540:rate=25:duration=4,format=rgb24", "-vf",
                              "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p", "-color_primaries", "bt709",
                              "-color_trc", "bt709", "-colorspace", "bt709", "-c:v", "libx264", "-preset", "ultrafast",
                              "-crf", "10"},
                             clip);
  const std::vector<preview::TeaserPiece> pieces = {{seconds(1), seconds(3)}};
  preview::TeaserOptions wider;
  wider.max_width = 960;  // the MP4 at 960x540, so the WebP's 640x360 pictures are scaled on their own
  for (const preview::TeaserOptions& options : {preview::TeaserOptions{}, wider}) {
    const auto out = dir / fmt::format("out{}", options.max_width);
    preview::make_teaser(media::probe(clip), pieces, out, options);
    const auto webp = pressreel::testing::read_webp_animation(out / "teaser.webp");
    ASSERT_TRUE(webp.read);
    ASSERT_FALSE(webp.frames.empty());
    const cv::Vec3b bgr = webp.frames[0].at<cv::Vec3b>(webp.height / 2, webp.width / 2);
    EXPECT_NEAR(bgr[2], 0xB0, 5) << "red, MP4 " << options.max_width << " wide";
    EXPECT_NEAR(bgr[1], 0x30, 5) << "green, MP4 " << options.max_width << " wide";
    EXPECT_NEAR(bgr[0], 0x60, 5) << "blue, MP4 " << options.max_width << " wide";
  }
}

TEST(Teaser, TheWebpKeepsToItsByteBudget) {
  TempDir dir;
  // Busy pictures: film grain over a moving pattern, the kind that makes an animated WebP large.
  const auto clip = dir / "grain.mp4";
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=6", "-vf",
                              "noise=alls=12:allf=t", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25"},
                             clip);
  const std::vector<preview::TeaserPiece> pieces = {{seconds(0.5), seconds(2.5)}, {seconds(3), seconds(5)}};
  const nlohmann::json roomy = preview::make_teaser(media::probe(clip), pieces, dir / "roomy");
  const auto full_bytes = static_cast<int64_t>(std::filesystem::file_size(dir / "roomy" / "teaser.webp"));
  EXPECT_EQ(roomy["outputs"][1]["quality"], 60.0);  // under the default megabyte as it is

  preview::TeaserOptions tight;
  tight.webp_max_bytes = full_bytes * 2 / 3;
  const nlohmann::json report = preview::make_teaser(media::probe(clip), pieces, dir / "tight", tight);
  EXPECT_LE(static_cast<int64_t>(std::filesystem::file_size(dir / "tight" / "teaser.webp")), tight.webp_max_bytes);
  EXPECT_LT(report["outputs"][1]["quality"].get<double>(), 60.0);
  EXPECT_EQ(report["outputs"][1]["max_bytes"], tight.webp_max_bytes);
  // Still the whole animation: as many frames, as long.
  const auto a = pressreel::testing::read_webp_animation(dir / "roomy" / "teaser.webp");
  const auto b = pressreel::testing::read_webp_animation(dir / "tight" / "teaser.webp");
  EXPECT_EQ(a.end_ms, b.end_ms);
}

// Heavy grain at 640x360 is over the default megabyte even at the lowest quality: the WebP comes out
// smaller instead, within its budget, in one whole encode, and still the whole animation.
TEST(Teaser, ABusyWebpMeetsTheDefaultBudgetAtASmallerSize) {
  TempDir dir;
  const auto clip = grainy_clip(dir / "grain.mp4", "alls=40:allf=t");
  const std::vector<preview::TeaserPiece> pieces = {{seconds(0.2), seconds(2.6)}, {seconds(2.6), seconds(4.8)}};
  const nlohmann::json report = preview::make_teaser(media::probe(clip), pieces, dir / "out");
  const nlohmann::json& written = report["outputs"][1];
  EXPECT_LE(static_cast<int64_t>(std::filesystem::file_size(dir / "out" / "teaser.webp")), 1'000'000);
  EXPECT_FALSE(written["over_budget"].get<bool>());
  EXPECT_EQ(written["quality"], 20.0);
  // Its first part told how far over the recipe's quality is: the whole WebP was encoded once, at
  // the size that fits.
  EXPECT_EQ(written["encodes"].get<int>(), 1);
  const auto webp = pressreel::testing::read_webp_animation(dir / "out" / "teaser.webp");
  ASSERT_TRUE(webp.read);
  EXPECT_LT(webp.width, 640);
  EXPECT_NEAR(static_cast<double>(webp.width) / webp.height, 640.0 / 360, 0.02);
  EXPECT_EQ(webp.end_ms.back(), std::lround(report["seconds"].get<double>() * 1000));
  EXPECT_NEAR(static_cast<double>(webp.frames.size()), report["seconds"].get<double>() * 12, 3);
}

// A calm first piece and a grainy second: by its time the first part would project a WebP within the
// megabyte, encode every part at the recipe's quality and then all of them again. Its small share of
// the MP4's bytes tells how far over the whole is, and the WebP is encoded once.
TEST(Teaser, ACalmFirstPieceDoesNotHideABusyRest) {
  TempDir dir;
  const auto clip = grainy_clip(dir / "calm-then-grain.mp4", "alls=40:allf=t:enable='gte(t,2.5)'");
  const std::vector<preview::TeaserPiece> pieces = {{seconds(0.2), seconds(2.4)}, {seconds(2.6), seconds(4.8)}};
  const nlohmann::json report = preview::make_teaser(media::probe(clip), pieces, dir / "out");
  const nlohmann::json& written = report["outputs"][1];
  EXPECT_LE(static_cast<int64_t>(std::filesystem::file_size(dir / "out" / "teaser.webp")), 1'000'000);
  EXPECT_FALSE(written["over_budget"].get<bool>());
  EXPECT_LT(written["quality"].get<double>(), 60.0);
  EXPECT_EQ(written["encodes"].get<int>(), 1);
}

TEST(Teaser, IsCutOffAtEightSeconds) {
  TempDir dir;
  const auto clip = pressreel::testing::make_test_clip(dir / "c.mp4", 300, "25", {"-g", "25"}, 320, 240);
  const std::vector<preview::TeaserPiece> pieces = {{seconds(0), seconds(5)}, {seconds(6), seconds(11)}};
  const nlohmann::json report = preview::make_teaser(media::probe(clip), pieces, dir / "out");
  EXPECT_NEAR(report["seconds"].get<double>(), 8.0, 1 / 25.0);
  EXPECT_NEAR(media::probe(dir / "out" / "teaser.mp4").duration_seconds, 8.0, 1 / 25.0);
  EXPECT_EQ(webp_canvas(dir / "out" / "teaser.webp").width, 320);
}

}  // namespace
