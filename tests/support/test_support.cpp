#include "test_support.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <random>

namespace pressreel::testing {
namespace {

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

TempDir::TempDir() {
  std::random_device rd;
  const auto base = std::filesystem::temp_directory_path();
  for (;;) {
    path_ = base / fmt::format("pressreel-test-{:08x}", rd());
    if (std::filesystem::create_directory(path_)) break;
  }
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

int run_command(const std::string& command, std::string* output) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return -1;
  std::array<char, 4096> buf{};
  std::string out;
  size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), pipe.get())) > 0) out.append(buf.data(), n);
  const int status = pclose(pipe.release());
  if (output != nullptr) *output = std::move(out);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void ffmpeg(const std::vector<std::string>& args, const std::filesystem::path& output) {
  if (output.has_parent_path()) std::filesystem::create_directories(output.parent_path());
  std::string cmd = "ffmpeg -y -nostdin -hide_banner -loglevel error";
  for (const auto& a : args) cmd += " " + quote(a);
  cmd += " " + quote(output.string()) + " 2>&1";
  std::string log;
  const int rc = run_command(cmd, &log);
  ASSERT_EQ(rc, 0) << cmd << "\n" << log;
}

std::filesystem::path make_test_clip(const std::filesystem::path& output, int frames, const std::string& fps,
                                     const std::vector<std::string>& extra, int width, int height) {
  std::vector<std::string> args = {"-f", "lavfi", "-i",
                                   fmt::format("testsrc2=size={}x{}:rate={}", width, height, fps),
                                   "-frames:v", std::to_string(frames)};
  if (std::find(extra.begin(), extra.end(), "-c:v") == extra.end()) {
    args.insert(args.end(), {"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"});
  }
  args.insert(args.end(), extra.begin(), extra.end());
  ffmpeg(args, output);
  return output;
}

std::string cli() { return PRESSREEL_CLI; }

std::filesystem::path shared_clip(const std::string& name) {
  const std::filesystem::path p = std::filesystem::path(PRESSREEL_SHARED_MEDIA) / "clips" / name;
  return std::filesystem::exists(p) ? p : std::filesystem::path();
}

std::filesystem::path shared_truth(const std::string& stem) {
  return std::filesystem::path(PRESSREEL_SHARED_MEDIA) / "truth" / (stem + ".json");
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_text(const std::filesystem::path& file, const std::string& text) {
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << text;
}

nlohmann::json read_json(const std::filesystem::path& file) {
  std::ifstream in(file);
  return nlohmann::json::parse(in);
}

}  // namespace pressreel::testing
