// The best still of every shot, from the candidates the pass kept (it waits for the last shots'
// faces). Writes no file: the stills, the contact sheet and the teaser are made from its result.
#include "batch/stages/stages.hpp"

namespace pressreel::batch {
namespace {

class ShotStillsStage : public OutputStage {
 public:
  std::string_view name() const override { return "shot_stills"; }
  bool enabled(const Recipe::Outputs& want) const override { return keeps_stills(want); }
  nlohmann::json run(ClipContext& context) const override {
    context.results.shot_stills = context.pass.keeper->finish(context.pass.scenes);
    return nlohmann::json::object();
  }
};

}  // namespace

std::unique_ptr<OutputStage> shot_stills_stage() { return std::make_unique<ShotStillsStage>(); }

}  // namespace pressreel::batch
