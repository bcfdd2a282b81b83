// Inputs the fuzzers (fuzz/) found, or that their contracts rule out, replayed in every build: what
// pressreel reads back from OUT and from truth files must be refused or read, never crash or throw
// an exception nobody expects.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "pressreel/batch/catalog.hpp"
#include "pressreel/batch/gallery.hpp"
#include "pressreel/batch/gallery_model.hpp"
#include "pressreel/media/probe.hpp"
#include "pressreel/scenes/scene_eval.hpp"
#include "test_support.hpp"

namespace {

using namespace pressreel;
using nlohmann::json;
using pressreel::testing::TempDir;

// OUT/<film>/<clip>/manifest.json holding `text`; returns the clip folder.
std::filesystem::path write_manifest(const std::filesystem::path& out, const std::string& film, const std::string& clip,
                                     const std::string& text) {
  const auto folder = out / film / clip;
  std::filesystem::create_directories(folder);
  std::ofstream(folder / "manifest.json") << text;
  return folder;
}

TEST(FuzzFindings, CatalogListsAClipWhoseManifestIsAnotherJsonFile) {
  // fuzz_manifest, first input of its seed corpus: a scenes.json where the manifest should be. The
  // catalog read "source" without checking it was there and threw, so `merge` failed for every film.
  TempDir out;
  write_manifest(out.path(), "film", "trailer", R"({"clip": "trailer.mp4", "cuts": [{"frame": 45}], "shots": []})");
  write_manifest(out.path(), "film", "teaser", R"([1, 2, 3])");
  const json catalog = batch::write_catalog(out.path());
  ASSERT_EQ(catalog["clip_count"], 1);
  const json film = json::parse(std::ifstream(out / "film" / "film.json"));
  EXPECT_EQ(film["clips"][0]["clip"], "trailer");
  EXPECT_EQ(film["clips"][0]["name"], "trailer");
  EXPECT_EQ(film["clips"][0]["status"], "failed");
  EXPECT_GT(batch::write_gallery(out.path()), 0);
}

TEST(FuzzFindings, CatalogReadsEachManifestFieldOnlyWithItsType) {
  TempDir out;
  write_manifest(out.path(), "film", "trailer",
                 R"({"source": {"name": 7}, "status": ["ok"], "probe": {"duration_seconds": "long"},
                     "film_info": {"title": 1999, "year": 1999}, "outputs": {"poster": {"file": 3, "score": 1}}})");
  const json catalog = batch::write_catalog(out.path());
  EXPECT_EQ(catalog["films"][0]["title"], "film");
  EXPECT_EQ(catalog["films"][0]["failed"], 1);
  EXPECT_EQ(catalog["films"][0]["duration_seconds"], 0.0);
  EXPECT_TRUE(catalog["films"][0]["poster"].is_null());
}

TEST(FuzzFindings, CatalogNeverCopiesAPosterFromOutsideTheClipFolder) {
  // A manifest naming "../../../private.jpg" as the poster had the catalog copy OUT/private.jpg (any
  // file the process can read) to OUT/<film>/poster.jpg, where the gallery publishes it.
  TempDir out;
  std::ofstream(out / "private.jpg") << "not for publication";
  write_manifest(out.path(), "film", "trailer",
                 R"({"status": "ok", "outputs": {"poster": {"file": "../../../private.jpg", "score": 9}}})");
  write_manifest(out.path(), "film", "teaser",
                 R"({"status": "ok", "outputs": {"poster": {"folder": "..", "file": "manifest.json", "score": 9}}})");
  const json catalog = batch::write_catalog(out.path());
  EXPECT_TRUE(catalog["films"][0]["poster"].is_null());
  EXPECT_FALSE(std::filesystem::exists(out / "film" / "poster.jpg"));
  EXPECT_FALSE(std::filesystem::exists(out / "film" / "poster.json"));
}

TEST(FuzzFindings, GalleryTakesSizesBeyondAnyPictureAsUnknown) {
  // A width of 1e300 was converted to int unchecked (undefined behaviour, reported by UBSan).
  TempDir out;
  const auto folder = write_manifest(out.path(), "film", "trailer", "{}");
  std::filesystem::create_directories(folder / "stills");
  std::ofstream(folder / "stills" / "shot-001.jpg") << "not decoded here";
  const json manifest = json::parse(R"({"status": "ok",
      "probe": {"video": [{"width": 1e300, "height": -5, "display_width": 1.5e10, "display_height": 720}]},
      "outputs": {"stills": [{"file": "stills/shot-001.jpg", "width": 1e300, "height": 4e9, "seconds": 2.5}]}})");
  const batch::GalleryClip clip = batch::read_gallery_clip(folder, manifest);
  EXPECT_TRUE(clip.ok);
  EXPECT_EQ(clip.width, 0);
  EXPECT_EQ(clip.height, 720);
  ASSERT_EQ(clip.stills.size(), 1u);
  EXPECT_EQ(clip.stills[0].width, 0);
  EXPECT_EQ(clip.stills[0].seconds, 2.5);
  EXPECT_TRUE(clip.warnings.empty());
}

