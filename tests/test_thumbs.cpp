// `pressreel thumbs`: article art without a full decode; `--at` takes the exact frame on screen.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "media/frame_grabber.hpp"
#include "pressreel/media/decode_pass.hpp"
#include "pressreel/stills/candidate_keeper.hpp"
#include "pressreel/stills/frame_scorer.hpp"
#include "pressreel/stills/poster.hpp"
#include "pressreel/stills/thumbs.hpp"
#include "test_support.hpp"

namespace {

using namespace pressreel;
using pressreel::testing::TempDir;

stills::ThumbsOptions at(double seconds) {
  stills::ThumbsOptions options;
  options.at_seconds = seconds;
  options.crops = {stills::parse_crop("1x1-1080")};
  return options;
}

// Every frame of `clip` as ffmpeg's full decode shows it, at 480x270: the reference.
std::vector<cv::Mat> reference_frames(const std::filesystem::path& clip, const std::filesystem::path& dir) {
  pressreel::testing::ffmpeg({"-i", clip.string(), "-vf", "scale=480:270", "-vsync", "passthrough"},
                             dir / "ref-%03d.png");
  std::vector<cv::Mat> frames;
  for (int i = 1;; ++i) {
    const cv::Mat f = cv::imread((dir / fmt::format("ref-{:03}.png", i)).string());
    if (f.empty()) return frames;
    frames.push_back(f);
  }
}

double difference(const cv::Mat& a, const cv::Mat& b) {
  return cv::norm(a, b, cv::NORM_L1) / static_cast<double>(a.total() * a.channels());
}

TEST(Thumbs, AtGivesTheExactFrameOfAClipWithBFramesAndShortGops) {
  TempDir dir;
  const auto clip = dir / "numbered.mp4";
  // Frame n has luma 16 + 7n (n < 30): its brightness says which frame it is. 25 fps, B-frames,
  // a keyframe every 12 frames, so most targets need a seek and decoding forward.
  pressreel::testing::ffmpeg(
      {"-f", "lavfi", "-i", "color=black:size=320x240:rate=25", "-frames:v", "30", "-vf",
       "geq=lum='16+7*N':cb=128:cr=128", "-c:v", "libx264", "-qp", "4", "-bf", "2", "-g", "12", "-pix_fmt", "yuv420p"},
      clip);
  const auto frame_shown = [&](double seconds) {
    const nlohmann::json j = stills::make_thumbs(clip, dir / "out", at(seconds));
    const cv::Mat poster = cv::imread((dir / "out" / "poster.jpg").string(), cv::IMREAD_GRAYSCALE);
    // Limited-range luma 16 + 7n is full-range grey 7n * 255 / 219.
    const int by_brightness = static_cast<int>(std::lround(cv::mean(poster)[0] * 219.0 / 255.0 / 7.0));
    EXPECT_EQ(j["poster"]["frame"].get<int>(), by_brightness) << "at " << seconds << " s";
    return by_brightness;
  };
  EXPECT_EQ(frame_shown(0.0), 0);
  EXPECT_EQ(frame_shown(0.52), 13);   // 13 * 0.04 = 0.52: the frame starting exactly then
  EXPECT_EQ(frame_shown(0.519), 12);  // a hair before: still the previous frame
  EXPECT_EQ(frame_shown(0.99), 24);
  EXPECT_EQ(frame_shown(0.2), 5);   // back again: seeks backwards too
  EXPECT_EQ(frame_shown(1.19), 29);  // the last frame, on screen until the end at 1.2 s
  // Past the end there is no frame to show; the last one used to stand in silently (issue 24).
  EXPECT_THROW(stills::make_thumbs(clip, dir / "out", at(5.0)), stills::TimePastEnd);
}

TEST(Thumbs, AtIsFrameExactOnTheCounterClip) {
  PRESSREEL_SHARED_CLIP_OR_SKIP(clip, "counter-1080p.mp4");
  TempDir dir;
  const std::vector<cv::Mat> reference = reference_frames(clip, dir.path());
  ASSERT_EQ(reference.size(), 30u);
  // Frame N (1-based, as printed on it) is shown from (N-1)/10 s.
  for (const double seconds : {0.05, 1.25, 2.0, 2.95}) {
    const nlohmann::json j = stills::make_thumbs(clip, dir / "out", at(seconds));
    const int expected = static_cast<int>(std::floor(seconds * 10 + 1e-9));
    EXPECT_EQ(j["poster"]["frame"].get<int>(), expected) << "at " << seconds << " s";
    cv::Mat poster = cv::imread((dir / "out" / "poster.jpg").string());
    ASSERT_EQ(poster.size(), cv::Size(1920, 1080));
    cv::resize(poster, poster, {480, 270}, 0, 0, cv::INTER_AREA);
    // The picture itself is that frame's: closer to it than to any other.
    int nearest = 0;
    for (int i = 1; i < 30; ++i) {
      if (difference(poster, reference[i]) < difference(poster, reference[nearest])) nearest = i;
    }
    EXPECT_EQ(nearest, expected) << "at " << seconds << " s";
  }
}

TEST(Thumbs, SearchSkipsBlackAndDecodesAFractionOfTheClip) {
  TempDir dir;
  const auto clip = dir / "mixed.mp4";
  // 24 s: black, picture, black, picture, each 6 s; keyframes every 2 s.
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-frames:v", "600", "-vf",
                              "drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:enable='lt(mod(t\\,12)\\,6)'", "-c:v",
                              "libx264", "-preset", "ultrafast", "-g", "50", "-pix_fmt", "yuv420p"},
                             clip);
  stills::ThumbsOptions options;
  options.crops = {stills::parse_crop("16x9-1280x720"), stills::parse_crop("9x16-1080x1920")};
  const nlohmann::json j = stills::make_thumbs(clip, dir / "art", options);
  const double seconds = j["poster"]["time"]["seconds"].get<double>();
  EXPECT_TRUE(std::fmod(seconds, 12.0) >= 6.0) << "picked a black frame at " << seconds << " s";
  EXPECT_FALSE(j["poster"]["signals"]["near_uniform"].get<bool>());
  EXPECT_LT(j["frames_decoded"].get<int>(), 600 / 3);
  EXPECT_GE(j["poster"]["alternates"].size(), 1u);
  for (const auto& crop : j["poster"]["crops"]) {
    EXPECT_TRUE(std::filesystem::exists(dir / "art" / crop["file"].get<std::string>())) << crop["file"];
  }
  EXPECT_TRUE(std::filesystem::exists(dir / "art" / "thumbs.json"));
}

