#pragma once
// The after-pass's one interface. Once the decode pass has fed its sinks, every output of a clip that
// is made from what they kept (scene files, stills and poster, storyboard, contact sheet, teaser, the
// renditions' read-back) is an OutputStage: it has a name, is enabled by the recipe, declares the
// stages whose results it needs, and returns its manifest entries. The clip job runs the enabled
// stages as a oneTBB flow graph, so a stage starts as soon as what it needs is there and independent
// stages run side by side. A new output is one new file under stages/ and one line in all_stages().

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "pressreel/batch/discovery.hpp"
#include "pressreel/batch/recipe.hpp"
#include "pressreel/media/decode_pass.hpp"
#include "pressreel/media/input.hpp"
#include "pressreel/media/probe.hpp"
#include "pressreel/preview/rendition_encoder.hpp"
#include "pressreel/scenes/shot.hpp"
#include "pressreel/stills/candidate_keeper.hpp"
#include "pressreel/stills/storyboard.hpp"

namespace pressreel::batch {

// A failure and the stage it happened in, for the manifest and the run report.
struct StageFailure : std::runtime_error {
  StageFailure(std::string stage, const std::string& message) : std::runtime_error(message), stage(std::move(stage)) {}
  std::string stage;
};

// What the decode pass kept for the stages after it. Sinks a recipe did not ask for are absent.
struct PassProducts {
  scenes::SceneList scenes;
  stills::CandidateKeeper* keeper = nullptr;
  stills::StoryboardSampler* storyboard = nullptr;
  stills::StoryboardSampler* sheet_tiles = nullptr;  // interval tiles for a sheet of a clip with few shots
  preview::RenditionEncoder* previews = nullptr;
};

// Results one stage hands to the stages that declared they need it. Each field is written by the one
// stage named beside it, before any stage that needs that stage starts.
struct StageResults {
  std::vector<stills::ShotStill> shot_stills;  // "shot_stills": the best still of every shot
};

// One clip after its pass: what every stage reads, and what they hand each other.
struct ClipContext {
  const FilmSource& film;
  const ClipSource& clip;
  const Recipe& recipe;
  const media::ProbeResult& probe;
  std::filesystem::path folder;  // OUT/<film>/<clip>
  media::InputPolicy input;      // the policy of any re-read of the clip (the teaser's)
  PassProducts pass;
  StageResults results;
};

class OutputStage {
 public:
  virtual ~OutputStage() = default;
  // The stage's name: in timings, in failures ("stage" of the manifest's error) and in needs().
  virtual std::string_view name() const = 0;
  virtual bool enabled(const Recipe::Outputs& want) const = 0;
  // The stages that must have finished before this one starts.
  virtual std::vector<std::string_view> needs() const { return {}; }
  // Whether this stage is the long pole after the pass (the teaser re-reads and encodes for seconds):
  // it and every stage it needs go ahead of the others whenever both wait for a thread, so the clip
  // ends when it does rather than a short stage later.
  virtual bool long_running() const { return false; }
  // Writes the stage's files into context.folder; returns its entries of the manifest's "outputs"
  // (an object, empty when the stage writes none).
  virtual nlohmann::json run(ClipContext& context) const = 0;
};

// How a clip is decoded for its pass, and again for any stage that must see the very same pictures
// (the previews encoded a second time): the recipe's decoder on `decoder_threads`, the clip's input
// policy, the recipe's frames in flight. No progress callback.
media::DecodePassOptions decode_pass_options(const Recipe& recipe, const media::InputPolicy& input, int decoder_threads);

// Every after-pass stage pressreel has.
std::vector<std::unique_ptr<OutputStage>> all_stages();

// The stages `want` enables, in the order all_stages() lists them. A stage that needs a stage that is
// not enabled (or does not exist) is a programming error: std::logic_error.
std::vector<const OutputStage*> enabled_stages(const std::vector<std::unique_ptr<OutputStage>>& stages,
                                               const Recipe::Outputs& want);

// Runs one stage (the clip job wraps it with its watchdog, timings and error naming).
using StageCall = std::function<nlohmann::json(const OutputStage&)>;

// Runs `stages` as a flow graph: each starts once every stage it needs has finished; independent ones
// run side by side. A stage may need only stages listed before it (std::logic_error otherwise).
// Returns the union of their "outputs" entries. The first failure stops stages that have not started
// and is rethrown once the running ones have finished.
nlohmann::json run_stage_graph(const std::vector<const OutputStage*>& stages, const StageCall& call);

}  // namespace pressreel::batch
