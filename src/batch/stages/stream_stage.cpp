// The adaptive stream: the written H.264 renditions repackaged, without re-encoding, as HLS and DASH
// over the same CMAF segments in stream/. It reads the files the pass wrote, once the read-back has
// checked (and if need be corrected) them, beside the stills.
#include "batch/stages/stages.hpp"
#include "batch/clip_stream.hpp"

namespace pressreel::batch {
namespace {

class StreamStage : public OutputStage {
 public:
  std::string_view name() const override { return "stream"; }
  bool enabled(const Recipe::Outputs& want) const override { return want.previews && want.stream; }
  // The renditions as finally written: the read-back may encode them again (their audio corrected).
  std::vector<std::string_view> needs() const override { return {"preview_read_back"}; }
  nlohmann::json run(ClipContext& context) const override {
    return {{"stream", write_clip_stream(context.folder, context.pass.previews->renditions(), context.recipe,
                                         context.clip.path.string())}};
  }
};

}  // namespace

std::unique_ptr<OutputStage> stream_stage() { return std::make_unique<StreamStage>(); }

}  // namespace pressreel::batch
