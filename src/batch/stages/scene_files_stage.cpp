// scenes.json, scenes.csv, scenes.edl and chapters.vtt: the shot list in the forms editors' tools read.
#include "batch/stages/stages.hpp"

#include "io/atomic_file.hpp"
#include "pressreel/scenes/scene_writers.hpp"

namespace pressreel::batch {
namespace {

class SceneFilesStage : public OutputStage {
 public:
  std::string_view name() const override { return "scenes"; }
  bool enabled(const Recipe::Outputs& want) const override { return want.scenes; }
  nlohmann::json run(ClipContext& context) const override {
    const auto& folder = context.folder;
    const auto& list = context.pass.scenes;
    io::write_file_atomic(folder / "scenes.json", scenes::scenes_json(list));
    io::write_file_atomic(folder / "scenes.csv", scenes::scenes_csv(list));
    io::write_file_atomic(folder / "scenes.edl", scenes::scenes_edl(list, context.clip.name));
    io::write_file_atomic(folder / "chapters.vtt", scenes::chapters_vtt(list));
    return {{"scenes",
             {{"json", "scenes.json"},
              {"csv", "scenes.csv"},
              {"edl", "scenes.edl"},
              {"chapters", "chapters.vtt"},
              {"shots", list.shots.size()},
              {"cuts", list.cuts.size()},
              {"summary", scenes::to_json(list)}}}};
  }
};

}  // namespace

std::unique_ptr<OutputStage> scene_files_stage() { return std::make_unique<SceneFilesStage>(); }

}  // namespace pressreel::batch
