#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <regex>
#include <sstream>

#include "pressreel/media/decode_pass.hpp"
#include "pressreel/scenes/scene_writers.hpp"
#include "pressreel/scenes/shot.hpp"
#include "pressreel/stills/storyboard.hpp"
#include "test_support.hpp"

namespace {

using namespace pressreel;
using pressreel::testing::TempDir;

struct Cue {
  int64_t start_ms = 0, end_ms = 0;
  std::string target;  // "storyboard.jpg#xywh=0,0,160,90" or "Shot 3"
};

int64_t parse_timestamp(const std::string& text) {
  int h = 0, m = 0, s = 0, ms = 0;
  EXPECT_EQ(std::sscanf(text.c_str(), "%d:%d:%d.%d", &h, &m, &s, &ms), 4) << text;
  return ((h * 60LL + m) * 60 + s) * 1000 + ms;
}

// A WebVTT file as a player reads it: the signature, then cues of "start --> end" and one payload line.
std::vector<Cue> parse_vtt(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "WEBVTT") << path;
  std::vector<Cue> cues;
  const std::regex timing(R"((\d\d+:\d\d:\d\d\.\d\d\d) --> (\d\d+:\d\d:\d\d\.\d\d\d))");
  std::smatch m;
  while (std::getline(in, line)) {
    if (!std::regex_match(line, m, timing)) continue;
    Cue cue{parse_timestamp(m[1]), parse_timestamp(m[2]), {}};
    std::getline(in, cue.target);
    cues.push_back(cue);
  }
  return cues;
}

// Cues start at 0, each where the previous ended, and the last ends at or after `duration_ms`.
void expect_contiguous_cover(const std::vector<Cue>& cues, int64_t duration_ms) {
  ASSERT_FALSE(cues.empty());
  EXPECT_EQ(cues.front().start_ms, 0);
  for (size_t i = 0; i < cues.size(); ++i) {
    EXPECT_LT(cues[i].start_ms, cues[i].end_ms) << "cue " << i;
    if (i > 0) {
      EXPECT_EQ(cues[i].start_ms, cues[i - 1].end_ms) << "cue " << i;
    }
  }
  EXPECT_GE(cues.back().end_ms, duration_ms);
}

// Every #xywh lies inside the real pixel size of the sprite it names.
void expect_tiles_inside_sprites(const std::filesystem::path& folder, const std::vector<Cue>& cues) {
  std::map<std::string, cv::Size> sprites;
  const std::regex xywh(R"(([^#]+)#xywh=(\d+),(\d+),(\d+),(\d+))");
  std::smatch m;
  for (const Cue& cue : cues) {
    ASSERT_TRUE(std::regex_match(cue.target, m, xywh)) << cue.target;
    const std::string file = m[1];
    if (!sprites.count(file)) {
      const cv::Mat sprite = cv::imread((folder / file).string());
      ASSERT_FALSE(sprite.empty()) << file;
      EXPECT_LE(sprite.cols, 4096);
      EXPECT_LE(sprite.rows, 4096);
      sprites[file] = sprite.size();
    }
    const cv::Rect tile(std::stoi(m[2]), std::stoi(m[3]), std::stoi(m[4]), std::stoi(m[5]));
    EXPECT_GT(tile.area(), 0);
    EXPECT_LE(tile.x + tile.width, sprites[file].width) << cue.target;
    EXPECT_LE(tile.y + tile.height, sprites[file].height) << cue.target;
  }
}

media::DecodeSummary sample(const std::filesystem::path& clip, stills::StoryboardSampler& sampler) {
  const media::ProbeResult probe = media::probe(clip);
  media::FrameSink* sinks[] = {&sampler};
  return media::run_decode_pass(probe, sinks);
}