// MPEG-PS has no index: a seek lands where a binary search on timestamps puts it, here past the last
// keyframe of the 6-second spot, where nothing decodes. The search still gives a poster.
TEST(Thumbs, SearchOnAProgramStreamWhoseBestKeyframeIsNearTheEnd) {
  TempDir dir;
  const auto clip = std::filesystem::path(PRESSREEL_SOURCE_DIR) / "sample_media/planete-blupi/tv-spot.mpg";
  if (!std::filesystem::exists(clip)) GTEST_SKIP() << clip << " is absent";
  stills::ThumbsOptions options;
  options.crops = {stills::parse_crop("1x1-1080")};
  const nlohmann::json j = stills::make_thumbs(clip, dir / "art", options);
  EXPECT_FALSE(cv::imread((dir / "art" / "poster.jpg").string()).empty());
  EXPECT_LT(j["poster"]["time"]["seconds"].get<double>(), 6.04);
}

TEST(Thumbs, CommandLineWritesWebpPosterAndCrops) {
  TempDir dir;
  const auto clip = pressreel::testing::make_test_clip(dir / "clip.mp4", 75, "25", {}, 640, 360);
  std::string output;
  const int rc = pressreel::testing::run_command(pressreel::testing::cli() + " -q thumbs " + clip.string() + " -o " +
                                                     (dir / "art").string() +
                                                     " --format webp --quality 80 --crops og-1200x630,1x1-1080",
                                                 &output);
  ASSERT_EQ(rc, 0) << output;
  const cv::Mat poster = cv::imread((dir / "art" / "poster.webp").string());
  ASSERT_FALSE(poster.empty());
  EXPECT_EQ(poster.size(), cv::Size(640, 360));
  // Smaller than asked: the largest size the source allows, not upscaled, and the output says so.
  const cv::Mat square = cv::imread((dir / "art" / "1x1-1080.webp").string());
  EXPECT_EQ(square.size(), cv::Size(360, 360));
  EXPECT_NE(output.find("not upscaled"), std::string::npos) << output;
  EXPECT_NE(pressreel::testing::run_command(pressreel::testing::cli() + " -q thumbs " + clip.string() + " -o " +
                                            (dir / "x").string() + " --crops 16x9"),
            0);
  // A size that is not the aspect of its name is a usage error naming the expected form.
  std::string refusal;
  EXPECT_EQ(pressreel::testing::run_command(pressreel::testing::cli() + " -q thumbs " + clip.string() + " -o " +
                                                (dir / "y").string() + " --crops 2x1-2000x2000 2>&1",
                                            &refusal),
            2);
  EXPECT_NE(refusal.find("ASPECT-WIDTHxHEIGHT or ASPECT-WIDTH"), std::string::npos) << refusal;
  EXPECT_FALSE(std::filesystem::exists(dir / "y" / "poster.jpg"));
  // ASPECT-WIDTH: the height from the aspect.
  ASSERT_EQ(pressreel::testing::run_command(pressreel::testing::cli() + " -q thumbs " + clip.string() + " -o " +
                                            (dir / "z").string() + " --crops 4x3-320"),
            0);
  EXPECT_EQ(cv::imread((dir / "z" / "4x3-320.jpg").string()).size(), cv::Size(320, 240));
}

}  // namespace

