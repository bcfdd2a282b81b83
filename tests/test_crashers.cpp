// Small inputs that once took a whole `pressreel run` down (../shared/media/crashers/README.md): a
// frame rate that rounds to 0, pictures of extreme shapes, a symlink loop, an encoder that fails to
// open, a raw .h264 stream. Each is generated here in the same shape; the shared files, when present,
// are a second check. Each clip now fails or is skipped with a cause people can read, or works.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "test_support.hpp"

namespace {

using pressreel::testing::cli;
using pressreel::testing::ffmpeg;
using pressreel::testing::make_test_clip;
using pressreel::testing::read_json;
using pressreel::testing::read_text;
using pressreel::testing::run_command;
using pressreel::testing::TempDir;
using pressreel::testing::write_text;
namespace fs = std::filesystem;
using nlohmann::json;

// ../shared/media/crashers/<name>, or an empty path when it is not there.
fs::path shared_crasher(const std::string& name) {
  const fs::path p = fs::path(PRESSREEL_SHARED_MEDIA) / "crashers" / name;
  return fs::exists(p) ? p : fs::path();
}

// One frame every 1000 s: a nominal rate of 1/1000 that rounds to 0 frames a second.
fs::path make_slow_clip(const fs::path& output) {
  ffmpeg({"-f", "lavfi", "-i", "testsrc2=s=64x48:r=1/1000", "-frames:v", "3", "-c:v", "libx264", "-preset",
          "ultrafast"},
         output);
  return output;
}

// A small H.264 MP4 whose video track's mdhd timescale is 0 (FFmpeg takes it as 1 and reports a frame
// rate of 1/512).
fs::path make_mdhd_timescale_0_clip(const fs::path& output) {
  const fs::path base = output.parent_path() / "mdhd-base.mp4";
  make_test_clip(base, 25, "25", {"-movflags", "+faststart"}, 64, 48);
  std::string movie = read_text(base);
  fs::remove(base);
  const size_t mdhd = movie.find("mdhd");
  if (mdhd == std::string::npos) throw std::runtime_error("no mdhd in ffmpeg's MP4");
  // After the tag: version (1 byte), flags (3), creation and modification times (4 bytes each in
  // version 0, 8 in version 1), then the timescale.
  const size_t timescale = mdhd + 4 + 4 + (movie[mdhd + 4] == 1 ? 16 : 8);
  movie.replace(timescale, 4, std::string(4, '\0'));
  write_text(output, movie);
  return output;
}

// A recipe with the stages that take sizes and times from the clip, but no previews (fast).
const char* const stills_recipe = R"([recipe]
description = "crashers: scenes, stills, poster, sheet, storyboard"
[outputs]
previews = false
teaser = false
)";

struct RunResult {
  int exit_code = -1;
  json summary;
  std::string junit;
  std::string stderr_text;
};

RunResult run_batch(const TempDir& dir, const fs::path& in, const std::string& recipe, const std::string& out = "out") {
  write_text(dir / "recipe.toml", recipe);
  RunResult r;
  std::string stdout_text;
  const std::string command =
      fmt::format("{} --quiet run '{}' -o '{}' --pipeline '{}' --json --report '{}' 2>'{}'", cli(), in.string(),
                  (dir / out).string(), (dir / "recipe.toml").string(), (dir / "report.xml").string(),
                  (dir / "stderr.txt").string());
  r.exit_code = run_command(command, &stdout_text);
  r.stderr_text = read_text(dir / "stderr.txt");
  r.summary = json::parse(stdout_text, nullptr, false);
  r.junit = read_text(dir / "report.xml");
  return r;
}