TEST(Storyboard, ShortClipGetsOneTilePerSecondAndCuesCoverIt) {
  TempDir dir;
  const auto clip = pressreel::testing::make_test_clip(dir / "clip.mp4", 300, "25");  // 12 s, 4:3
  stills::StoryboardSampler sampler;
  const auto summary = sample(clip, sampler);
  const nlohmann::json written = stills::write_storyboard(dir.path(), sampler);

  EXPECT_EQ(sampler.interval(), media::RationalTime(1, AVRational{1, 1}));
  EXPECT_EQ(written["tiles"], 12);
  EXPECT_EQ(written["tile_width"], 160);
  EXPECT_EQ(written["tile_height"], 120);
  ASSERT_EQ(written["sprites"].size(), 1u);
  EXPECT_EQ(written["sprites"][0]["url"], "storyboard.jpg");

  const auto cues = parse_vtt(dir / "storyboard.vtt");
  ASSERT_EQ(cues.size(), 12u);
  expect_contiguous_cover(cues, summary.duration.rescaled({1, 1000}).ticks());
  expect_tiles_inside_sprites(dir.path(), cues);

  // The JSON says the same as the VTT.
  std::ifstream in(dir / "storyboard.json");
  const nlohmann::json board = nlohmann::json::parse(in);
  EXPECT_EQ(board["url"], "storyboard.jpg");
  ASSERT_EQ(board["tiles"].size(), cues.size());
  for (size_t i = 0; i < cues.size(); ++i) {
    EXPECT_DOUBLE_EQ(board["tiles"][i]["start"].get<double>(), cues[i].start_ms / 1000.0);
  }
  EXPECT_NEAR(board["duration"].get<double>(), 12.0, 1e-3);
}

TEST(Storyboard, VariableFrameRateGapsStillGiveContiguousCuesShowingTheirOwnFrames) {
  // 20 frames at 25 fps, then one frame every 1.5 s: some 1 s intervals have no frame at all.
  TempDir dir;
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-frames:v", "30", "-vf",
                              "setpts='if(lt(N,20),N*0.04,0.8+(N-20)*1.5)/TB'", "-fps_mode", "passthrough", "-c:v",
                              "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"},
                             dir / "vfr.mp4");
  stills::StoryboardSampler sampler;
  const auto summary = sample(dir / "vfr.mp4", sampler);
  stills::write_storyboard(dir.path(), sampler);
  const auto cues = parse_vtt(dir / "storyboard.vtt");
  expect_contiguous_cover(cues, summary.duration.rescaled({1, 1000}).ticks());
  ASSERT_EQ(cues.size(), sampler.tiles().size());
  for (size_t i = 0; i < cues.size(); ++i) {
    const int64_t shown = sampler.tiles()[i].time.rescaled({1, 1000}).ticks();
    EXPECT_GE(shown, cues[i].start_ms) << "cue " << i;
    EXPECT_LT(shown, cues[i].end_ms) << "cue " << i;
  }
  EXPECT_EQ(cues.size(), 10u);  // one per interval that has a frame: 0 s, then 2, 3, 5, 6, 8, 9, 11, 12, 14 s
}

TEST(Storyboard, LongClipDefaultsToAboutAHundredTiles) {
  // The interval comes from the probed duration: 240 s / 100 tiles = 2.4 s.
  TempDir dir;
  const auto clip = pressreel::testing::make_test_clip(dir / "long.mp4", 1200, "5", {}, 160, 90);
  stills::StoryboardSampler sampler;
  const auto summary = sample(clip, sampler);
  EXPECT_EQ(sampler.interval(), media::RationalTime(12, AVRational{1, 5}));
  EXPECT_EQ(sampler.tiles().size(), 100u);
  stills::write_storyboard(dir.path(), sampler);
  const auto cues = parse_vtt(dir / "storyboard.vtt");
  expect_contiguous_cover(cues, summary.duration.rescaled({1, 1000}).ticks());
  expect_tiles_inside_sprites(dir.path(), cues);
}

TEST(Storyboard, TilesSpillIntoSeveralSpritesWhenOneWouldBeTooLarge) {
  TempDir dir;
  const auto clip = pressreel::testing::make_test_clip(dir / "clip.mp4", 250, "25");
  stills::StoryboardOptions options;
  options.interval_seconds = 0.2;  // 50 tiles
  options.max_sprite_size = 500;   // 3 x 4 tiles of 160x120 per sprite
  stills::StoryboardSampler sampler(options);
  const auto summary = sample(clip, sampler);
  const nlohmann::json written = stills::write_storyboard(dir.path(), sampler);
  EXPECT_EQ(written["tiles"], 50);
  EXPECT_EQ(written["sprites"].size(), 5u);
  EXPECT_EQ(written["sprites"][0]["url"], "storyboard-0.jpg");
  const auto cues = parse_vtt(dir / "storyboard.vtt");
  expect_contiguous_cover(cues, summary.duration.rescaled({1, 1000}).ticks());
  expect_tiles_inside_sprites(dir.path(), cues);
  EXPECT_TRUE(cues.back().target.starts_with("storyboard-4.jpg#"));
}

