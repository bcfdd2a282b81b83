#include <fmt/format.h>
#include <gtest/gtest.h>

#include <limits>
#include <tuple>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "pressreel/scenes/scene_detector.hpp"
#include "pressreel/scenes/scene_writers.hpp"

namespace {

using namespace pressreel;

// 75 frames at 25 fps: a cut at frame 25 (1 s) and a dissolve over frames 45-49, whole at 50 (2 s).
scenes::SceneList sample() {
  const AVRational tb{1, 25};
  scenes::SceneList s;
  s.frames = 75;
  s.fps = {25, 1};
  s.duration = media::RationalTime(75, tb);
  scenes::Cut cut{25, media::RationalTime(25, tb), scenes::CutKind::cut, 1.0, 25, 25,
                  {media::RationalTime(25, tb), media::RationalTime(25, tb)}};
  scenes::Cut dissolve{50, media::RationalTime(50, tb), scenes::CutKind::dissolve, 0.8, 45, 49,
                       {media::RationalTime(45, tb), media::RationalTime(49, tb)}};
  s.cuts = {cut, dissolve};
  s.shots = scenes::shots_from_cuts(s.cuts, s.frames, s.duration);
  return s;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(SceneWriters, ShotsCoverEveryFrameOnce) {
  const auto s = sample();
  ASSERT_EQ(s.shots.size(), 3u);
  EXPECT_EQ(s.shots[0].start_frame, 0);
  EXPECT_EQ(s.shots[0].end_frame, 24);
  EXPECT_EQ(s.shots[1].start_frame, 25);
  EXPECT_EQ(s.shots[1].end_frame, 49);
  EXPECT_EQ(s.shots[2].end_frame, 74);
  EXPECT_DOUBLE_EQ(s.shots[1].time.end.seconds(), 2.0);
}

TEST(SceneWriters, JsonParsesBackWithFramesTimesAndTransitions) {
  const nlohmann::json j = nlohmann::json::parse(scenes::scenes_json(sample()));
  EXPECT_EQ(j["frames"], 75);
  EXPECT_EQ(j["fps"], "25/1");
  ASSERT_EQ(j["cuts"].size(), 2u);
  EXPECT_EQ(j["cuts"][0]["frame"], 25);
  EXPECT_EQ(j["cuts"][0]["kind"], "cut");
  EXPECT_DOUBLE_EQ(j["cuts"][0]["seconds"].get<double>(), 1.0);
  EXPECT_EQ(j["cuts"][0]["time"], "1");
  EXPECT_EQ(j["cuts"][0]["timecode"], "00:00:01.000");
  EXPECT_EQ(j["cuts"][1]["kind"], "dissolve");
  EXPECT_EQ(j["cuts"][1]["first_frame"], 45);
  EXPECT_EQ(j["cuts"][1]["last_frame"], 49);
  ASSERT_EQ(j["shots"].size(), 3u);
  EXPECT_EQ(j["shots"][2]["start_frame"], 50);
  EXPECT_EQ(j["shots"][2]["end_frame"], 74);
  EXPECT_DOUBLE_EQ(j["shots"][2]["end_seconds"].get<double>(), 3.0);
}

TEST(SceneWriters, CsvHasPySceneDetectListScenesColumnsAndFrameNumbers) {
  const auto rows = lines(scenes::scenes_csv(sample()));
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0], "Timecode List:,00:00:01.000,00:00:02.000");
  EXPECT_EQ(rows[1],
            "Scene Number,Start Frame,Start Timecode,Start Time (seconds),End Frame,End Timecode,End Time (seconds),"
            "Length (frames),Length (timecode),Length (seconds)");
  // PySceneDetect numbers start frames from 1 and gives the end frame inclusive in that numbering.
  EXPECT_EQ(rows[2], "1,1,00:00:00.000,0.000,25,00:00:01.000,1.000,25,00:00:01.000,1.000");
  EXPECT_EQ(rows[3], "2,26,00:00:01.000,1.000,50,00:00:02.000,2.000,25,00:00:01.000,1.000");
  EXPECT_EQ(rows[4], "3,51,00:00:02.000,2.000,75,00:00:03.000,3.000,25,00:00:01.000,1.000");
}

