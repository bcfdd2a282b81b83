// The batch layer: finding films and clips, safe names, recipes, and `pressreel run` end to end.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "io/atomic_file.hpp"
#include "pressreel/batch/batch_run.hpp"
#include "pressreel/batch/discovery.hpp"
#include "pressreel/batch/recipe.hpp"
#include "pressreel/stills/faces.hpp"
#include "batch/slug.hpp"
#include "test_support.hpp"

namespace {

using namespace pressreel;
using pressreel::testing::make_test_clip;
using pressreel::testing::TempDir;
using pressreel::testing::write_text;
using pressreel::testing::read_json;
namespace fs = std::filesystem;



TEST(Slug, MakesSafeFolderNamesThatKeepLettersOfEveryScript) {
  EXPECT_EQ(batch::slugify("Dolor y Gloria (2019) Trailer #2"), "dolor-y-gloria-2019-trailer-2");
  EXPECT_EQ(batch::slugify("../../etc/passwd"), "etc-passwd");
  EXPECT_EQ(batch::slugify("/abs/path"), "abs-path");
  EXPECT_EQ(batch::slugify("..."), "untitled");
  EXPECT_EQ(batch::slugify(""), "untitled");
  EXPECT_EQ(batch::slugify("\"quoted\" 'name'"), "quoted-name");
  EXPECT_EQ(batch::slugify("Pedro Almodóvar"), "pedro-almodóvar");
  EXPECT_EQ(batch::slugify("千と千尋の神隠し"), "千と千尋の神隠し");
  EXPECT_EQ(batch::slugify(std::string("bad\xff\xfe" "bytes")), "bad-bytes");
  EXPECT_EQ(batch::slugify("a..b"), "a.b");
  std::set<std::string> taken;
  EXPECT_EQ(batch::unique_slug("Clip", taken), "clip");
  EXPECT_EQ(batch::unique_slug("clip", taken), "clip-2");
}

TEST(AtomicFile, WritesWholeFilesAndLeavesNoTemporaryBehind) {
  TempDir dir;
  const auto target = dir / "sub" / "data.json";
  io::write_json_atomic(target, nlohmann::json{{"a", 1}});
  EXPECT_EQ(read_json(target)["a"], 1);
  io::write_file_atomic(target, "replaced");
  std::ifstream in(target);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text, "replaced");
  write_text(io::temporary_path_for(target), "left over by a killed run");
  EXPECT_EQ(io::remove_temporary_files(dir.path()), 1);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir / "sub"), fs::directory_iterator()), 1);
  EXPECT_THROW(io::write_file_atomic("/proc/forbidden/x.json", "x"), std::runtime_error);
}

TEST(AtomicFile, AFolderLeftHalfBuiltByAKilledRunIsRemovedWhole) {
  TempDir dir;
  const auto half_built = io::temporary_path_for(dir / "clip" / "stream");
  write_text(half_built / "chunk-0-00001.m4s", "a segment of a killed run");
  write_text(dir / "clip" / "stream-notes" / "kept.txt", "an ordinary folder");
  EXPECT_EQ(io::remove_temporary_files(dir.path()), 1);
  EXPECT_FALSE(fs::exists(half_built));
  EXPECT_TRUE(fs::exists(dir / "clip" / "stream-notes" / "kept.txt"));
}