// The summary's entry for the clip whose source file is `file`.
const json* clip_entry(const json& summary, const std::string& file) {
  for (const auto& c : summary["clips"]) {
    if (fs::path(c["source"].get<std::string>()).filename() == file) return &c;
  }
  return nullptr;
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PRESSREEL_TEST_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define PRESSREEL_TEST_SANITIZED 1
#endif

// Debian's LeakSanitizer runtime preloaded into the CLI when this build has no sanitizer of its own:
// a leak at exit then fails the command (exit 23) here too, not only in the sanitized suite. (Only for
// single-clip commands: preloaded into `run`, LSan crashes in a third-party library at start.)
std::string leak_checked() {
#ifdef PRESSREEL_TEST_SANITIZED
  return "";
#else
  const fs::path lsan = "/usr/lib/x86_64-linux-gnu/liblsan.so.0";
  return fs::exists(lsan) ? fmt::format("LD_PRELOAD={} LSAN_OPTIONS=exitcode=23 ", lsan.string()) : "";
#endif
}

// A cause written for people: not a library's assertion text.
void expect_readable(const std::string& cause) {
  EXPECT_FALSE(cause.empty());
  for (const char* raw : {"resize.cpp", "Assertion", "error: (-", "!dsize", "cv::"}) {
    EXPECT_EQ(cause.find(raw), std::string::npos) << cause;
  }
}

TEST(Crashers, ScenesWriteAnEdlForFrameRatesThatRoundToZero) {
  TempDir dir;
  std::vector<fs::path> clips = {make_slow_clip(dir / "slow.mkv"), make_mdhd_timescale_0_clip(dir / "mdhd0.mp4")};
  for (const char* name : {"slow_fps_1per1000s.mkv", "mdhd_ts_0.mp4"}) {
    if (const fs::path shared = shared_crasher(name); !shared.empty()) clips.push_back(shared);
  }
  for (const fs::path& clip : clips) {
    std::string edl;
    ASSERT_EQ(run_command(fmt::format("{} -q scenes '{}' --format edl 2>&1", cli(), clip.string()), &edl), 0)
        << clip << "\n" << edl;
    EXPECT_NE(edl.find("FCM: NON-DROP FRAME"), std::string::npos) << edl;
    EXPECT_NE(edl.find("001  AX       V     C        00:00:00:00 "), std::string::npos) << edl;
  }
  // The slow clip's 3 frames last 3000 s: its one shot ends at 50 minutes.
  std::string edl;
  run_command(fmt::format("{} -q scenes '{}' --format edl", cli(), clips[0].string()), &edl);
  EXPECT_NE(edl.find(" 00:50:00:00 "), std::string::npos) << edl;
}

TEST(Crashers, RunCompletesForFrameRatesThatRoundToZero) {
  TempDir dir;
  const fs::path film = dir / "in" / "film";
  make_slow_clip(film / "slow.mkv");
  make_mdhd_timescale_0_clip(film / "mdhd0.mp4");
  make_test_clip(film / "good.mp4", 25, "25", {}, 96, 64);
  const RunResult r = run_batch(dir, dir / "in", stills_recipe);
  ASSERT_TRUE(r.summary.is_object()) << r.stderr_text;
  EXPECT_EQ(r.exit_code, 0) << r.summary.dump(2) << r.stderr_text;
  for (const char* file : {"slow.mkv", "mdhd0.mp4", "good.mp4"}) {
    const json* c = clip_entry(r.summary, file);
    ASSERT_NE(c, nullptr) << file;
    EXPECT_EQ((*c)["status"], "ok") << *c;
    const fs::path folder = dir / "out" / "film" / (*c)["clip"].get<std::string>();
    EXPECT_NE(read_text(folder / "scenes.edl").find("001  AX"), std::string::npos) << file;
  }
  EXPECT_NE(r.junit.find("tests=\"3\""), std::string::npos) << r.junit;
}

// Valid clips of extreme shapes (yuv444p, so odd sizes encode): their analysis copies, thumbnails,
// tiles and crops are bounded by area and aspect, and each clip works or fails with a cause people
// can read. A 2x4096 clip once made a 640x1310720 analysis copy (9.9 GB, heap corruption in cv::resize).
TEST(Crashers, ExtremePictureShapesCostNoMoreThanAnOrdinaryClip) {
  TempDir dir;
  const fs::path film = dir / "in" / "film";
  const std::vector<std::pair<int, int>> shapes = {{2, 4096}, {8191, 2}, {1, 1}};
  for (const auto& [w, h] : shapes) {
    // testsrc2 draws nothing smaller than 2x2: the pattern is scaled to the shape.
    make_test_clip(film / fmt::format("s{}x{}.mp4", w, h), 10, "25",
                   {"-vf", fmt::format("scale={}:{},setsar=1", w, h), "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv444p"},
                   64, 64);
  }
  if (const fs::path shared = shared_crasher("s2x4096.mp4"); !shared.empty()) {
    fs::copy_file(shared, film / "shared.mp4");
  }
  const RunResult r = run_batch(dir, dir / "in", stills_recipe);
  ASSERT_TRUE(r.summary.is_object()) << r.stderr_text;
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.exit_code << r.stderr_text;
  EXPECT_EQ(r.summary["clips"].size(), fs::exists(film / "shared.mp4") ? 4u : 3u) << r.summary.dump(2);
  for (const auto& c : r.summary["clips"]) {
    SCOPED_TRACE(c["source"].get<std::string>());
    const json manifest = read_json(c["manifest"].get<std::string>());
    if (c["status"] == "failed") {
      expect_readable(c["error"].get<std::string>());
      continue;
    }
    ASSERT_EQ(c["status"], "ok") << c;
    // What the stills were measured on is no bigger than a 640-wide portrait picture.
    for (const auto& still : manifest["outputs"]["stills"]["files"]) {
      const json& size = still["analysis_size"];
      EXPECT_LE(size["width"].get<int>() * size["height"].get<int>(), 640 * 1280) << still;
    }
    for (const auto& e : fs::recursive_directory_iterator(fs::path(c["manifest"].get<std::string>()).parent_path())) {
      if (e.is_regular_file()) {
        EXPECT_LE(e.file_size(), 8u << 20) << e.path();
      }
    }
  }
  // `thumbs` takes the same shapes.
  for (const auto& [w, h] : shapes) {
    const fs::path clip = film / fmt::format("s{}x{}.mp4", w, h);
    std::string out;
    const int rc = run_command(fmt::format("{} -q thumbs '{}' -o '{}' --json 2>&1", cli(), clip.string(),
                                           (dir / "thumbs" / clip.stem()).string()),
                               &out);
    if (rc == 0) continue;
    EXPECT_EQ(rc, 1) << out;
    expect_readable(out);
  }
}

// loopA.mp4 -> loopB.mp4 -> loopA.mp4 beside a good clip stopped discovery ("Too many levels of
// symbolic links"): nothing was processed and there was no report.
TEST(Crashers, SymlinkLoopIsSkippedWithItsReasonAndTheBatchGoesOn) {
  TempDir dir;
  const fs::path film = dir / "in" / "film";
  make_test_clip(film / "good.mp4", 10, "25", {}, 96, 64);
  fs::create_symlink("loopB.mp4", film / "loopA.mp4");
  fs::create_symlink("loopA.mp4", film / "loopB.mp4");
  fs::create_directory_symlink("loop-dir", dir / "in" / "loop-dir");
  for (const char* follow : {"false", "true"}) {
    SCOPED_TRACE(fmt::format("follow_symlinks_outside = {}", follow));
    const RunResult r = run_batch(dir, dir / "in",
                                  fmt::format("{}[input]\nfollow_symlinks_outside = {}\n", stills_recipe, follow),
                                  fmt::format("out-{}", follow));
    ASSERT_TRUE(r.summary.is_object()) << r.stderr_text;
    EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
    ASSERT_EQ(r.summary["clips"].size(), 1u) << r.summary.dump(2);
    EXPECT_EQ(r.summary["clips"][0]["status"], "ok");
    std::set<std::string> skipped;
    for (const auto& s : r.summary["skipped"]) {
      skipped.insert(fs::path(s["path"].get<std::string>()).filename().string());
      EXPECT_NE(s["reason"].get<std::string>().find("symlink loop"), std::string::npos) << s;
    }
    EXPECT_EQ(skipped, (std::set<std::string>{"loopA.mp4", "loopB.mp4", "loop-dir"}));
    EXPECT_NE(r.junit.find("tests=\"1\""), std::string::npos) << r.junit;
  }
}

// A raw H.264 elementary stream has no index to seek by: the teaser reads it forward instead of
// failing with "seeking to 00:00:00.000: Operation not permitted".
TEST(Crashers, RawH264StreamGetsATeaser) {
  TempDir dir;
  const fs::path film = dir / "in" / "film";
  ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25", "-frames:v", "100", "-c:v", "libx264", "-preset",
          "ultrafast", "-g", "25", "-f", "h264"},
         film / "raw.h264");
  const RunResult r = run_batch(dir, dir / "in", R"([recipe]
description = "crashers: teaser of a raw stream"
[outputs]
contact_sheet = false
storyboard = false
previews = false
)");
  ASSERT_TRUE(r.summary.is_object()) << r.stderr_text;
  ASSERT_EQ(r.summary["clips"].size(), 1u);
  const json& clip = r.summary["clips"][0];
  EXPECT_EQ(clip["status"], "ok") << clip;
  const fs::path folder = fs::path(clip["manifest"].get<std::string>()).parent_path();
  EXPECT_TRUE(fs::is_regular_file(folder / "teaser.mp4"));
  EXPECT_TRUE(fs::is_regular_file(folder / "teaser.webp"));
}

