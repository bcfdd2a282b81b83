#include "test_support.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <stdexcept>

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

std::filesystem::path make_mpeg4_clip_with_colour_code(const std::filesystem::path& output, int colour_code) {
  const std::filesystem::path stream_file = output.string() + ".m4v";
  ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=64x64:rate=25:duration=1", "-c:v", "mpeg4", "-f", "m4v"}, stream_file);
  if (colour_code >= 0) {
    std::string stream = read_text(stream_file);
    const size_t object = stream.find(std::string("\x00\x00\x01\xb5", 4));  // the visual object header
    // After its id and priority (one byte): a video object with no signal type, then stuffing to the
    // byte (0001 0 011). It becomes one with a signal type: format 5 (unspecified), limited range, a
    // colour description of three 8-bit codes, then stuffing (0001 1 101 0 1, code x 3, 011111).
    if (object == std::string::npos || stream.compare(object + 5, 1, "\x13") != 0) {
      throw std::runtime_error("unexpected MPEG-4 visual object header from ffmpeg");
    }
    const auto code = static_cast<uint64_t>(colour_code & 0xff);
    const uint64_t bits = (uint64_t{0b0001'1'101'0'1} << 30) | (code << 22) | (code << 14) | (code << 6) | 0b011111;
    std::string header;
    for (int shift = 32; shift >= 0; shift -= 8) header.push_back(static_cast<char>((bits >> shift) & 0xff));
    stream.replace(object + 5, 1, header);
    write_text(stream_file, stream);
  }
  ffmpeg({"-f", "m4v", "-i", stream_file.string(), "-c", "copy"}, output);  // AVI, for timestamps
  std::filesystem::remove(stream_file);
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

std::map<std::string, std::string> output_snapshot(const std::filesystem::path& out) {
  std::map<std::string, std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(out)) {
    if (!e.is_regular_file()) continue;
    std::string bytes = read_text(e.path());
    if (e.path().filename() == "manifest.json") {
      auto m = nlohmann::json::parse(bytes);
      m.erase("timings");
      bytes = m.dump();
    }
    files[std::filesystem::relative(e.path(), out).string()] = bytes;
  }
  return files;
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