TEST(Discovery, ReadsFoldersOfFilmsByProbingNotByExtension) {
  TempDir dir;
  const auto clips = dir / "clips";
  make_test_clip(clips / "Film One" / "teaser.mp4", 5, "25");
  fs::create_directories(clips / "Film Two");
  make_test_clip(clips / "Film Two" / "spot.mkv", 5, "25");
  fs::rename(clips / "Film Two" / "spot.mkv", clips / "Film Two" / "spot.bin");  // a clip with an odd extension
  write_text(clips / "Film Two" / "notes.txt", "not a clip");
  write_text(clips / "Film Two" / "broken.mp4", "meant as a clip, but broken");
  write_text(clips / "Film Two" / "film.toml", "title = \"Film Two: The Sequel\"\nyear = 2024\n");

  const batch::WorkList work = batch::discover({clips});
  ASSERT_EQ(work.films.size(), 2u);
  EXPECT_EQ(work.films[0].slug, "film-one");
  EXPECT_EQ(work.films[1].slug, "film-two");
  EXPECT_EQ(work.films[1].info.title, "Film Two: The Sequel");
  EXPECT_EQ(work.films[1].info.year, "2024");
  ASSERT_EQ(work.films[1].clips.size(), 2u);
  EXPECT_EQ(work.films[1].clips[0].slug, "broken");
  EXPECT_FALSE(work.films[1].clips[0].probe.has_value());
  EXPECT_EQ(work.films[1].clips[1].slug, "spot");
  EXPECT_TRUE(work.films[1].clips[1].probe.has_value());
  ASSERT_EQ(work.skipped.size(), 1u);
  EXPECT_EQ(work.skipped[0].path.filename(), "notes.txt");

  // A single film folder, and a clip file given directly.
  EXPECT_EQ(batch::discover({clips / "Film One"}).films.at(0).slug, "film-one");
  const auto single = batch::discover({clips / "Film One" / "teaser.mp4"});
  ASSERT_EQ(single.clip_count(), 1u);
  EXPECT_EQ(single.films[0].slug, "film-one");
  EXPECT_THROW(batch::discover({dir / "nowhere"}), std::invalid_argument);
}

TEST(Discovery, DoesNotFollowSymlinksLeavingTheInput) {
  TempDir dir;
  make_test_clip(dir / "outside" / "secret.mp4", 5, "25");
  make_test_clip(dir / "clips" / "film" / "a.mp4", 5, "25");
  fs::create_symlink(dir / "outside" / "secret.mp4", dir / "clips" / "film" / "b.mp4");
  fs::create_directory_symlink(dir / "outside", dir / "clips" / "linked-film");
  const auto work = batch::discover({dir / "clips"});
  EXPECT_EQ(work.clip_count(), 1u);
  EXPECT_EQ(work.skipped.size(), 2u);
  batch::DiscoveryOptions follow;
  follow.follow_symlinks_outside = true;
  EXPECT_EQ(batch::discover({dir / "clips"}, follow).clip_count(), 3u);
}