TEST(FuzzFindings, GalleryReadsWhatItCanOfAManifestWithOddTypes) {
  TempDir out;
  const auto folder = write_manifest(out.path(), "film", "trailer", "{}");
  const json manifest = json::parse(R"({"source": {"name": "Trailer.mov"}, "status": 7, "probe": "none"})");
  const batch::GalleryClip clip = batch::read_gallery_clip(folder, manifest);
  EXPECT_EQ(clip.name, "Trailer.mov");
  EXPECT_FALSE(clip.ok);
  ASSERT_EQ(clip.warnings.size(), 1u);
  EXPECT_EQ(clip.warnings[0].rfind("manifest.json is not as pressreel writes it: ", 0), 0u) << clip.warnings[0];

  EXPECT_EQ(batch::read_gallery_clip(folder, json::array({1, 2})).name, "trailer");
}

// fuzz_manifest found it: a film's "title" that is a number threw a json type_error out of the gallery.
TEST(FuzzFindings, AFilmTitleThatIsNotTextGivesTheFolderName) {
  batch::GalleryFilm film;
  film.slug = "film";
  film.info = json::parse(R"({"title": 1984})");
  EXPECT_EQ(film.title(), "film");
  film.info = json::parse(R"({"title": "Nineteen"})");
  EXPECT_EQ(film.title(), "Nineteen");
  film.info = json::array({1});
  EXPECT_EQ(film.title(), "film");
}

// fuzz_manifest found it: a film's "year" (or "release_date") that is a number threw a json type_error
// out of the clip page's publishing facts, and the gallery was not written.
TEST(FuzzFindings, AFilmYearThatIsNotTextIsLeftOutOfTheClipPage) {
  TempDir out;
  write_manifest(out.path(), "film", "clip", R"({"clip": "clip", "status": "ok", "outputs": {},
      "film_info": {"title": "City", "year": 6277831, "release_date": 20, "warnings": []}})");
  EXPECT_NO_THROW(batch::write_gallery(out.path()));
  EXPECT_TRUE(std::filesystem::exists(out.path() / "film" / "clip" / "index.html"));
}

TEST(FuzzFindings, ProbeTurnsTagsThatAreNotUtf8IntoUtf8) {
  // fuzz_probe_buffer: a Matroska tag with the byte 0xF7 made to_json(probe).dump() throw (JSON is
  // UTF-8). Old files often carry Latin-1 titles like this one; the probe now hands every reader (JSON,
  // gallery, contact sheet) the same valid text.
  TempDir dir;
  const auto clip = dir / "latin1.mkv";
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25", "-frames:v", "5", "-c:v", "mpeg4",
                              "-metadata", "title=Caf\xe9 \xabnoir\xbb", "-metadata:s:v:0", "comment=\xff"},
                             clip);
  const media::ProbeResult probe = media::probe(clip);
  EXPECT_EQ(probe.metadata.at("title"), "Caf\uFFFD \uFFFDnoir\uFFFD");
  EXPECT_EQ(probe.main_video()->metadata.at("COMMENT"), "\uFFFD");  // Matroska keeps stream tag names upper case
  EXPECT_NO_THROW((void)media::to_json(probe).dump());
}

// The message of the std::runtime_error that parsing `text` as a truth file throws.
std::string truth_error(const std::string& text) {
  try {
    scenes::parse_truth(text, "t.json");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  ADD_FAILURE() << "accepted: " << text;
  return {};
}

TEST(FuzzFindings, TruthFramesOutsideAnyClipAreRefused) {
  // Scoring widens transitions by one frame and compares cuts within a tolerance: frame numbers near
  // the ends of int64 overflowed there (UBSan), and 1e300 was converted to an integer unchecked.
  EXPECT_EQ(truth_error(R"({"clip": "c.mp4", "cuts": [9223372036854775807]})"),
            "t.json: cuts: frame 9223372036854775807 is out of range");
  EXPECT_EQ(truth_error(R"({"clip": "c.mp4", "cuts": [-1]})"), "t.json: cuts: frame -1 is out of range");
  EXPECT_EQ(truth_error(R"({"clip": "c.mp4", "gradual": [[-9223372036854775808, 3]]})"),
            "t.json: gradual: frame -9223372036854775808 is out of range");
  EXPECT_EQ(truth_error(R"({"clip": "c.mp4", "frames": 1e300})"), "t.json: frames: 1e+300 is not a frame number");
  EXPECT_EQ(truth_error(R"({"clip": "c.mp4", "flashes": [[10, 4]]})"), "t.json: flashes: [10,4] ends before it starts");
  EXPECT_EQ(truth_error(R"({"clip": "c.mp4", "gradual": [7]})"), "t.json: gradual: 7 is not [first, last]");
  EXPECT_EQ(truth_error(R"({"clip": "c.mp4", "cuts": {"a": 1}})"), "t.json: cuts is not a list");

  EXPECT_THROW(scenes::parse_reported(R"({"cuts": [{"frame": 1.5e19}]})", "s.json"), std::runtime_error);
  EXPECT_THROW(scenes::parse_reported(R"({"cuts": [{"frame": -9223372036854775807}]})", "s.json"), std::runtime_error);
}

TEST(FuzzFindings, TheLargestAcceptedFramesScoreWithoutOverflow) {
  const scenes::SceneTruth truth =
      scenes::parse_truth(R"({"clip": "c.mp4", "cuts": [1099511627776], "gradual": [[0, 1099511627776]],
                              "flashes": [[1099511627776, 1099511627776]]})",
                          "t.json");
  const auto reported = scenes::parse_reported(R"({"cuts": [{"frame": 1099511627776}, {"frame": 0}]})", "s.json");
  const scenes::ToleranceScore score = scenes::score_boundaries(truth, reported, 1);
  EXPECT_EQ(score.overall.true_positives, 2);
  EXPECT_EQ(score.overall.false_positives, 0);
}

}  // namespace
