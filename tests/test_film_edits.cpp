// film.toml edited after a run: the next run shows the new film information everywhere, without
// redoing the clips (their media and recipe are unchanged).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "pressreel/stills/contact_sheet.hpp"
#include "stills/text_renderer.hpp"
#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using pressreel::testing::cli;
using pressreel::testing::read_json;
using pressreel::testing::read_text;
using pressreel::testing::run_command;
using pressreel::testing::TempDir;
using pressreel::testing::write_text;

struct FileState {
  fs::file_time_type written;
  std::string bytes;
  bool operator==(const FileState&) const = default;
};

// The encodes of a clip folder: what must not be redone.
std::map<std::string, FileState> encodes(const fs::path& folder) {
  std::map<std::string, FileState> files;
  for (const auto& e : fs::directory_iterator(folder)) {
    const std::string name = e.path().filename().string();
    if (name.starts_with("preview-") || name.starts_with("teaser.")) {
      files[name] = {fs::last_write_time(e.path()), read_text(e.path())};
    }
  }
  return files;
}

// Pixels of the title line that differ clearly between two sheets (JPEG noise stays far below 64).
int title_difference(const fs::path& a, const fs::path& b) {
  const cv::Mat first = cv::imread(a.string(), cv::IMREAD_GRAYSCALE), second = cv::imread(b.string(), cv::IMREAD_GRAYSCALE);
  EXPECT_EQ(first.size(), second.size());
  if (first.size() != second.size()) return -1;
  const pressreel::stills::SheetStyle style;
  const cv::Rect band(0, style.margin, first.cols, pressreel::stills::TextRenderer::line_height(style.title_size));
  cv::Mat difference;
  cv::absdiff(first(band), second(band), difference);
  return cv::countNonZero(difference > 64);
}

TEST(FilmEdits, ANewTitleReachesEveryFileWithoutRedoingTheClips) {
  TempDir dir;
  const fs::path in = dir / "in", out = dir / "out";
  pressreel::testing::make_test_clip(in / "film" / "trailer.mp4", 50, "25", {}, 160, 90);
  write_text(in / "film" / "film.toml", "title = \"Old Title\"\nyear = 2023\n");
  const auto run = [&](const fs::path& to) {
    std::string text;
    EXPECT_EQ(run_command(fmt::format("{} -q run '{}' -o '{}' --json", cli(), in.string(), to.string()), &text), 0);
    return json::parse(text);
  };
  run(out);
  const fs::path clip = out / "film" / "trailer";
  const auto before = encodes(clip);
  ASSERT_FALSE(before.empty());
  fs::copy_file(clip / "contact-sheet.jpg", dir / "old-sheet.jpg");

  write_text(in / "film" / "film.toml", "title = \"New Title\"\nyear = 2024\ndirector = \"Someone\"\n");
  const json summary = run(out);
  EXPECT_EQ(summary["up_to_date"], 1);  // not redone
  EXPECT_EQ(encodes(clip), before);

  const json manifest = read_json(clip / "manifest.json");
  EXPECT_EQ(manifest["film_info"]["title"], "New Title");
  EXPECT_EQ(manifest["film_info"]["year"], "2024");
  EXPECT_EQ(manifest["film_info"]["director"], "Someone");
  EXPECT_EQ(manifest["outputs"]["contact_sheet"]["bytes"], fs::file_size(clip / "contact-sheet.jpg"));
  EXPECT_EQ(read_json(out / "catalog.json")["films"][0]["title"], "New Title");
  EXPECT_EQ(read_json(out / "film" / "film.json")["info"]["title"], "New Title");
  for (const fs::path& page : {out / "index.html", out / "film" / "index.html", clip / "index.html"}) {
    const std::string html = read_text(page);
    EXPECT_NE(html.find("New Title"), std::string::npos) << page;
    EXPECT_EQ(html.find("Old Title"), std::string::npos) << page;
  }

  // The sheet's title line is the one a fresh run draws for the new title.
  run(dir / "fresh");
  const fs::path fresh = dir / "fresh" / "film" / "trailer" / "contact-sheet.jpg";
  EXPECT_LT(title_difference(clip / "contact-sheet.jpg", fresh), 10);
  EXPECT_GT(title_difference(dir / "old-sheet.jpg", fresh), 200);
  // The film's own sheet (rebuilt from the manifests) too.
  EXPECT_LT(title_difference(out / "film" / "contact-sheet.jpg", dir / "fresh" / "film" / "contact-sheet.jpg"), 10);

  // An unchanged film.toml leaves the manifest alone.
  const auto manifest_written = fs::last_write_time(clip / "manifest.json");
  run(out);
  EXPECT_EQ(fs::last_write_time(clip / "manifest.json"), manifest_written);
}

}  // namespace