TEST(Recipe, LoadsBuiltInsAndRejectsMistakesNamingFileLineAndKey) {
  const auto names = batch::list_recipes();
  std::set<std::string> found;
  for (const auto& r : names) found.insert(r.name);
  EXPECT_TRUE(found.contains("web") && found.contains("article") && found.contains("ci"));
  EXPECT_EQ(batch::load_recipe("web").name, "web");
  EXPECT_THROW(batch::load_recipe("no-such-recipe"), batch::RecipeError);

  auto error_of = [](const std::string& text) {
    try {
      batch::parse_recipe(text, "my.toml");
    } catch (const batch::RecipeError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error_of("[decode]\nthreads = 2\nthreds = 3\n"), "my.toml:3: [decode] threds: unknown key");
  EXPECT_EQ(error_of("[decode]\nthreads = \"two\"\n"), "my.toml:2: [decode] threads: must be an integer");
  EXPECT_EQ(error_of("[decode]\nthreads = -1\n"), "my.toml:2: [decode] threads: must be between 0 and 64");
  EXPECT_EQ(error_of("[nope]\nx = 1\n"), "my.toml:1: unknown section or key 'nope'");
  EXPECT_NE(error_of("[decode\n").find("my.toml:1:"), std::string::npos);
  EXPECT_NE(error_of("[stills]\ncrops = [\"4x3-800x800\"]\n").find("[stills] crops: crop '4x3-800x800': 800x800 is not 4:3"),
            std::string::npos);
  EXPECT_EQ(batch::parse_recipe("[stills]\ncrops = [\"4x3-800\"]\n", "ok.toml").stills.crops.at(0).size, cv::Size(800, 600));
  EXPECT_EQ(batch::parse_recipe("[decode]\nthreads = 3\n", "ok.toml").decoder.threads, 3);
  EXPECT_EQ(batch::parse_recipe("[teaser]\nwebp_effort = 6\n", "ok.toml").teaser.webp_effort, 6);
  EXPECT_EQ(batch::parse_recipe("[teaser]\nmax_width = 1280\n", "ok.toml").teaser.max_width, 1280);
  EXPECT_EQ(batch::parse_recipe("", "ok.toml").teaser.max_width, 640);
  EXPECT_EQ(error_of("[teaser]\nwebp_effort = 7\n"), "my.toml:2: [teaser] webp_effort: must be between 0 and 6");
  EXPECT_EQ(batch::parse_recipe("[stream]\nsegment_seconds = 6.0\n", "ok.toml").stream.segment_seconds, 6.0);
  EXPECT_FALSE(batch::parse_recipe("[outputs]\nstream = false\n", "ok.toml").outputs.stream);
  EXPECT_EQ(error_of("[preview]\ngop_seconds = 4.0\n[stream]\nsegment_seconds = 2.0\n"),
            "my.toml: [stream] segment_seconds (2) is below [preview] gop_seconds (4)");
}

TEST(Concurrency, SplitsTheCoresBetweenClipsAndDecoderThreads) {
  EXPECT_EQ(batch::plan_concurrency(0, 10, 2).clips, 2);
  EXPECT_EQ(batch::plan_concurrency(0, 10, 2).decoder_threads, 1);
  EXPECT_EQ(batch::plan_concurrency(0, 1, 2).clips, 1);
  EXPECT_EQ(batch::plan_concurrency(0, 1, 2).decoder_threads, 2);
  EXPECT_EQ(batch::plan_concurrency(3, 10, 8).decoder_threads, 3);
}

TEST(Concurrency, TheDecoderTakesOneThreadWhenThePreviewsEncodersFillItsShare) {
  EXPECT_EQ(batch::pass_decoder_threads(2, 6), 1);   // the web recipe's 6 x264 threads on 2 cores
  EXPECT_EQ(batch::pass_decoder_threads(6, 6), 1);
  EXPECT_EQ(batch::pass_decoder_threads(16, 6), 16);  // encoders alone leave cores idle
  EXPECT_EQ(batch::pass_decoder_threads(2, 0), 2);    // no previews: the decoder is the pass's work
  EXPECT_EQ(batch::pass_decoder_threads(0, 0), 1);
}

TEST(RunCommand, ProcessesTheBatchReportsFailuresAndExitsWithTheRightCode) {
  TempDir dir;
  make_test_clip(dir / "in" / "Film A" / "trailer.mp4", 30, "25");
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i",
                              "sine=sample_rate=48000", "-frames:v", "20", "-t", "0.8", "-c:v", "libx264", "-c:a", "aac"},
                             dir / "in" / "Film A" / "spot.mkv");
  write_text(dir / "in" / "Film B" / "broken.mp4", "not video");
  write_text(dir / "in" / "Film A" / "film.toml", "title = \"Película A\"\ndirector = \"Pedro Almodóvar\"\n");
  const std::string run = fmt::format("{} --quiet run '{}' -o '{}' --json", pressreel::testing::cli(),
                                      (dir / "in").string(), (dir / "out").string());
  std::string stdout_text;
  EXPECT_EQ(pressreel::testing::run_command(run, &stdout_text), 1);  // one clip failed
  const auto summary = nlohmann::json::parse(stdout_text);
  EXPECT_EQ(summary["succeeded"], 2);
  EXPECT_EQ(summary["failed"], 1);

  const auto manifest = read_json(dir / "out" / "film-a" / "trailer" / "manifest.json");
  EXPECT_EQ(manifest["status"], "ok");
  EXPECT_EQ(manifest["decode"]["frames"], 30);
  EXPECT_EQ(manifest["probe"]["video"][0]["width"], 320);
  EXPECT_EQ(manifest["film_info"]["director"], "Pedro Almodóvar");
  // The loudness read before the pass is timed like every stage, for clips with audio.
  EXPECT_FALSE(manifest["timings"].contains("loudness"));
  EXPECT_GE(read_json(dir / "out" / "film-a" / "spot" / "manifest.json")["timings"].value("loudness", -1.0), 0.0);
  const auto failed = read_json(dir / "out" / "film-b" / "broken" / "manifest.json");
  EXPECT_EQ(failed["status"], "failed");
  EXPECT_EQ(failed["error"]["stage"], "probe");
  EXPECT_NE(failed["error"]["message"].get<std::string>().find("broken.mp4"), std::string::npos);

  const auto catalog = read_json(dir / "out" / "catalog.json");
  EXPECT_EQ(catalog["clip_count"], 3);
  EXPECT_EQ(catalog["failed"], 1);
  EXPECT_EQ(catalog["films"][0]["title"], "Película A");
  EXPECT_EQ(read_json(dir / "out" / "film-a" / "film.json")["clip_count"], 2);

  // All good: exit 0. Usage errors: exit 2.
  const std::string ok_run = fmt::format("{} --quiet run '{}' -o '{}' --base-url https://press.example.com/kit",
                                         pressreel::testing::cli(), (dir / "in" / "Film A").string(),
                                         (dir / "out2").string());
  EXPECT_EQ(pressreel::testing::run_command(ok_run), 0);
  const std::string page = pressreel::testing::read_text(dir / "out2" / "film-a" / "trailer" / "index.html");
  EXPECT_NE(page.find("<meta property=\"og:video\" content=\"https://press.example.com/kit/film-a/trailer/preview-"),
            std::string::npos);
  EXPECT_EQ(pressreel::testing::run_command(fmt::format("{} --quiet merge '{}' --base-url https://cdn.example.com/x",
                                                        pressreel::testing::cli(), (dir / "out2").string())),
            0);
  EXPECT_NE(pressreel::testing::read_text(dir / "out2" / "film-a" / "trailer" / "index.html")
                .find("content=\"https://cdn.example.com/x/film-a/trailer/preview-"),
            std::string::npos);
  for (const char* command : {"run '{}' -o '{}' --base-url press.example.com", "merge '{}' --base-url ftp://x/"}) {
    EXPECT_EQ(pressreel::testing::run_command(fmt::format("{} --quiet {} 2>/dev/null", pressreel::testing::cli(),
                                                          fmt::format(fmt::runtime(command),
                                                                      (dir / "in" / "Film A").string(),
                                                                      (dir / "out4").string()))),
              2)
        << command;
  }
  EXPECT_EQ(pressreel::testing::run_command(pressreel::testing::cli() + " run 2>/dev/null"), 2);
  EXPECT_EQ(pressreel::testing::run_command(pressreel::testing::cli() + " --quiet run /no/such/dir -o /tmp/x 2>/dev/null"), 2);
  EXPECT_EQ(pressreel::testing::run_command(fmt::format("{} --quiet run '{}' -o '{}' --pipeline nope 2>/dev/null",
                                                        pressreel::testing::cli(), (dir / "in").string(),
                                                        (dir / "out3").string())),
            2);
}

