// A full disk fails the clip being written with an error that says so and names the file, leaves no
// temporary or truncated file and no manifest claiming success, and a rerun with space completes.
// OUT is a small tmpfs mounted by the test (skipped where mount(2) is not permitted, e.g. not root).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "io/atomic_file.hpp"
#include "test_support.hpp"

namespace {

using pressreel::testing::cli;
using pressreel::testing::run_command;
using pressreel::testing::TempDir;
using pressreel::testing::read_text;
using pressreel::testing::write_text;
namespace fs = std::filesystem;
using nlohmann::json;


// A tmpfs of `size` bytes at `where` for the object's lifetime.
class SmallDisk {
 public:
  SmallDisk(fs::path where, uintmax_t size) : where_(std::move(where)) {
    fs::create_directories(where_);
    if (::mount("tmpfs", where_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, fmt::format("size={}", size).c_str()) == 0) {
      mounted_ = true;
    } else {
      error_ = std::strerror(errno);
    }
  }
  ~SmallDisk() {
    // Lazily, so a file still open somewhere cannot keep the mount (and the TempDir) alive.
    if (mounted_) ::umount2(where_.c_str(), MNT_DETACH);
  }
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;

  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }
  // Grows (or shrinks) the filesystem in place; its files stay.
  bool resize(uintmax_t size) {
    return ::mount("tmpfs", where_.c_str(), "tmpfs", MS_REMOUNT | MS_NOSUID | MS_NODEV,
                   fmt::format("size={}", size).c_str()) == 0;
  }

 private:
  fs::path where_;
  bool mounted_ = false;
  std::string error_;
};

#define SMALL_DISK_OR_SKIP(var, where, size) \
  SmallDisk var((where), (size));            \
  if (!var.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (" << var.error() << ")"

// Files a rerun would trip over: temporaries of an interrupted write.
std::vector<fs::path> temporary_files(const fs::path& folder) {
  std::vector<fs::path> found;
  for (const auto& e : fs::recursive_directory_iterator(folder)) {
    if (pressreel::io::is_temporary_name(e.path())) found.push_back(e.path());
  }
  return found;
}

constexpr uintmax_t small = 256 * 1024;

TEST(DiskFull, AtomicWriteSaysSoAndLeavesNothing) {
  TempDir dir;
  SMALL_DISK_OR_SKIP(disk, dir / "small", small);
  const fs::path target = dir / "small" / "sheet.jpg";
  try {
    pressreel::io::write_file_atomic(target, std::string(2 * small, 'x'));
    ADD_FAILURE() << "a file twice the size of the disk was written";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(target.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("No space left on device"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::is_empty(dir / "small"));
  // The space is free again: a file that fits is written.
  pressreel::io::write_file_atomic(target, std::string(small / 2, 'x'));
  EXPECT_EQ(fs::file_size(target), small / 2);
}

TEST(DiskFull, RunFailsTheClipCleanlyAndARerunWithSpaceCompletes) {
  TempDir dir;
  // Noise compresses badly: at this quality the preview is several times the disk's size.
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=480x270:rate=25", "-vf", "noise=alls=60:allf=t",
                              "-frames:v", "40", "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0"},
                             dir / "in" / "film" / "noisy.mp4");
  std::ofstream(dir / "previews.toml") << R"([recipe]
description = "previews only, at a quality that makes big files"
[outputs]
stills = false
poster = false
contact_sheet = false
storyboard = false
teaser = false
[preview]
audio = false
[[preview.renditions]]
name = "270p"
height = 270
crf = 4
preset = "ultrafast"
)";
  SMALL_DISK_OR_SKIP(disk, dir / "out", small);
  const std::string run =
      fmt::format("{} --quiet run '{}' -o '{}' --pipeline '{}' --json 2>'{}'", cli(), (dir / "in").string(),
                  (dir / "out").string(), (dir / "previews.toml").string(), (dir / "stderr.txt").string());
  const fs::path clip_folder = dir / "out" / "film" / "noisy";

  std::string text;
  ASSERT_EQ(run_command(run, &text), 1) << text << read_text(dir / "stderr.txt");
  const json failed = json::parse(text)["clips"].at(0);
  EXPECT_EQ(failed["status"], "failed");
  EXPECT_EQ(failed["stage"], "preview");
  const std::string error = failed["error"];
  EXPECT_NE(error.find("No space left on device"), std::string::npos) << error;
  EXPECT_NE(error.find((clip_folder / "preview-270p.mp4").string()), std::string::npos) << error;
  EXPECT_TRUE(temporary_files(dir / "out").empty());
  // The clip folder holds only the manifest that says why (and the gallery's page showing it).
  const json manifest = json::parse(read_text(clip_folder / "manifest.json"));
  EXPECT_EQ(manifest["status"], "failed");
  EXPECT_EQ(manifest["error"]["message"], error);
  EXPECT_TRUE(manifest["outputs"].empty());
  for (const auto& e : fs::directory_iterator(clip_folder)) {
    EXPECT_TRUE(e.path().filename() == "manifest.json" || e.path().filename() == "index.html") << e.path();
  }
  EXPECT_EQ(json::parse(read_text(dir / "out" / "catalog.json"))["failed"], 1);

  ASSERT_TRUE(disk.resize(64 * 1024 * 1024));
  ASSERT_EQ(run_command(run, &text), 0) << text << read_text(dir / "stderr.txt");
  EXPECT_EQ(json::parse(read_text(clip_folder / "manifest.json"))["status"], "ok");
  EXPECT_GT(fs::file_size(clip_folder / "preview-270p.mp4"), small);  // it never could have fitted
  EXPECT_TRUE(temporary_files(dir / "out").empty());
}

