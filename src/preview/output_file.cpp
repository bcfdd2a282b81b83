#include "pressreel/preview/output_file.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "io/atomic_file.hpp"
#include "pressreel/media/probe.hpp"

namespace pressreel::preview {

OutputFile::OutputFile(const std::filesystem::path& folder, const std::string& name)
    : temporary_(io::temporary_path_for(folder / name)), final_(folder / name) {}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : temporary_(std::move(other.temporary_)), final_(std::move(other.final_)), committed_(other.committed_) {
  other.committed_ = true;  // the moved-from object owns nothing to clean up
}

OutputFile::~OutputFile() {
  if (committed_) return;
  std::error_code ignored;
  std::filesystem::remove(temporary_, ignored);
}

void OutputFile::commit() {
  io::commit_file(temporary_, final_);
  committed_ = true;
}

nlohmann::json describe_output(const std::filesystem::path& path) {
  const media::ProbeResult probe = media::probe(path);
  nlohmann::json out = {{"file", path.filename().string()},
                        {"container", probe.container},
                        {"bytes", probe.size_bytes},
                        {"bit_rate", probe.bit_rate},
                        {"duration_seconds", probe.duration_seconds}};
  if (const media::VideoStreamInfo* v = probe.main_video()) {
    out["video"] = {{"codec", v->codec},        {"profile", v->profile},         {"width", v->width},
                    {"height", v->height},      {"pixel_format", v->pixel_format}, {"frame_rate", v->frame_rate.str()},
                    {"color_matrix", v->color_matrix}, {"duration_seconds", v->duration_seconds}};
  }
  if (const media::AudioStreamInfo* a = probe.main_audio()) {
    out["audio"] = {{"codec", a->codec},          {"profile", a->profile},   {"sample_rate", a->sample_rate},
                    {"channels", a->channels},    {"bit_rate", a->bit_rate}, {"duration_seconds", a->duration_seconds}};
  }
  return out;
}

namespace {

uint32_t little_endian(const unsigned char* p, int bytes) {
  uint32_t value = 0;
  for (int i = bytes - 1; i >= 0; --i) value = (value << 8) | p[i];
  return value;
}

}  // namespace

nlohmann::json describe_webp(const std::filesystem::path& path, double still_seconds) {
  std::ifstream in(path, std::ios::binary);
  const std::vector<unsigned char> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto is = [&](size_t at, const char* fourcc) {
    return at + 4 <= data.size() && std::equal(fourcc, fourcc + 4, data.begin() + static_cast<std::ptrdiff_t>(at));
  };
  if (!is(0, "RIFF") || !is(8, "WEBP")) throw std::runtime_error(path.string() + ": not a WebP file");
  int width = 0, height = 0, frames = 0;
  int64_t duration_ms = 0;
  // Chunks: four-character code, 32-bit size, payload padded to an even length.
  for (size_t at = 12; at + 8 <= data.size();) {
    const size_t size = little_endian(&data[at + 4], 4);
    const unsigned char* payload = &data[at + 8];
    if (at + 8 + size > data.size()) throw std::runtime_error(path.string() + ": truncated WebP chunk");
    if (is(at, "VP8X") && size >= 10) {  // the canvas, less one in each direction
      width = static_cast<int>(little_endian(payload + 4, 3)) + 1;
      height = static_cast<int>(little_endian(payload + 7, 3)) + 1;
    } else if (is(at, "ANMF") && size >= 16) {  // offset, size, then the frame's duration in ms
      ++frames;
      duration_ms += little_endian(payload + 12, 3);
    } else if (is(at, "VP8 ") && size >= 10 && frames == 0) {  // a still, lossy: its key frame's header
      frames = 1;
      width = static_cast<int>(little_endian(payload + 6, 2) & 0x3fff);
      height = static_cast<int>(little_endian(payload + 8, 2) & 0x3fff);
    }
    at += 8 + size + (size & 1);
  }
  const bool animated = duration_ms > 0;
  return {{"file", path.filename().string()},
          {"container", "webp"},
          {"bytes", data.size()},
          {"duration_seconds", animated ? static_cast<double>(duration_ms) / 1000 : still_seconds},
          {"frames", frames},
          {"video", {{"codec", "webp"}, {"width", width}, {"height", height}}}};
}

}  // namespace pressreel::preview
