#pragma once
// Test helpers: temporary folders, clips generated with the ffmpeg CLI for exact properties, and
// the shared development footage (skipped when absent).

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace pressreel::testing {

// A fresh folder under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Runs `ffmpeg -y -hide_banner -loglevel error ARGS... OUTPUT`; fails the test when ffmpeg fails.
void ffmpeg(const std::vector<std::string>& args, const std::filesystem::path& output);

// A clip of `frames` frames of an animated test pattern at `fps` ("25", "30000/1001"), with options
// such as {"-c:v", "libx264", "-bf", "2"} added before the output.
std::filesystem::path make_test_clip(const std::filesystem::path& output, int frames, const std::string& fps,
                                     const std::vector<std::string>& extra = {}, int width = 320, int height = 240);

// One second of an MPEG-4 Part 2 test pattern (64x64, 25 fps) in AVI whose stream says `colour_code`
// for its colour primaries, transfer and matrix, or nothing about colour when it is negative.
// MPEG-4 Part 2's decoder copies such codes as they are, so frames can carry codes outside FFmpeg's
// enums (colour_code 205, say).
std::filesystem::path make_mpeg4_clip_with_colour_code(const std::filesystem::path& output, int colour_code);

// Runs a command line through the shell; returns its exit status and fills `output` with stdout.
int run_command(const std::string& command, std::string* output = nullptr);

// The pressreel CLI built with the tests.
std::string cli();

// Small file helpers for tests: the whole file as bytes, a file written with its folders, a JSON file.
std::string read_text(const std::filesystem::path& file);
void write_text(const std::filesystem::path& file, const std::string& text);
nlohmann::json read_json(const std::filesystem::path& file);

// Every file under `out` (by its path relative to `out`) with its bytes; manifests without their
// timings, the one place a run may write times. Two runs that made the same bytes compare equal.
std::map<std::string, std::string> output_snapshot(const std::filesystem::path& out);

// ../shared/media/clips/<name>, or an empty path when the footage is not there.
std::filesystem::path shared_clip(const std::string& name);
std::filesystem::path shared_truth(const std::string& stem);

// Declares `var` as the shared clip `name`, or skips the test when ../shared/media is absent.
#define PRESSREEL_SHARED_CLIP_OR_SKIP(var, name)                           \
  const std::filesystem::path var = ::pressreel::testing::shared_clip(name); \
  if (var.empty()) GTEST_SKIP() << "../shared/media is not present: " << (name)

}  // namespace pressreel::testing