TEST(SceneWriters, EdlHasOneEventPerShotWithSmpteTimecodes) {
  const auto rows = lines(scenes::scenes_edl(sample(), "trailer.mp4"));
  EXPECT_EQ(rows[0], "TITLE: trailer.mp4");
  EXPECT_EQ(rows[1], "FCM: NON-DROP FRAME");
  const std::regex event(R"((\d{3})  AX       V     C        (\d\d:\d\d:\d\d:\d\d) (\d\d:\d\d:\d\d:\d\d) \2 \3)");
  std::vector<std::string> ins;
  for (const auto& row : rows) {
    std::smatch m;
    if (std::regex_match(row, m, event)) ins.push_back(m[2]);
  }
  EXPECT_EQ(ins, (std::vector<std::string>{"00:00:00:00", "00:00:01:00", "00:00:02:00"}));
}

TEST(SceneWriters, WebVttChaptersCoverTheClip) {
  const auto rows = lines(scenes::chapters_vtt(sample()));
  ASSERT_GE(rows.size(), 10u);
  EXPECT_EQ(rows[0], "WEBVTT");
  EXPECT_EQ(rows[3], "00:00:00.000 --> 00:00:01.000");
  EXPECT_EQ(rows[4], "Shot 1");
  EXPECT_EQ(rows[11], "00:00:02.000 --> 00:00:03.000");
}

TEST(SceneWriters, FormatByNameRefusesUnknownFormats) {
  EXPECT_EQ(scenes::format_scenes(sample(), "csv", "x"), scenes::scenes_csv(sample()));
  EXPECT_THROW(scenes::format_scenes(sample(), "xml", "x"), std::invalid_argument);
}

TEST(SceneWriters, StatsRowsHaveAsManyFieldsAsTheHeader) {
  scenes::FrameRecord frame;
  frame.index = 3;
  frame.time = media::RationalTime(3, AVRational{1, 25});
  frame.diff.score = 12.5;
  const auto count = [](const std::string& s) { return std::count(s.begin(), s.end(), ','); };
  EXPECT_EQ(count(scenes::stats_csv_row(frame)), count(scenes::stats_csv_header()));
  EXPECT_EQ(scenes::stats_csv_row(frame).rfind("3,0.120000,00:00:00.120,12.500,", 0), 0u);
}

// The in-point of every EDL event.
std::vector<std::string> edl_in_points(const std::string& edl) {
  const std::regex event(R"((\d{3})  AX       V     C        (\d\d:\d\d:\d\d:\d\d) (\d\d:\d\d:\d\d:\d\d) \2 \3)");
  std::vector<std::string> ins;
  for (const auto& row : lines(edl)) {
    std::smatch m;
    if (std::regex_match(row, m, event)) ins.push_back(m[2]);
  }
  return ins;
}

// One frame every 1000 s (ffmpeg's testsrc2 at r=1/1000), and the 1/512 fps FFmpeg reports for an MP4
// whose mdhd timescale is 0: rates that round to 0 frames a second divided by zero (SIGFPE).
TEST(SceneWriters, EdlOfAClipSlowerThanOneFrameASecondKeepsItsSeconds) {
  for (const auto& [fps, tb, frame_ticks] : std::vector<std::tuple<media::Rational, AVRational, int64_t>>{
           {{1, 1000}, {1, 1000}, 1'000'000}, {{1, 512}, {1, 1}, 512}}) {
    scenes::SceneList s;
    s.frames = 3;
    s.fps = fps;
    s.duration = media::RationalTime(3 * frame_ticks, tb);
    const media::RationalTime second(frame_ticks, tb);
    s.cuts = {{1, second, scenes::CutKind::cut, 1.0, 1, 1, {second, second}}};
    s.shots = scenes::shots_from_cuts(s.cuts, s.frames, s.duration);
    const auto seconds = static_cast<int>(second.seconds());
    EXPECT_EQ(edl_in_points(scenes::scenes_edl(s, "slow.mkv")),
              (std::vector<std::string>{"00:00:00:00", fmt::format("00:{:02}:{:02}:00", seconds / 60, seconds % 60)}))
        << fps.str();
  }
}

