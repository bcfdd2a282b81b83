// The renditions as written, read back: codec, size, bit rate, duration, and their loudness after
// (a whole decode of the audio on one core, so it runs beside the stills rather than inside the pass).
#include "batch/stages/stages.hpp"

namespace pressreel::batch {
namespace {

class PreviewReadBackStage : public OutputStage {
 public:
  std::string_view name() const override { return "preview_read_back"; }
  bool enabled(const Recipe::Outputs& want) const override { return want.previews; }
  nlohmann::json run(ClipContext& context) const override {
    return {{"previews", context.pass.previews->report()}};
  }
};

}  // namespace

std::unique_ptr<OutputStage> preview_read_back_stage() { return std::make_unique<PreviewReadBackStage>(); }

}  // namespace pressreel::batch
