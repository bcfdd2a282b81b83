// storyboard.jpg sprites, storyboard.vtt and storyboard.json: the player's seek-bar thumbnails.
#include "batch/stages/stages.hpp"

namespace pressreel::batch {
namespace {

class StoryboardStage : public OutputStage {
 public:
  std::string_view name() const override { return "storyboard"; }
  bool enabled(const Recipe::Outputs& want) const override { return want.storyboard; }
  nlohmann::json run(ClipContext& context) const override {
    return {{"storyboard", stills::write_storyboard(context.folder, *context.pass.storyboard)}};
  }
};

}  // namespace

std::unique_ptr<OutputStage> storyboard_stage() { return std::make_unique<StoryboardStage>(); }

}  // namespace pressreel::batch
