#include "batch/source_json.hpp"

#include "batch/gallery_escape.hpp"

namespace pressreel::batch {

nlohmann::json source_json(const std::string& name, const std::filesystem::path& path) {
  return {{"name", name}, {"path", path.string()}, {"path_escaped", url_path(path.native())}};
}

}  // namespace pressreel::batch
