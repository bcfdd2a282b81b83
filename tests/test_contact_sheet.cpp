#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "pressreel/media/decode_pass.hpp"
#include "pressreel/stills/candidate_keeper.hpp"
#include "pressreel/stills/contact_sheet.hpp"
#include "pressreel/stills/contact_sheet_tiles.hpp"
#include "reference_text.hpp"
#include "stills/text_renderer.hpp"
#include "test_support.hpp"

namespace {

using namespace pressreel;
using namespace pressreel::stills;
using pressreel::testing::TempDir;

// Distinct saturated colours, so each tile can be found again on the decoded JPEG.
cv::Scalar colour_of(int i) {
  static const cv::Scalar colours[] = {{0, 0, 255},   {0, 255, 0},   {255, 0, 0},   {0, 255, 255},
                                       {255, 0, 255}, {255, 255, 0}, {0, 128, 255}, {255, 128, 0}};
  return colours[i % 8];
}

std::vector<SheetTile> coloured_tiles(int count, cv::Size size = {320, 180}) {
  std::vector<SheetTile> tiles;
  for (int i = 0; i < count; ++i) {
    tiles.push_back({cv::Mat(size, CV_8UC3, colour_of(i)), "Shot " + std::to_string(i + 1),
                     "00:00:0" + std::to_string(i) + ".000"});
  }
  return tiles;
}

double distance(const cv::Scalar& a, const cv::Scalar& b) {
  return std::abs(a[0] - b[0]) + std::abs(a[1] - b[1]) + std::abs(a[2] - b[2]);
}

// Pixels noticeably different from `background` inside `region`.
int ink(const cv::Mat& image, const cv::Rect& region, const cv::Scalar& background) {
  cv::Mat diff, sum;
  cv::absdiff(image(region), background, diff);
  cv::transform(diff, sum, cv::Matx13f(1, 1, 1));
  return cv::countNonZero(sum > 60);
}

SheetHeader sample_header() {
  return {"Pedro Almodóvar — Dolor y gloria",
          "Tráiler oficial",
          {"Duration 00:02:01.000", "1920×1080", "24 fps", "h264 / aac", "42.0 MB", "7 shots"}};
}

TEST(ContactSheet, OneTilePerShotInTheComputedGrid) {
  TempDir dir;
  const SheetStyle style;  // 5 columns
  const auto tiles = coloured_tiles(7);
  const nlohmann::json written = write_contact_sheet(dir.path(), sample_header(), tiles, style);
  EXPECT_EQ(written["path"], "contact-sheet.jpg");
  EXPECT_EQ(written["tiles"], 7);
  EXPECT_EQ(written["columns"], 5);
  EXPECT_EQ(written["rows"], 2);

  const cv::Mat sheet = cv::imread((dir / "contact-sheet.jpg").string());
  ASSERT_FALSE(sheet.empty());
  EXPECT_EQ(sheet.cols, written["width"].get<int>());
  EXPECT_EQ(sheet.rows, written["height"].get<int>());
  EXPECT_LE(sheet.cols, 2048);

  // Every shot's tile is where the layout says, in its own colour; the rest of the last row is empty.
  TextRenderer text;
  const SheetLayout layout = layout_sheet(7, 16.0 / 9.0, 1, style);
  EXPECT_EQ(layout.width, sheet.cols);
  for (int i = 0; i < 10; ++i) {
    const cv::Rect box = layout.tile_box(i);
    ASSERT_LE(box.br().x, sheet.cols);
    ASSERT_LE(box.br().y, sheet.rows);
    const cv::Rect inner(box.x + 4, box.y + 4, box.width - 8, box.height - 8);
    const cv::Scalar mean = cv::mean(sheet(inner));
    if (i < 7) {
      EXPECT_LT(distance(mean, colour_of(i)), 40) << "tile " << i;
      EXPECT_GT(ink(sheet, layout.label_box(i), style.background), 20) << "label of tile " << i;
    } else {
      EXPECT_LT(distance(mean, style.background), 20) << "no tile expected at " << i;
    }
  }
}

TEST(ContactSheet, StaysUnderTheMaximumWidth) {
  SheetStyle style;
  style.columns = 8;
  style.tile_width = 400;
  const cv::Mat sheet = render_sheet(sample_header(), coloured_tiles(12), style);
  EXPECT_LE(sheet.cols, 2048);
  EXPECT_EQ(layout_sheet(12, 16.0 / 9, 1, style).columns, 8);  // narrower tiles, same columns

  style.max_width = 1000;
  const SheetLayout narrow = layout_sheet(12, 16.0 / 9, 1, style);
  EXPECT_LE(narrow.width, 1000);
  EXPECT_GE(narrow.tile_width, 160);
  EXPECT_EQ(narrow.columns * narrow.rows >= 12, true);
}

TEST(ContactSheet, HundredsOfShotsStayUnderTheMaximumHeight) {
  TempDir dir;
  SheetStyle style;
  style.max_height = 4000;
  const nlohmann::json written = write_contact_sheet(dir.path(), sample_header(), coloured_tiles(600), style);
  EXPECT_LE(written["height"].get<int>(), 4000);
  EXPECT_LE(written["width"].get<int>(), 2048);
  EXPECT_GT(written["columns"].get<int>(), 5);  // smaller tiles first
  EXPECT_GT(written["omitted"].get<int>(), 0);  // then a spread subset
  EXPECT_EQ(written["tiles"].get<int>() + written["omitted"].get<int>(), 600);
  const cv::Mat sheet = cv::imread((dir / "contact-sheet.jpg").string());
  EXPECT_EQ(sheet.rows, written["height"].get<int>());
}

TEST(ContactSheet, ShotTilesAreShrunkToTheLargestBoxTheSheetGives) {
  // A sheet of 350 shots is laid out in small tiles; collecting 350 full analysis-size stills first
  // was a long clip's peak memory.
  const cv::Mat still(360, 640, CV_8UC3, cv::Scalar(40, 80, 120));
  const stills::SheetLayout layout = stills::layout_sheet(350, 640.0 / 360.0, 0, stills::SheetStyle{});
  ASSERT_LT(layout.tile_width, 640);
  const stills::SheetTile tile = stills::shot_tile(still, 7, media::RationalTime(3, {1, 1}), layout.tile_width);
  EXPECT_EQ(tile.image.cols, layout.tile_width);
  EXPECT_NEAR(tile.image.rows, layout.tile_width * 360.0 / 640.0, 1.0);
  EXPECT_EQ(tile.label, "Shot 7");
  EXPECT_EQ(stills::shot_tile(still, 1, {}, 0).image.cols, 640) << "0 keeps the image as given";
  EXPECT_EQ(stills::shot_tile(still, 1, {}, 1000).image.cols, 640) << "never enlarged";
}

TEST(ContactSheet, TilesKeepTheirProportions) {
  // A portrait (rotated phone) picture in a landscape grid is letterboxed, not stretched.
  SheetStyle style;
  style.tile_background = cv::Scalar(0, 0, 0);
  std::vector<SheetTile> tiles = coloured_tiles(2);
  tiles[1].image = cv::Mat(320, 180, CV_8UC3, cv::Scalar::all(255));
  const cv::Mat sheet = render_sheet({"Title", "clip", {}}, tiles, style);
  const SheetLayout layout = layout_sheet(2, 16.0 / 9, 0, style);
  cv::Mat gray, mask;
  cv::cvtColor(sheet(layout.tile_box(1)), gray, cv::COLOR_BGR2GRAY);
  cv::threshold(gray, mask, 128, 255, cv::THRESH_BINARY);
  const cv::Rect white = cv::boundingRect(mask);
  EXPECT_EQ(white.height, layout.tile_height);
  EXPECT_NEAR(static_cast<double>(white.width) / white.height, 180.0 / 320.0, 0.02);
  EXPECT_NEAR(white.x + white.width / 2.0, layout.tile_width / 2.0, 2);  // centred
}

TEST(ContactSheet, NonAsciiTitleIsDrawnInTheHeader) {
  const SheetStyle style;
  const cv::Mat sheet = render_sheet(sample_header(), coloured_tiles(3), style);
  const cv::Rect title(0, style.margin, sheet.cols, TextRenderer::line_height(style.title_size));
  // The title's pixels are HarfBuzz's and FreeType's own drawing of it: counting ink alone would pass
  // on boxes for glyphs the font lacks.
  TextRenderer bold(FontSet::bold());
  const std::filesystem::path font = bold.font_path(bold.layout(sample_header().title, style.title_size).glyphs.front().font);
  const pressreel::testing::ReferenceLine reference =
      pressreel::testing::reference_shape(font, sample_header().title, style.title_size);
  for (const auto& g : reference.glyphs) ASSERT_NE(g.glyph, 0u) << "the reference font lacks a glyph";
  const cv::Mat drawn = pressreel::testing::coverage_of(sheet(title), style.background, style.title_colour);
  const cv::Mat expected = pressreel::testing::reference_coverage(
      font, reference, style.title_size, drawn.size(), {style.margin, TextRenderer::baseline(style.title_size)});
  EXPECT_GT(pressreel::testing::ink_overlap(drawn, expected), 0.9);
  // The same check tells the title from another text of the same font and size.
  const cv::Mat other = pressreel::testing::reference_coverage(
      font, pressreel::testing::reference_shape(font, "Pedro Almodovar - Dolor y gloria", style.title_size),
      style.title_size, drawn.size(), {style.margin, TextRenderer::baseline(style.title_size)});
  EXPECT_LT(pressreel::testing::ink_overlap(drawn, other), 0.9);
  // Nothing is drawn above the title.
  EXPECT_EQ(ink(sheet, cv::Rect(0, 0, sheet.cols, style.margin - 2), style.background), 0);
}

TEST(ContactSheet, HostileTextNeverFailsTheSheet) {
  // CJK, emoji, a character no font has (U+0378) and bytes that are not UTF-8 at all.
  const std::string hostile = "\xE6\x98\xA0\xE7\x94\xBB \xF0\x9F\x8E\xAC \xCD\xB8 \xFF\xFE\xC3( \xED\xA0\x80\n\t\x01 end";
  TempDir dir;
  std::vector<SheetTile> tiles = coloured_tiles(2);
  tiles[0].label = hostile;
  tiles[1].detail = hostile;
  nlohmann::json written;
  ASSERT_NO_THROW(written = write_contact_sheet(dir.path(), {hostile, hostile, {hostile, hostile}}, tiles));
  const cv::Mat sheet = cv::imread((dir / "contact-sheet.jpg").string());
  ASSERT_FALSE(sheet.empty());
  const SheetStyle style;
  EXPECT_GT(
      ink(sheet, cv::Rect(0, style.margin, sheet.cols, TextRenderer::line_height(style.title_size)), style.background),
      100);
}

TEST(ContactSheet, WebpOnRequest) {
  TempDir dir;
  SheetStyle style;
  style.image.format = ImageFormat::webp;
  const nlohmann::json written = write_contact_sheet(dir.path(), sample_header(), coloured_tiles(3), style);
  EXPECT_EQ(written["path"], "contact-sheet.webp");
  EXPECT_FALSE(cv::imread((dir / "contact-sheet.webp").string()).empty());
}

TEST(ContactSheet, ClipWithFewShotsGetsIntervalTilesFromTheSamePass) {
  TempDir dir;
  const auto clip = pressreel::testing::make_test_clip(dir / "clip.mp4", 150, "25", {}, 320, 180);
  const media::ProbeResult probe = media::probe(clip);
  const SheetStyle style;
  StoryboardSampler intervals(interval_sampler_options(style));
  media::FrameSink* sinks[] = {&intervals};
  media::run_decode_pass(probe, sinks);

  // Two shots, as a scene detector would report them for this clip.
  scenes::SceneList scenes;
  const AVRational tb{1, 25};
  scenes.frames = 150;
  scenes.shots = {{0, 99, {media::RationalTime(0, tb), media::RationalTime(100, tb)}},
                  {100, 149, {media::RationalTime(100, tb), media::RationalTime(150, tb)}}};
  ASSERT_EQ(choose_sheet_mode(scenes.shots.size()), SheetMode::per_interval);
  EXPECT_EQ(choose_sheet_mode(12), SheetMode::per_shot);

  const std::vector<SheetTile> tiles = interval_tiles(intervals, scenes);
  ASSERT_EQ(tiles.size(), 15u);
  EXPECT_EQ(tiles.front().label, "Shot 1");
  EXPECT_EQ(tiles.back().label, "Shot 2");
  EXPECT_EQ(tiles.front().detail, "00:00:00.200");  // mid-interval (6 s / 15), not the first frame
  EXPECT_EQ(tiles.front().image.size(), cv::Size(384, 216));

  const SheetHeader header = clip_sheet_header(probe, "Dolor y gloria", "clip.mp4", scenes.shots.size());
  EXPECT_EQ(header.facts.front(), "Duration 00:00:06.000");
  EXPECT_NE(std::find(header.facts.begin(), header.facts.end(), "320×180"), header.facts.end());
  EXPECT_NE(std::find(header.facts.begin(), header.facts.end(), "25 fps"), header.facts.end());
  EXPECT_NE(std::find(header.facts.begin(), header.facts.end(), "h264"), header.facts.end());
  EXPECT_EQ(header.facts.back(), "2 shots");

  const nlohmann::json written = write_contact_sheet(dir.path(), header, tiles, style);
  EXPECT_EQ(written["tiles"], 15);
  EXPECT_EQ(written["rows"], 3);
}

TEST(ContactSheet, SharedTrailerGetsOneTilePerShotAndAStoryboardFromOneDecodePass) {
  PRESSREEL_SHARED_CLIP_OR_SKIP(clip, "megamind-trailer.avi");
  std::ifstream truth_file(pressreel::testing::shared_truth("megamind-trailer"));
  const nlohmann::json truth = nlohmann::json::parse(truth_file);
  const media::ProbeResult probe = media::probe(clip);

  // The shots as a scene detector reports them, from the truth's cuts.
  const media::Rational fps = probe.main_video()->frame_rate;
  const AVRational tb{static_cast<int>(fps.den), static_cast<int>(fps.num)};
  scenes::SceneList scenes;
  scenes.frames = truth["frames"].get<int64_t>();
  scenes.fps = fps;
  std::vector<int64_t> starts{0};
  for (const auto& c : truth["cuts"]) {
    const int64_t frame = c.get<int64_t>();
    starts.push_back(frame);
    scenes::Cut cut;
    cut.frame = cut.first_frame = cut.last_frame = frame;
    cut.time = media::RationalTime(frame, tb);
    cut.transition = {cut.time, cut.time};
    scenes.cuts.push_back(cut);
  }
  starts.push_back(scenes.frames);
  for (size_t i = 0; i + 1 < starts.size(); ++i) {
    scenes.shots.push_back(
        {starts[i], starts[i + 1] - 1, {media::RationalTime(starts[i], tb), media::RationalTime(starts[i + 1], tb)}});
  }

  // Stills, storyboard and interval tiles all subscribe to the same pass.
  // No live scene detector here: the cuts arrive after the pass, so the keeper must be told they may
  // come that late (fine for a 270-frame clip).
  stills::KeeperOptions keep_options;
  keep_options.latency_frames = scenes.frames;
  stills::CandidateKeeper keeper(keep_options);
  StoryboardSampler board;
  const SheetStyle style;
  StoryboardSampler intervals(interval_sampler_options(style));
  media::FrameSink* sinks[] = {&keeper, &board, &intervals};
  media::run_decode_pass(probe, sinks);

  const SheetSampling sampling{.min_shots = 4};
  ASSERT_EQ(choose_sheet_mode(scenes.shots.size(), sampling), SheetMode::per_shot);
  std::vector<SheetTile> tiles;
  for (const stills::ShotStill& still : keeper.finish(scenes)) {
    tiles.push_back(shot_tile(still.image(), still.shot + 1, still.time));
  }
  ASSERT_EQ(tiles.size(), scenes.shots.size());
  TempDir dir;
  const nlohmann::json sheet = write_contact_sheet(
      dir.path(), clip_sheet_header(probe, "Megamind", "megamind-trailer.avi", scenes.shots.size()), tiles, style);
  EXPECT_EQ(sheet["tiles"], scenes.shots.size());
  EXPECT_EQ(sheet["omitted"], 0);

  const nlohmann::json storyboard = write_storyboard(dir.path(), board);
  EXPECT_GE(storyboard["tiles"].get<int>(), 10);  // an ~11 s clip: one a second
  EXPECT_TRUE(std::filesystem::exists(dir / "storyboard.vtt"));
  EXPECT_FALSE(cv::imread((dir / "storyboard.jpg").string()).empty());
}

TEST(ContactSheet, FilmSheetShowsEachClipsPosterNameAndDuration) {
  TempDir dir;
  std::vector<FilmSheetClip> clips = {{"Teaser", 62.5, cv::Mat(720, 1280, CV_8UC3, colour_of(0))},
                                      {"Tráiler", 121, cv::Mat(1080, 1080, CV_8UC3, colour_of(1))},
                                      {"Featurette (failed)", 0, cv::Mat()}};
  const std::vector<SheetTile> tiles = film_sheet_tiles(clips);
  ASSERT_EQ(tiles.size(), 3u);
  EXPECT_EQ(tiles[0].label, "Teaser");
  EXPECT_EQ(tiles[0].detail, "00:01:02.500");
  const SheetHeader header = film_sheet_header("Dolor y gloria", clips);
  EXPECT_EQ(header.subtitle, "3 clips");
  const nlohmann::json written = write_contact_sheet(dir.path(), header, tiles);
  EXPECT_EQ(written["tiles"], 3);
  EXPECT_FALSE(cv::imread((dir / "contact-sheet.jpg").string()).empty());
}

}  // namespace
