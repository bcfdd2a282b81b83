// stills/ (the best frame of every shot) and poster/ (the clip's poster and its crops).
#include "batch/stages/stages.hpp"

#include "pressreel/stills/poster.hpp"

namespace pressreel::batch {
namespace {

class StillsStage : public OutputStage {
 public:
  std::string_view name() const override { return "stills"; }
  // Also runs when only the sheet or the teaser keeps stills: it removes folders that an earlier run
  // with another recipe left, which would otherwise outlive their manifest entries.
  bool enabled(const Recipe::Outputs& want) const override { return keeps_stills(want); }
  std::vector<std::string_view> needs() const override { return {"shot_stills"}; }
  nlohmann::json run(ClipContext& context) const override {
    const Recipe::Outputs& want = context.recipe.outputs;
    stills::StillsOutput output = context.recipe.stills;
    output.shot_stills = want.stills;
    output.poster = want.poster;
    // The poster's frame at full size when the keeper holds no copy of it: one frame read again.
    output.reread = stills::grab_full_frames(context.probe, context.recipe.decoder, context.input);
    const nlohmann::json written = stills::write_clip_stills(context.results.shot_stills, context.folder, output);
    if (!want.stills) std::filesystem::remove_all(context.folder / "stills");
    if (!want.poster) std::filesystem::remove_all(context.folder / "poster");
    nlohmann::json entries = nlohmann::json::object();
    if (want.stills) {
      entries["stills"] = written["stills"];
      entries["stills"]["omitted"] = stills::to_json(context.pass.keeper->omitted());
    }
    if (want.poster) entries["poster"] = written["poster"];
    return entries;
  }
};

}  // namespace

std::unique_ptr<OutputStage> stills_stage() { return std::make_unique<StillsStage>(); }

}  // namespace pressreel::batch
