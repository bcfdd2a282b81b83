#include "batch/clip_stream.hpp"

#include "pressreel/preview/stream_packager.hpp"

namespace pressreel::batch {

nlohmann::json write_clip_stream(const std::filesystem::path& folder, const std::vector<preview::PlannedRendition>& written,
                                 const Recipe& recipe, const std::string& clip) {
  std::vector<std::filesystem::path> renditions;
  for (const preview::PlannedRendition& r : written) {
    if (r.options.codec == preview::VideoCodec::h264 && r.container == "mp4") renditions.push_back(folder / r.file_name);
  }
  if (!recipe.outputs.stream || !recipe.outputs.previews || renditions.empty()) {
    std::filesystem::remove_all(folder / preview::stream_folder_name);
    return nullptr;
  }
  return preview::package_stream(folder, renditions, recipe.stream, clip);
}

}  // namespace pressreel::batch