// A NUL in film.toml reached the gallery's HTML as a raw NUL byte; other control characters HTML does
// not allow must not reach it either.
TEST(Crashers, ControlCharactersOfFilmTomlNeverReachTheGalleryRaw) {
  TempDir dir;
  const fs::path film = dir / "in" / "film";
  make_test_clip(film / "clip.mp4", 10, "25", {}, 96, 64);
  write_text(film / "film.toml",
             "title = \"Nul\\u0000Bell\\u0007Esc\\u001bDel\\u007fC1\\u0085End\"\ndirector = \"A\\u0000B\"\n");
  const RunResult r = run_batch(dir, dir / "in", stills_recipe);
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  int pages = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir / "out")) {
    if (e.path().extension() != ".html") continue;
    ++pages;
    const std::string html = read_text(e.path());
    for (const std::string& bad : {std::string(1, '\0'), std::string("\x07"), std::string("\x1b"), std::string("\x7f"),
                                  std::string("\xc2\x85")}) {
      EXPECT_EQ(html.find(bad), std::string::npos) << e.path() << " holds byte " << static_cast<int>(bad.back());
    }
  }
  EXPECT_GE(pages, 3);
  EXPECT_NE(read_text(dir / "out" / "film" / "index.html").find("Nul"), std::string::npos);
}