namespace {

TEST(Thumbs, PosterAndCropsLeaveOutLetterboxBars) {
  TempDir dir;
  const auto clip = dir / "letterboxed.mp4";
  // A 2.4:1 picture in a 16:9 frame: 640x268 in 640x360, 46 rows of black above and below.
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=640x268:rate=25", "-frames:v", "75", "-vf",
                              "pad=640:360:0:46:black,setsar=1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt",
                              "yuv420p"},
                             clip);
  stills::ThumbsOptions options;
  options.crops = {stills::parse_crop("16x9-640")};
  const nlohmann::json j = stills::make_thumbs(clip, dir / "art", options);
  const cv::Mat poster = cv::imread((dir / "art" / j["poster"]["file"].get<std::string>()).string());
  EXPECT_EQ(poster.cols, 640);
  EXPECT_GE(poster.rows, 262);
  EXPECT_LE(poster.rows, 268);
  cv::Mat gray;
  cv::cvtColor(poster, gray, cv::COLOR_BGR2GRAY);
  EXPECT_GT(cv::mean(gray.row(0))[0], 24) << "a bar's row is left at the top";
  EXPECT_GT(cv::mean(gray.row(gray.rows - 1))[0], 24) << "a bar's row is left at the bottom";
  // The 16:9 crop is cut from the picture (narrower than the frame), not from the bars.
  const cv::Mat crop = cv::imread((dir / "art" / "16x9-640.jpg").string());
  ASSERT_FALSE(crop.empty());
  cv::cvtColor(crop, gray, cv::COLOR_BGR2GRAY);
  EXPECT_GT(cv::mean(gray.row(0))[0], 24);
  EXPECT_GT(cv::mean(gray.row(gray.rows - 1))[0], 24);
}

}  // namespace

