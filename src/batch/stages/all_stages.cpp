#include "batch/stages/stages.hpp"

namespace pressreel::batch {

std::vector<std::unique_ptr<OutputStage>> all_stages() {
  std::vector<std::unique_ptr<OutputStage>> stages;
  stages.push_back(scene_files_stage());
  stages.push_back(preview_read_back_stage());
  stages.push_back(shot_stills_stage());
  stages.push_back(stills_stage());
  stages.push_back(storyboard_stage());
  stages.push_back(contact_sheet_stage());
  stages.push_back(teaser_stage());
  stages.push_back(stream_stage());
  return stages;
}

}  // namespace pressreel::batch