TEST(ProbeCommand, PrintsJsonOtherToolsRead) {
  TempDir dir;
  const auto clip = make_test_clip(dir / "c.mp4", 10, "25");
  std::string out;
  ASSERT_EQ(pressreel::testing::run_command(pressreel::testing::cli() + " probe --json '" + clip.string() + "'", &out), 0);
  const auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["video"][0]["frame_count"], 10);
  // Missing input is a usage error, as for `run` (issue 24).
  EXPECT_EQ(pressreel::testing::run_command(pressreel::testing::cli() + " probe /no/such.mp4 2>/dev/null"), 2);
}

}  // namespace

namespace {

// `pressreel run` of DIR/in into DIR/OUT with `pipeline`; its exit code.
int run_pipeline(const TempDir& dir, const std::string& pipeline, const std::string& out) {
  return pressreel::testing::run_command(fmt::format("{} --quiet run '{}' -o '{}' --pipeline {} 2>/dev/null",
                                                     pressreel::testing::cli(), (dir / "in").string(),
                                                     (dir / out).string(), pipeline));
}

TEST(CiRecipe, FailsClipsThatOtherRecipesOnlyWarnAbout) {
  TempDir dir;
  // A clip that is black throughout has no frame worth a poster: a warning elsewhere, a failure in CI.
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "color=c=black:size=320x240:rate=25", "-frames:v", "50", "-c:v",
                              "libx264", "-preset", "ultrafast"},
                             dir / "in" / "film" / "black.mp4");
  const auto run = [&](const std::string& pipeline, const std::string& out) { return run_pipeline(dir, pipeline, out); };
  ASSERT_EQ(run("article", "lenient"), 0);
  const auto lenient = read_json(dir / "lenient" / "film" / "black" / "manifest.json");
  EXPECT_EQ(lenient["status"], "ok");
  EXPECT_TRUE(lenient["outputs"]["poster"].is_null());
  EXPECT_EQ(run("ci", "strict"), 1);
  const auto strict = read_json(dir / "strict" / "film" / "black" / "manifest.json");
  EXPECT_EQ(strict["status"], "failed");
  EXPECT_EQ(strict["error"]["stage"], "checks");
  EXPECT_NE(strict["error"]["message"].get<std::string>().find("no poster"), std::string::npos);
}