namespace {

// The signals a FrameScorer measures on a frame alone (motion and placement need its neighbours).
void expect_same_look(const stills::FrameSignals& expected, const nlohmann::json& got, const std::string& who) {
  EXPECT_DOUBLE_EQ(got["sharpness"].get<double>(), expected.sharpness) << who;
  EXPECT_DOUBLE_EQ(got["mean_luma"].get<double>(), expected.mean_luma) << who;
  EXPECT_DOUBLE_EQ(got["contrast"].get<double>(), expected.contrast) << who;
  EXPECT_DOUBLE_EQ(got["colourfulness"].get<double>(), expected.colourfulness) << who;
  EXPECT_DOUBLE_EQ(got["dominant_fraction"].get<double>(), expected.dominant_fraction) << who;
  EXPECT_DOUBLE_EQ(got["text_lines"].get<double>(), expected.text_lines) << who;
  EXPECT_DOUBLE_EQ(got["flat_background"].get<double>(), expected.flat_background) << who;
}

// One scorer serves both pickers (issue 20): the frame each chose is measured and scored exactly as
// a FrameScorer measures and scores that frame, decoded on its own.
TEST(FrameScorer, KeeperAndThumbsMeasureAndScoreAFrameAsTheScorerDoes) {
  TempDir dir;
  const auto clip = dir / "one-shot.mp4";
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-frames:v", "100", "-c:v",
                              "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p"},
                             clip);
  const media::ProbeResult probe = media::probe(clip);
  media::FrameGrabber grabber(probe);
  stills::FrameScorer scorer(640, {}, 25.0);
  const auto alone = [&](const media::RationalTime& time) {
    const media::VideoFrame f = grabber.frame_at(time);
    return scorer.measure(f.picture.get(), true).signals;
  };

  stills::ThumbsOptions options;
  options.crops = {stills::parse_crop("1x1-360")};
  const nlohmann::json thumbs = stills::make_thumbs(clip, dir / "art", options);
  const nlohmann::json& poster = thumbs["poster"];
  const auto poster_time = media::RationalTime::from_seconds(poster["time"]["seconds"].get<double>(),
                                                             grabber.duration().time_base());
  stills::FrameSignals thumbs_signals = alone(poster_time);
  expect_same_look(thumbs_signals, poster["signals"], "thumbs");
  thumbs_signals.motion = poster["signals"]["motion"].get<double>();
  thumbs_signals.faces_checked = true;  // testsrc2 has no face
  EXPECT_DOUBLE_EQ(poster["score"].get<double>(), scorer.score_of(thumbs_signals));

  stills::KeeperOptions keeper_options;
  keeper_options.samples_per_second = 25;
  stills::CandidateKeeper keeper(keeper_options);
  media::FrameSink* sinks[] = {&keeper};
  media::run_decode_pass(probe, sinks, {});
  scenes::SceneList one_shot;
  one_shot.frames = 100;
  one_shot.shots.push_back({0, 99, {}});
  const std::vector<stills::ShotStill> kept = keeper.finish(one_shot);
  ASSERT_EQ(kept.size(), 1u);
  expect_same_look(alone(kept[0].time), stills::to_json(kept[0].signals), "keeper");
  EXPECT_DOUBLE_EQ(kept[0].score(), scorer.score_of(kept[0].signals));
}

// The 16:9 crop of a 16:9 poster at its own size is the poster: the same bytes, encoded once.
TEST(Poster, AWholeFrameCropIsThePosterItself) {
  TempDir dir;
  cv::Mat frame(360, 640, CV_8UC3);
  cv::randu(frame, 0, 255);
  cv::GaussianBlur(frame, frame, {0, 0}, 3.0);
  const nlohmann::json j = stills::write_poster_files(
      frame, {}, dir.path(), {stills::parse_crop("16x9-640x360"), stills::parse_crop("1x1-360")}, {});
  const auto bytes = [&](const std::string& name) { return pressreel::testing::read_text(dir / name); };
  const std::string poster = bytes("poster.jpg");
  ASSERT_FALSE(poster.empty());
  EXPECT_EQ(bytes("16x9-640x360.jpg"), poster);
  EXPECT_EQ(j["crops"][0]["bytes"].get<size_t>(), poster.size());
  const std::vector<uint8_t> again = stills::encode_image(frame, {});
  EXPECT_EQ(poster, std::string(again.begin(), again.end()));
  // The square is cut and encoded on its own.
  const cv::Mat square = cv::imread((dir / "1x1-360.jpg").string());
  EXPECT_EQ(square.size(), cv::Size(360, 360));
  EXPECT_NE(bytes("1x1-360.jpg"), poster);
}

}  // namespace