// Whatever a damaged stream says its rate or time base is, time arithmetic answers without dividing
// by zero: an unusable time base is no time at all.
TEST(RationalTime, NeverDividesByAZeroRateOrTimeBase) {
  const media::RationalTime one_second(25, AVRational{1, 25});
  for (const media::Rational fps : {media::Rational{0, 1}, media::Rational{1, 0}, media::Rational{0, 0},
                                    media::Rational{-25, 1}, media::Rational{1, 3}, media::Rational{1, 1000}}) {
    EXPECT_EQ(one_second.smpte(fps).substr(0, 8), "00:00:01") << fps.str();
  }
  for (const AVRational broken : {AVRational{0, 1}, AVRational{1, 0}, AVRational{0, 0}, AVRational{-1, 25}}) {
    const media::RationalTime t(50, broken);
    EXPECT_EQ(t.smpte({25, 1}), "00:00:00:00");
    EXPECT_EQ(t.seconds(), 0.0);
    EXPECT_EQ(t.fraction(), "0");
    EXPECT_EQ(t.rescaled(AVRational{1, 25}).ticks(), 0);
    EXPECT_EQ((one_second + t).ticks(), 25);
    EXPECT_EQ(one_second.rescaled(broken).ticks(), 0);
    EXPECT_EQ(media::RationalTime::from_seconds(2.0, broken).ticks(), 0);
  }
  EXPECT_EQ(media::RationalTime::from_seconds(std::numeric_limits<double>::infinity(), {1, 25}).ticks(), 0);
  EXPECT_EQ(media::RationalTime::from_seconds(1e300, {1, 90000}).ticks(), 9'200'000'000'000'000'000);
  EXPECT_EQ(media::RationalTime(INT64_MAX, {1, 25}) + one_second, media::RationalTime(INT64_MAX, {1, 25}));
  EXPECT_EQ(media::RationalTime(3, {1001, 30000}).fraction(), "1001/10000");
}

// Arithmetic keeps the finer base, exactly: a plain zero (base 1/1) plus a frame time stays in frame
// ticks, and times in two frame rates' bases add in a base both divide.
TEST(RationalTime, SumsAndDifferencesAreExactInABaseBothOperandsShare) {
  const media::RationalTime zero(0, AVRational{1, 1});
  const media::RationalTime frame(1001, AVRational{1, 30000});
  EXPECT_EQ((zero + frame).fraction(), "1001/30000");
  EXPECT_EQ((zero + frame).time_base().den, 30000);
  EXPECT_EQ((frame - zero).fraction(), "1001/30000");
  const media::RationalTime pal(1, AVRational{1, 25}), ntsc(1, AVRational{1, 30});
  EXPECT_EQ((pal + ntsc).fraction(), "11/150");
  EXPECT_EQ((pal - ntsc).fraction(), "1/150");
  EXPECT_EQ((ntsc - pal).fraction(), "-1/150");
  // Bases whose common denominator would not fit an int: the finer one.
  const media::RationalTime a(1, AVRational{1, 2'000'000'011}), b(1, AVRational{1, 3});
  EXPECT_EQ((a + b).time_base().den, 2'000'000'011);
  EXPECT_NEAR((a + b).seconds(), 1.0 / 3 + 1.0 / 2'000'000'011, 1e-9);
  // An unusable base is no time: the other operand's base is kept, either way round.
  const media::RationalTime broken(50, AVRational{0, 0});
  EXPECT_EQ(broken + pal, pal);
  EXPECT_EQ((broken + pal).time_base().den, 25);
}

}  // namespace
