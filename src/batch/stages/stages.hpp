#pragma once
// The after-pass stages, one file each; all_stages() (all_stages.cpp) lists them in an order where
// every stage comes after the stages it needs.

#include <memory>

#include "batch/output_stage.hpp"

namespace pressreel::batch {

// Whether the pass keeps candidate stills: every output made from the shots' best stills needs them.
inline bool keeps_stills(const Recipe::Outputs& want) {
  return want.stills || want.poster || want.contact_sheet || want.teaser;
}

std::unique_ptr<OutputStage> scene_files_stage();
std::unique_ptr<OutputStage> preview_read_back_stage();
std::unique_ptr<OutputStage> shot_stills_stage();
std::unique_ptr<OutputStage> stills_stage();
std::unique_ptr<OutputStage> storyboard_stage();
std::unique_ptr<OutputStage> contact_sheet_stage();
std::unique_ptr<OutputStage> teaser_stage();
std::unique_ptr<OutputStage> stream_stage();

}  // namespace pressreel::batch
