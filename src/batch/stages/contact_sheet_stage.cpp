// contact-sheet.jpg: one tile per shot (its best still), or tiles at intervals when the clip has very
// few shots, under a header with the film and the clip.
#include "batch/stages/stages.hpp"

#include <algorithm>

#include "pressreel/stills/contact_sheet.hpp"
#include "pressreel/stills/contact_sheet_tiles.hpp"

namespace pressreel::batch {
namespace {

// Every shot gets its tile: its best still, or (a title card or black shot has none worth publishing)
// the interval frame that falls inside it, or a blank tile that says why it has none. Each is shrunk to the largest box the sheet can give it as
// it is collected: a 10-minute clip's 350 analysis-size stills, held at once, were the run's peak
// memory (+300 MB).
std::vector<stills::SheetTile> shot_tiles(const ClipContext& context) {
  const auto& list = context.pass.scenes;
  const auto& shot_stills = context.results.shot_stills;
  const media::VideoStreamInfo video = media::as_delivered(*context.probe.main_video(), context.recipe.decoder);
  const double aspect =
      video.display_height > 0 ? static_cast<double>(video.display_width) / video.display_height : 16.0 / 9.0;
  const int tile_width =
      stills::layout_sheet(static_cast<int>(list.shots.size()), aspect, 0, context.recipe.sheet).tile_width;
  std::vector<stills::SheetTile> tiles;
  for (size_t i = 0; i < list.shots.size(); ++i) {
    const auto still = std::find_if(shot_stills.begin(), shot_stills.end(),
                                    [&](const auto& s) { return s.shot == static_cast<int>(i); });
    if (still != shot_stills.end()) {
      tiles.push_back(stills::shot_tile(still->image(), static_cast<int>(i) + 1, still->time, tile_width));
      continue;
    }
    const auto& shot = list.shots[i];
    const size_t before = tiles.size();
    for (const auto& tile : context.pass.sheet_tiles->tiles()) {
      if (shot.time.contains(tile.time)) {
        tiles.push_back(stills::shot_tile(tile.image, static_cast<int>(i) + 1, tile.time, tile_width));
        break;
      }
    }
    // A shot with neither still nor interval frame still has its tile, saying why it has no picture.
    if (tiles.size() == before) {
      tiles.push_back(stills::omitted_shot_tile(static_cast<int>(i), shot, context.pass.keeper->omitted()));
    }
  }
  return tiles;
}

class ContactSheetStage : public OutputStage {
 public:
  std::string_view name() const override { return "contact_sheet"; }
  bool enabled(const Recipe::Outputs& want) const override { return want.contact_sheet; }
  std::vector<std::string_view> needs() const override { return {"shot_stills"}; }
  nlohmann::json run(ClipContext& context) const override {
    const auto& list = context.pass.scenes;
    const auto mode = stills::choose_sheet_mode(list.shots.size(), context.recipe.sheet_sampling);
    const auto tiles = mode == stills::SheetMode::per_shot && !context.results.shot_stills.empty()
                           ? shot_tiles(context)
                           : stills::interval_tiles(*context.pass.sheet_tiles, list);
    const auto header =
        stills::clip_sheet_header(context.probe, context.film.info.title, context.clip.name, list.shots.size());
    return {{"contact_sheet", stills::write_contact_sheet(context.folder, header, tiles, context.recipe.sheet)}};
  }
};

}  // namespace

std::unique_ptr<OutputStage> contact_sheet_stage() { return std::make_unique<ContactSheetStage>(); }

}  // namespace pressreel::batch
