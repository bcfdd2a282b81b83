// The command line as a new user meets it: options where people put them, mistakes named with what
// would have been right, exit 2 for every usage error and nothing written for it.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using pressreel::testing::cli;
using pressreel::testing::make_test_clip;
using pressreel::testing::read_text;
using pressreel::testing::run_command;
using pressreel::testing::TempDir;

// Shots and a poster: the cheapest recipe that still makes a clip folder.
constexpr const char* quick = "--pipeline article";

// Runs `pressreel ARGS`, stdout to `out` (when given), stderr to `err`; returns the exit code.
int pressreel(const std::string& args, std::string* err = nullptr, std::string* out = nullptr) {
  TempDir logs;
  const int rc = run_command(fmt::format("{} {} 2>'{}'", cli(), args, (logs / "stderr").string()), out);
  if (err != nullptr) *err = read_text(logs / "stderr");
  return rc;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct CliFixture : ::testing::Test {
  TempDir dir;
  fs::path in = dir / "in";
  void SetUp() override {
    make_test_clip(in / "Film A" / "trailer.mp4", 30, "25", {}, 96, 64);  // 1.2 s
    make_test_clip(in / "Film A" / "teaser.mp4", 10, "25", {}, 96, 64);
  }
};

TEST_F(CliFixture, GlobalOptionsWorkBeforeOrAfterTheSubcommand) {
  std::string err;
  ASSERT_EQ(pressreel(fmt::format("run '{}' -o '{}' {} -q", in.string(), (dir / "a").string(), quick), &err), 0) << err;
  EXPECT_EQ(err, "");  // quiet: not even the summary
  ASSERT_EQ(pressreel(fmt::format("run '{}' -o '{}' --log-level error {}", in.string(), (dir / "b").string(), quick),
                      &err),
            0)
      << err;
  EXPECT_EQ(err, "");
  ASSERT_EQ(pressreel(fmt::format("--quiet run '{}' -o '{}' {}", in.string(), (dir / "c").string(), quick), &err), 0);
  EXPECT_EQ(err, "");
  // Without them, the summary is logged: the options above really silenced it.
  ASSERT_EQ(pressreel(fmt::format("run '{}' -o '{}' {}", in.string(), (dir / "d").string(), quick), &err), 0);
  EXPECT_TRUE(contains(err, "2 clips")) << err;
  EXPECT_EQ(pressreel("probe --json -q '" + (in / "Film A" / "teaser.mp4").string() + "'", &err), 0);
}

TEST(CliUsage, AMistypedSubcommandIsNamedWithTheNearestOne) {
  std::string err;
  EXPECT_EQ(pressreel("rnu clips -o out", &err), 2);
  EXPECT_TRUE(contains(err, "'rnu' is not a pressreel command")) << err;
  EXPECT_TRUE(contains(err, "Did you mean 'run'?")) << err;
  EXPECT_EQ(pressreel("-q thumb clip.mp4 -o art", &err), 2);
  EXPECT_TRUE(contains(err, "Did you mean 'thumbs'?")) << err;
  EXPECT_EQ(pressreel("mrege out", &err), 2);
  EXPECT_TRUE(contains(err, "Did you mean 'merge'?")) << err;
  // Nothing near: no guess, the list of commands.
  EXPECT_EQ(pressreel("xylophone", &err), 2);
  EXPECT_FALSE(contains(err, "Did you mean")) << err;
  EXPECT_TRUE(contains(err, "run, probe")) << err;
  EXPECT_FALSE(contains(err, "worker")) << err;  // hidden commands are not offered
  EXPECT_FALSE(contains(err, "fork-server")) << err;
  EXPECT_EQ(pressreel("forkserver", &err), 2);
  EXPECT_FALSE(contains(err, "Did you mean 'fork-server'")) << err;
  // No word at all: still CLI11's own message.
  EXPECT_EQ(pressreel("", &err), 2);
  EXPECT_TRUE(contains(err, "subcommand")) << err;
}

TEST_F(CliFixture, MergeJsonIsTheRunSummary) {
  const fs::path out = dir / "out";
  std::string run_text, merge_text, err;
  ASSERT_EQ(pressreel(fmt::format("-q run '{}' -o '{}' {} --json", in.string(), out.string(), quick), &err, &run_text),
            0)
      << err;
  ASSERT_EQ(pressreel(fmt::format("-q merge '{}' --json", out.string()), &err, &merge_text), 0) << err;
  json run = json::parse(run_text), merge = json::parse(merge_text);
  ASSERT_EQ(merge["clips"].size(), 2u);
  // Times differ (the merge reports each clip's recorded time and its own); everything else is the same.
  for (json* summary : {&run, &merge}) {
    summary->erase("seconds");
    for (json& clip : (*summary)["clips"]) clip.erase("seconds");
  }
  EXPECT_EQ(run, merge);
}

TEST_F(CliFixture, MergeRefusesAFolderThatIsNotAnOutput) {
  std::string err;
  fs::create_directories(dir / "empty");
  EXPECT_EQ(pressreel(fmt::format("merge '{}'", (dir / "empty").string()), &err), 2);
  EXPECT_TRUE(contains(err, "not a pressreel output folder")) << err;
  EXPECT_TRUE(fs::is_empty(dir / "empty"));
  // The input folder by mistake: nothing of the gallery lands among the clips.
  EXPECT_EQ(pressreel(fmt::format("merge '{}' --json", in.string()), &err), 2);
  EXPECT_TRUE(contains(err, "no clip manifests")) << err;
  EXPECT_FALSE(fs::exists(in / "catalog.json"));
  EXPECT_FALSE(fs::exists(in / "index.html"));
  EXPECT_FALSE(fs::exists(in / "Film A" / "index.html"));
}

TEST(CliUsage, ARunThatFindsNoClipExitsTwoWithTheReasons) {
  TempDir dir;
  make_test_clip(dir / "outside" / "a.mp4", 5, "25", {}, 96, 64);
  fs::create_directories(dir / "in" / "film");
  fs::create_symlink(dir / "outside" / "a.mp4", dir / "in" / "film" / "a.mp4");
  fs::create_symlink(dir / "outside" / "a.mp4", dir / "in" / "film" / "b.mp4");
  pressreel::testing::write_text(dir / "in" / "film" / ".notes", "hidden");
  std::string err;
  EXPECT_EQ(pressreel(fmt::format("-q run '{}' -o '{}' {}", (dir / "in").string(), (dir / "out").string(), quick), &err),
            2);
  EXPECT_TRUE(contains(err, "no clip found")) << err;
  EXPECT_TRUE(contains(err, "3 files skipped: 2 symlink pointing outside the input folder (not followed), 1 hidden file"))
      << err;
  EXPECT_FALSE(fs::exists(dir / "out"));
  // A folder with nothing in it at all.
  fs::create_directories(dir / "nothing");
  EXPECT_EQ(pressreel(fmt::format("-q run '{}' -o '{}'", (dir / "nothing").string(), (dir / "out").string()), &err), 2);
  EXPECT_TRUE(contains(err, "no files found")) << err;
}

TEST_F(CliFixture, AnOutputFolderInsideTheInputIsNotTakenForClips) {
  for (const fs::path& input : {in, in / "Film A"}) {
    const fs::path target = input / "out";
    for (int pass = 0; pass < 2; ++pass) {
      std::string text, err;
      ASSERT_EQ(pressreel(fmt::format("-q run '{}' -o '{}' {} --json", input.string(), target.string(), quick), &err,
                          &text),
                0)
          << input << " pass " << pass << ": " << err;
      const json summary = json::parse(text);
      EXPECT_EQ(summary["clips"].size(), 2u) << input << " pass " << pass;
      EXPECT_EQ(summary["skipped"].size(), 0u) << summary["skipped"].dump();
      EXPECT_EQ(summary["up_to_date"], pass == 0 ? 0 : 2);
    }
  }
}

TEST_F(CliFixture, AnOutputThatIsAFileIsAUsageError) {
  pressreel::testing::write_text(dir / "taken", "a file");
  std::string err;
  EXPECT_EQ(pressreel(fmt::format("run '{}' -o '{}' {}", in.string(), (dir / "taken").string(), quick), &err), 2);
  EXPECT_TRUE(contains(err, "is a file, not a folder")) << err;
  EXPECT_EQ(read_text(dir / "taken"), "a file");
}

TEST_F(CliFixture, ThumbsPastTheEndGivesTheDuration) {
  const fs::path clip = in / "Film A" / "trailer.mp4";
  std::string err;
  EXPECT_EQ(pressreel(fmt::format("-q thumbs '{}' -o '{}' --at 5", clip.string(), (dir / "art").string()), &err), 2);
  EXPECT_TRUE(contains(err, "past the end")) << err;
  EXPECT_TRUE(contains(err, "1.200 s")) << err;
  EXPECT_FALSE(fs::exists(dir / "art" / "poster.jpg"));
  EXPECT_EQ(pressreel(fmt::format("-q thumbs '{}' -o '{}' --at 1.2", clip.string(), (dir / "art").string()), &err), 2);
  // The last frame is on screen until 1.2 s.
  EXPECT_EQ(pressreel(fmt::format("-q thumbs '{}' -o '{}' --at 1.19", clip.string(), (dir / "art").string()), &err), 0)
      << err;
  EXPECT_TRUE(fs::exists(dir / "art" / "poster.jpg"));
}

TEST(CliUsage, MissingInputIsExitTwo) {
  std::string err;
  EXPECT_EQ(pressreel("probe /no/such.mp4", &err), 2);
  EXPECT_TRUE(contains(err, "/no/such.mp4")) << err;
  EXPECT_EQ(pressreel("-q thumbs /no/such.mp4 -o /tmp/never-written"), 2);
  EXPECT_FALSE(fs::exists("/tmp/never-written"));
}

}  // namespace