TEST(CiRecipe, FailsAClipWhosePreviewAudioIsOffTheLoudnessTarget) {
  TempDir dir;
  // Nothing but 1 ms full-scale clicks: no limiter brings them to -16 LUFS without clipping them, so
  // the previews are written short of it. A warning on the web recipe, a failure on the ci one.
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i",
                              "aevalsrc=if(lt(mod(t\\,0.5)\\,0.001)\\,0.99*sin(2*PI*1000*t)\\,0):s=48000", "-t", "4",
                              "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "pcm_s16le"},
                             dir / "in" / "film" / "clicks.mov");
  const auto run = [&](const std::string& pipeline, const std::string& out) { return run_pipeline(dir, pipeline, out); };
  ASSERT_EQ(run("web", "web"), 0);
  const auto web = read_json(dir / "web" / "film" / "clicks" / "manifest.json");
  EXPECT_EQ(web["status"], "ok");
  EXPECT_EQ(web["outputs"]["previews"][0]["loudness"]["on_target"], false);
  ASSERT_EQ(web["warnings"].size(), 1u) << web["warnings"].dump();
  EXPECT_NE(web["warnings"][0].get<std::string>().find("off the loudness target"), std::string::npos);
  EXPECT_EQ(run("ci", "ci"), 1);
  const auto ci = read_json(dir / "ci" / "film" / "clicks" / "manifest.json");
  EXPECT_EQ(ci["status"], "failed");
  EXPECT_EQ(ci["error"]["stage"], "checks");
  EXPECT_NE(ci["error"]["message"].get<std::string>().find("off the loudness target"), std::string::npos);
}

// The face detector is part of a clip's input key: a clip done with Haar (no model found) is done again
// once BlazeFace's model is found, and then not again.
TEST(BatchKey, AClipDoneWithHaarIsDoneAgainOnceTheFaceModelIsFound) {
  const std::optional<std::filesystem::path> model = stills::find_face_model();
  if (!model) GTEST_SKIP() << "the BlazeFace model is not installed (tools/setup.sh)";
  TempDir dir;
  make_test_clip(dir / "in" / "a.mp4", 50, "25", {}, 320, 180);
  std::filesystem::create_directories(dir / "no-models");
  std::filesystem::create_directories(dir / "models");
  std::filesystem::copy_file(*model, dir / "models" / model->filename());
  const auto run = [&](const std::string& models) {
    std::string text;
    const std::string command =
        fmt::format("PRESSREEL_MODELS='{}' {} --quiet run '{}' -o '{}' --json --pipeline article 2>/dev/null",
                    (dir / models).string(), pressreel::testing::cli(), (dir / "in").string(), (dir / "out").string());
    EXPECT_EQ(pressreel::testing::run_command(command, &text), 0) << command;
    return nlohmann::json::parse(text);
  };
  const auto faces_in_key = [&] {
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir / "out")) {
      if (e.path().filename() != "manifest.json") continue;
      const nlohmann::json m = read_json(e.path());
      if (m.contains("input_key")) return m["input_key"]["faces"].get<std::string>();
    }
    return std::string("no manifest with an input key");
  };
  EXPECT_EQ(run("no-models")["up_to_date"], 0);
  EXPECT_EQ(faces_in_key(), "haar");
  EXPECT_EQ(run("models")["up_to_date"], 0);
  EXPECT_EQ(faces_in_key(), "blazeface");
  EXPECT_EQ(run("models")["up_to_date"], 1);
}

}  // namespace
