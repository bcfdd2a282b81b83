// The renditions as written, read back: codec, size, bit rate, duration, and their loudness after
// (a whole decode of the audio on one core, so it runs beside the stills rather than inside the pass).
// When that loudness missed the target, the previews are encoded again with the plan corrected by it
// (RenditionEncoder::read_back): the stream stage waits for this one.
#include "batch/stages/stages.hpp"

namespace pressreel::batch {
namespace {

class PreviewReadBackStage : public OutputStage {
 public:
  std::string_view name() const override { return "preview_read_back"; }
  bool enabled(const Recipe::Outputs& want) const override { return want.previews; }
  nlohmann::json run(ClipContext& context) const override {
    // Audio that missed the target is encoded again in a pass of the previews alone: decoded as the
    // clip's pass decoded it (the same pictures), on one decoder thread beside the other stages.
    const int threads = context.recipe.decoder.threads > 0 ? context.recipe.decoder.threads : 1;
    return {{"previews", context.pass.previews->read_back(decode_pass_options(context.recipe, context.input, threads))}};
  }
};

}  // namespace

std::unique_ptr<OutputStage> preview_read_back_stage() { return std::make_unique<PreviewReadBackStage>(); }

}  // namespace pressreel::batch