TEST(DiskFull, ACatalogThatCannotBeWrittenIsReportedWithTheClips) {
  TempDir dir;
  pressreel::testing::make_test_clip(dir / "in" / "film" / "clip.mp4", 10, "25", {}, 160, 120);
  // A run's last files go to a disk with no room left for them.
  SMALL_DISK_OR_SKIP(disk, dir / "out", small);
  std::ofstream(dir / "out" / "filler", std::ios::binary) << std::string(small, 'x');
  ASSERT_GT(fs::file_size(dir / "out" / "filler"), 0u);
  std::string text;
  const int rc = run_command(fmt::format("{} --quiet run '{}' -o '{}' --pipeline article --json 2>'{}'", cli(),
                                         (dir / "in").string(), (dir / "out").string(), (dir / "stderr.txt").string()),
                             &text);
  EXPECT_EQ(rc, 1);
  const json summary = json::parse(text);  // the summary is printed all the same
  EXPECT_EQ(summary["clips"].size(), 1u);
  EXPECT_NE(summary["catalog_error"].get<std::string>().find("No space left on device"), std::string::npos) << text;
  EXPECT_NE(read_text(dir / "stderr.txt").find("catalog and gallery not written"), std::string::npos);
  EXPECT_TRUE(temporary_files(dir / "out").empty());
}

// The JUnit report is written after the clips: when it cannot be, the clips' results still reach
// the terminal and the exit code says something went wrong.
TEST(DiskFull, AReportThatCannotBeWrittenIsReportedWithTheClips) {
  TempDir dir;
  pressreel::testing::make_test_clip(dir / "in" / "film" / "clip.mp4", 10, "25", {}, 160, 120);
  write_text(dir / "not-a-folder", "x");
  std::string text;
  const int rc = run_command(fmt::format("{} run '{}' -o '{}' --pipeline article --json --report '{}' 2>'{}'", cli(),
                                         (dir / "in").string(), (dir / "out").string(),
                                         (dir / "not-a-folder" / "junit.xml").string(), (dir / "stderr.txt").string()),
                             &text);
  EXPECT_EQ(rc, 1);
  const json summary = json::parse(text);
  ASSERT_EQ(summary["clips"].size(), 1u);
  EXPECT_EQ(summary["succeeded"], 1);
  const std::string stderr_text = read_text(dir / "stderr.txt");
  EXPECT_NE(stderr_text.find("JUnit report not written"), std::string::npos) << stderr_text;
  EXPECT_NE(stderr_text.find("1 clips: 1 ok"), std::string::npos) << stderr_text;  // the summary line too
  EXPECT_TRUE(fs::exists(dir / "out" / "catalog.json"));
}

}  // namespace