// Feeds `seconds` one-per-second frames to the sampler as the decode pass would, without decoding.
void feed_synthetic_clip(stills::StoryboardSampler& sampler, int seconds, double probed_duration) {
  media::ProbeResult probe;
  probe.duration_seconds = probed_duration;
  media::VideoStreamInfo video;
  video.width = video.display_width = 64;
  video.height = video.display_height = 36;
  video.duration_seconds = probed_duration;
  sampler.on_start(probe, video);
  media::FramePtr picture = media::make_frame();
  picture->width = 64;
  picture->height = 36;
  picture->format = AV_PIX_FMT_YUV420P;
  ASSERT_GE(av_frame_get_buffer(picture.get(), 0), 0);
  const std::shared_ptr<const AVFrame> shared = media::share_frame(std::move(picture));
  const AVRational second{1, 1};
  for (int i = 0; i < seconds; ++i) {
    media::VideoFrame frame{i, media::RationalTime(i, second), i, media::RationalTime(1, second), shared};
    std::any prepared = sampler.prepare(frame);
    sampler.on_frame(frame, prepared);
  }
  media::DecodeSummary summary;
  summary.frames = seconds;
  summary.duration = media::RationalTime(seconds, second);
  sampler.on_end(summary);
}

TEST(Storyboard, TwoHourClipKeepsAboutAHundredSmallTiles) {
  stills::StoryboardSampler sampler;
  feed_synthetic_clip(sampler, 7200, 7200);
  EXPECT_EQ(sampler.interval(), media::RationalTime(72, AVRational{1, 1}));
  EXPECT_EQ(sampler.tiles().size(), 100u);
  size_t bytes = 0;
  for (const auto& tile : sampler.tiles()) bytes += tile.image.total() * tile.image.elemSize();
  EXPECT_LT(bytes, 5u << 20);  // 100 tiles of 160x90 BGR: 4.3 MB
}

TEST(Storyboard, MissingDurationStillBoundsTheTileCount) {
  // The probe says nothing about duration: one tile a second until max_tiles, then the interval doubles.
  stills::StoryboardSampler sampler;
  feed_synthetic_clip(sampler, 7200, 0);
  EXPECT_LE(sampler.tiles().size(), 600u);
  EXPECT_GE(sampler.tiles().size(), 300u);
  EXPECT_EQ(sampler.duration(), media::RationalTime(7200, AVRational{1, 1}));
  const auto cues = stills::storyboard_cues(sampler);
  for (size_t i = 1; i < cues.size(); ++i) {
    EXPECT_FALSE(cues[i - 1].empty());
    EXPECT_EQ(cues[i - 1].end, cues[i].start);  // contiguous: each cue ends where the next starts
  }
}

TEST(Storyboard, LayoutKeepsEverySpriteWithinTheLimit) {
  const cv::Size tile(160, 90);
  const auto layout = stills::layout_storyboard(7200, tile, {});  // a 2-hour clip at one tile a second
  ASSERT_EQ(layout.places.size(), 7200u);
  int tiles = 0;
  for (const auto& sprite : layout.sprites) {
    EXPECT_LE(sprite.width, 4096);
    EXPECT_LE(sprite.height, 4096);
    tiles += sprite.tile_count;
  }
  EXPECT_EQ(tiles, 7200);
  for (const auto& place : layout.places) {
    EXPECT_LE(place.x + tile.width, layout.sprites[place.sprite].width);
    EXPECT_LE(place.y + tile.height, layout.sprites[place.sprite].height);
  }
}

TEST(Storyboard, TileCountStaysBoundedWhateverTheInterval) {
  TempDir dir;
  const auto clip = pressreel::testing::make_test_clip(dir / "clip.mp4", 250, "25");
  stills::StoryboardOptions options;
  options.interval_seconds = 0.04;  // every frame asked for...
  options.max_tiles = 20;           // ...but never more than 20 kept
  stills::StoryboardSampler sampler(options);
  const auto summary = sample(clip, sampler);
  EXPECT_LE(sampler.tiles().size(), 20u);
  EXPECT_GE(sampler.tiles().size(), 10u);
  EXPECT_GT(sampler.interval(), media::RationalTime(40, AVRational{1, 1000}));
  stills::write_storyboard(dir.path(), sampler);
  const auto cues = parse_vtt(dir / "storyboard.vtt");
  expect_contiguous_cover(cues, summary.duration.rescaled({1, 1000}).ticks());
  expect_tiles_inside_sprites(dir.path(), cues);
}

