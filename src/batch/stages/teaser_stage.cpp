// teaser.mp4 and teaser.webp: a short loop of the clip's best shots (a short re-read of those pieces
// and two encodes).
#include "batch/stages/stages.hpp"

#include <algorithm>

#include "pressreel/preview/teaser.hpp"

namespace pressreel::batch {
namespace {

// The clip's shots ordered by the score of their best still, best first.
std::vector<scenes::Shot> shots_best_first(const scenes::SceneList& list,
                                           const std::vector<stills::ShotStill>& shot_stills) {
  std::vector<const stills::ShotStill*> ranked;
  for (const auto& still : shot_stills) {
    if (still.shot >= 0 && static_cast<size_t>(still.shot) < list.shots.size()) ranked.push_back(&still);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto* a, const auto* b) { return a->score() > b->score(); });
  std::vector<scenes::Shot> shots;
  for (const auto* still : ranked) shots.push_back(list.shots[still->shot]);
  if (shots.empty()) shots = list.shots;
  return shots;
}

class TeaserStage : public OutputStage {
 public:
  std::string_view name() const override { return "teaser"; }
  bool enabled(const Recipe::Outputs& want) const override { return want.teaser; }
  std::vector<std::string_view> needs() const override { return {"shot_stills"}; }
  nlohmann::json run(ClipContext& context) const override {
    const Recipe& recipe = context.recipe;
    const auto pieces =
        preview::choose_teaser_pieces(shots_best_first(context.pass.scenes, context.results.shot_stills), recipe.teaser);
    if (pieces.empty()) return {{"teaser", nullptr}};
    return {{"teaser", preview::make_teaser(context.probe, pieces, context.folder, recipe.teaser, context.input,
                                            recipe.decoder)}};
  }
};

}  // namespace

std::unique_ptr<OutputStage> teaser_stage() { return std::make_unique<TeaserStage>(); }

}  // namespace pressreel::batch