// Percent-decoding, as a consumer of the manifest would do it.
std::string percent_decoded(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// A file name that is not UTF-8 is shown with U+FFFD in the manifest's source name and path, which no
// longer names the file: path_escaped keeps its exact bytes, percent-encoded.
TEST(Crashers, ManifestSourceKeepsAPathThatIsNotUtf8SoItRoundTrips) {
  TempDir dir;
  const fs::path film = dir / "in" / "film";
  const fs::path clip = film / std::string("bad\xff%41 name.mp4");
  fs::create_directories(film);
  fs::copy_file(make_test_clip(dir / "clip.mp4", 10, "25", {}, 96, 64), clip);
  const RunResult r = run_batch(dir, dir / "in", stills_recipe);
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  ASSERT_EQ(r.summary["clips"].size(), 1u);
  const json manifest = read_json(r.summary["clips"][0]["manifest"].get<std::string>());
  const json& source = manifest["source"];
  EXPECT_EQ(source["name"], "bad\xEF\xBF\xBD%41 name.mp4");
  ASSERT_TRUE(source["path_escaped"].is_string()) << source;
  const std::string escaped = source["path_escaped"];
  EXPECT_NE(escaped.find("/film/bad%FF%2541%20name.mp4"), std::string::npos) << escaped;
  EXPECT_EQ(percent_decoded(escaped), clip.string());
  EXPECT_TRUE(fs::exists(fs::path(percent_decoded(escaped))));
}

// libx264 refusing to open (a 16400x16 picture is over its 16384 a side; the shared sps65520x16.h264
// says 65520x16) leaked the parameters x264_encoder_open copied, and LeakSanitizer aborted the run at
// exit with an empty --json. The clip now fails with the cause before libx264 is asked.
TEST(Crashers, PictureLargerThanTheEncoderTakesFailsItsClipAndLeaksNothing) {
  TempDir dir;
  const fs::path film = dir / "in" / "film";
  ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=16400x16:rate=25", "-frames:v", "3", "-c:v", "ffv1"}, film / "wide.mkv");
  make_test_clip(film / "good.mp4", 10, "25", {}, 96, 64);
  std::vector<std::string> wide = {"wide.mkv"};
  if (const fs::path shared = shared_crasher("sps65520x16.h264"); !shared.empty()) {
    fs::copy_file(shared, film / "sps.h264");
    wide.push_back("sps.h264");
  }
  for (const std::string& file : wide) {
    std::string out;
    const int rc = run_command(fmt::format("{}{} -q preview '{}' -o '{}' 2>&1", leak_checked(), cli(),
                                           (film / file).string(), (dir / "preview").string()),
                               &out);
    EXPECT_EQ(rc, 1) << "23 = LeakSanitizer found a leak\n" << out;
    EXPECT_NE(out.find("larger than H.264 (libx264) encodes"), std::string::npos) << out;
  }
  const RunResult r = run_batch(dir, dir / "in", R"([recipe]
description = "crashers: previews of pictures too wide for H.264"
[outputs]
contact_sheet = false
storyboard = false
teaser = false
)");
  ASSERT_EQ(r.exit_code, 1) << r.stderr_text;
  ASSERT_TRUE(r.summary.is_object()) << r.stderr_text;
  EXPECT_EQ((*clip_entry(r.summary, "good.mp4"))["status"], "ok");
  for (const std::string& file : wide) {
    const json* c = clip_entry(r.summary, file);
    ASSERT_NE(c, nullptr) << file;
    EXPECT_EQ((*c)["status"], "failed") << *c;
    EXPECT_EQ((*c)["stage"], "preview") << *c;
    EXPECT_NE((*c)["error"].get<std::string>().find("larger than H.264 (libx264) encodes"), std::string::npos) << *c;
  }
  EXPECT_NE(r.junit.find(fmt::format("tests=\"{}\"", 1 + wide.size())), std::string::npos) << r.junit;
}

// Every file of ../shared/media/crashers, a symlink loop and a good clip in one batch with the default
// outputs: it completes, --json and JUnit account for every clip, and each bad one works, fails or is
// skipped with a cause people can read.
TEST(Crashers, OneBatchOfEveryCrasherCompletesWithAllItsReports) {
  TempDir dir;
  const fs::path film = dir / "in" / "film";
  fs::create_directories(film);
  for (const char* name : {"slow_fps_1per1000s.mkv", "mdhd_ts_0.mp4", "s2x4096.mp4", "sps65520x16.h264"}) {
    const fs::path shared = shared_crasher(name);
    if (shared.empty()) GTEST_SKIP() << "../shared/media/crashers is not present";
    fs::copy_file(shared, film / name);
  }
  fs::create_symlink("loopB.mp4", film / "loopA.mp4");
  fs::create_symlink("loopA.mp4", film / "loopB.mp4");
  make_test_clip(film / "good.mp4", 25, "25", {}, 96, 64);
  const RunResult r = run_batch(dir, dir / "in", "[recipe]\ndescription = \"crashers: every default output\"\n");
  ASSERT_TRUE(r.summary.is_object()) << r.stderr_text;
  EXPECT_EQ(r.exit_code, 1) << r.summary.dump(2);
  ASSERT_EQ(r.summary["clips"].size(), 5u) << r.summary.dump(2);
  EXPECT_EQ((*clip_entry(r.summary, "good.mp4"))["status"], "ok");
  // The slow clips have no picture for a teaser's WebP: they may fail there, with that cause.
  for (const char* name : {"slow_fps_1per1000s.mkv", "mdhd_ts_0.mp4", "s2x4096.mp4"}) {
    const json& c = *clip_entry(r.summary, name);
    if (c["status"] != "ok") expect_readable(c["error"].get<std::string>());
  }
  const json& sps = *clip_entry(r.summary, "sps65520x16.h264");
  EXPECT_EQ(sps["status"], "failed");
  EXPECT_EQ(sps["stage"], "preview");
  expect_readable(sps["error"].get<std::string>());
  EXPECT_EQ(read_json(sps["manifest"].get<std::string>())["status"], "failed");
  std::set<std::string> skipped;
  for (const auto& s : r.summary["skipped"]) {
    skipped.insert(fs::path(s["path"].get<std::string>()).filename().string());
    EXPECT_NE(s["reason"].get<std::string>().find("symlink loop"), std::string::npos) << s;
  }
  EXPECT_EQ(skipped, (std::set<std::string>{"loopA.mp4", "loopB.mp4"}));
  EXPECT_NE(r.junit.find(fmt::format("tests=\"5\" failures=\"{}\"", r.summary["failed"].get<int>())),
            std::string::npos)
      << r.junit;
  for (const auto& c : r.summary["clips"]) {
    EXPECT_NE(r.junit.find(fmt::format("name=\"{}\"", c["clip"].get<std::string>())), std::string::npos) << c;
  }
}

}  // namespace
