#include "pressreel/preview/output_file.hpp"

#include <nlohmann/json.hpp>
#include <system_error>

#include "pressreel/batch/atomic_file.hpp"
#include "pressreel/media/probe.hpp"

namespace pressreel::preview {

OutputFile::OutputFile(const std::filesystem::path& folder, const std::string& name)
    : temporary_(batch::temporary_path_for(folder / name)), final_(folder / name) {}

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
  batch::commit_file(temporary_, final_);
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

}  // namespace pressreel::preview