// Bounding box of the bright pixels of a BGR tile.
cv::Rect bright_box(const cv::Mat& tile) {
  cv::Mat gray, mask;
  cv::cvtColor(tile, gray, cv::COLOR_BGR2GRAY);
  cv::threshold(gray, mask, 128, 255, cv::THRESH_BINARY);
  return cv::boundingRect(mask);
}

// A white 100x40 box at (20,20) on a black 320x180 clip.
std::vector<std::string> box_clip_args(const std::string& extra_filter = "") {
  return {"-f",       "lavfi",
          "-i",       "color=c=black:s=320x180:r=25:d=1",
          "-vf",      "drawbox=x=20:y=20:w=100:h=40:color=white:t=fill" + extra_filter,
          "-c:v",     "libx264",
          "-preset",  "ultrafast",
          "-pix_fmt", "yuv420p"};
}

TEST(Storyboard, RotatedClipGivesUprightTiles) {
  TempDir dir;
  pressreel::testing::ffmpeg(box_clip_args(), dir / "plain.mp4");
  // The display matrix is set on a stream copy (ffmpeg 5.1 drops it when encoding).
  pressreel::testing::ffmpeg({"-i", (dir / "plain.mp4").string(), "-c", "copy", "-metadata:s:v:0", "rotate=90"},
                             dir / "rotated.mp4");
  stills::StoryboardSampler sampler;
  sample(dir / "rotated.mp4", sampler);
  ASSERT_FALSE(sampler.tiles().empty());
  const cv::Mat& tile = sampler.tiles().front().image;
  EXPECT_EQ(tile.size(), cv::Size(160, 284));  // 180x320 upright
  // As ffmpeg's own autorotation shows it: the 100x40 box stands 40 wide and 100 tall, at the
  // lower left ((x, y) -> (y, 319 - x)).
  const cv::Rect box = bright_box(tile);
  const double scale = 160.0 / 180.0;
  EXPECT_NEAR(box.width, 40 * scale, 3);
  EXPECT_NEAR(box.height, 100 * scale, 3);
  EXPECT_NEAR(box.x, 20 * scale, 3);
  EXPECT_NEAR(box.y, 200 * scale, 3);
}

TEST(Storyboard, AnamorphicClipGivesSquarePixelTiles) {
  TempDir dir;
  // 360x240 stored, pixels 32/27 wide: shown as 427x240 (16:9). An 81x72 box is shown 96x72 (4:3).
  std::vector<std::string> args = {"-f",       "lavfi",
                                   "-i",       "color=c=black:s=360x240:r=25:d=1",
                                   "-vf",      "drawbox=x=40:y=40:w=81:h=72:color=white:t=fill,setsar=32/27",
                                   "-c:v",     "libx264",
                                   "-preset",  "ultrafast",
                                   "-pix_fmt", "yuv420p"};
  pressreel::testing::ffmpeg(args, dir / "anamorphic.mp4");
  stills::StoryboardSampler sampler;
  sample(dir / "anamorphic.mp4", sampler);
  ASSERT_FALSE(sampler.tiles().empty());
  const cv::Mat& tile = sampler.tiles().front().image;
  EXPECT_EQ(tile.size(), cv::Size(160, 90));
  const cv::Rect box = bright_box(tile);
  EXPECT_NEAR(static_cast<double>(box.width) / box.height, 96.0 / 72.0, 0.1);  // not 81/72
}

TEST(Storyboard, ChaptersHaveOneCuePerShotCoveringTheClip) {
  TempDir dir;
  scenes::SceneList scenes;
  const AVRational tb{1, 25};
  scenes.frames = 250;
  scenes.duration = media::RationalTime(250, tb);
  scenes.shots = {{0, 59, {media::RationalTime(0, tb), media::RationalTime(60, tb)}},
                  {60, 179, {media::RationalTime(60, tb), media::RationalTime(180, tb)}},
                  {180, 249, {media::RationalTime(180, tb), media::RationalTime(250, tb)}}};
  pressreel::testing::write_text(dir / "chapters.vtt", scenes::chapters_vtt(scenes));
  const auto cues = parse_vtt(dir / "chapters.vtt");
  ASSERT_EQ(cues.size(), 3u);
  expect_contiguous_cover(cues, 10000);
  EXPECT_EQ(cues[1].target, "Shot 2");
}

}  // namespace
