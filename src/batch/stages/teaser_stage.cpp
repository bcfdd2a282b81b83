// teaser.mp4 and teaser.webp: a short loop of the clip's best shots (a short re-read of those pieces
// and two encodes).
#include "batch/stages/stages.hpp"

#include <algorithm>

#include "pressreel/preview/shot_look.hpp"
#include "pressreel/preview/teaser.hpp"

namespace pressreel::batch {
namespace {

// The clip's shots ordered by the score of their best still, best first, and the look of each
// one's still, so the teaser can pass over shots that look like a better one.
struct RankedShots {
  std::vector<scenes::Shot> best_first;
  preview::ShotLookOf look_of;  // empty when there are no stills
};

// `shot_stills` must outlive the result (look_of reads their images).
RankedShots rank_shots(const scenes::SceneList& list, const std::vector<stills::ShotStill>& shot_stills) {
  std::vector<const stills::ShotStill*> ranked;
  for (const auto& still : shot_stills) {
    if (still.shot >= 0 && static_cast<size_t>(still.shot) < list.shots.size()) ranked.push_back(&still);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto* a, const auto* b) { return a->score() > b->score(); });
  RankedShots shots;
  for (const auto* still : ranked) shots.best_first.push_back(list.shots[still->shot]);
  if (shots.best_first.empty()) {
    shots.best_first = list.shots;
    return shots;
  }
  // The stills are kept as small JPEGs: decoded only for the shots the teaser gets to.
  shots.look_of = [ranked](size_t i) { return preview::shot_look(ranked.at(i)->image()); };
  return shots;
}

class TeaserStage : public OutputStage {
 public:
  std::string_view name() const override { return "teaser"; }
  bool enabled(const Recipe::Outputs& want) const override { return want.teaser; }
  std::vector<std::string_view> needs() const override { return {"shot_stills"}; }
  bool long_running() const override { return true; }
  nlohmann::json run(ClipContext& context) const override {
    const Recipe& recipe = context.recipe;
    const RankedShots shots = rank_shots(context.pass.scenes, context.results.shot_stills);
    const auto pieces = preview::choose_teaser_pieces(shots.best_first, recipe.teaser, shots.look_of);
    if (pieces.empty()) return {{"teaser", nullptr}};
    return {{"teaser", preview::make_teaser(context.probe, pieces, context.folder, recipe.teaser, context.input,
                                            recipe.decoder)}};
  }
};

}  // namespace

std::unique_ptr<OutputStage> teaser_stage() { return std::make_unique<TeaserStage>(); }

}  // namespace pressreel::batch
