// Scene truth files and scene lists (what `pressreel eval-scenes` reads): any text either parses or is
// refused with a std::runtime_error naming the file; whatever parses can be scored against itself
// and against boundaries one frame off, at both tolerances, without overflow or out-of-range access.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "pressreel/scenes/scene_eval.hpp"

namespace {

using namespace pressreel::scenes;

// Boundaries a detector could have reported for this truth: each cut one frame late, each transition's
// first frame as a dissolve, each flash as a cut.
std::vector<ReportedBoundary> near_misses(const SceneTruth& truth) {
  std::vector<ReportedBoundary> out;
  for (int64_t cut : truth.cuts) out.push_back({cut + 1, CutKind::cut});
  for (const auto& [first, last] : truth.gradual) out.push_back({first, CutKind::dissolve});
  for (const auto& [first, last] : truth.flashes) out.push_back({last, CutKind::cut});
  return out;
}

void score_all(const SceneTruth& truth, const std::vector<ReportedBoundary>& reported) {
  for (int tolerance : {0, 1}) {
    const ToleranceScore score = score_boundaries(truth, reported, tolerance);
    (void)to_json(score).dump();
    (void)score.overall.f1();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const SceneTruth truth = parse_truth(text, "fuzz-truth.json");
    score_all(truth, near_misses(truth));
  } catch (const std::runtime_error&) {
  }
  // The same bytes as a scenes.json, scored against an empty truth and a one-cut truth.
  try {
    const std::vector<ReportedBoundary> reported = parse_reported(text, "fuzz-scenes.json");
    score_all(SceneTruth{}, reported);
    score_all(SceneTruth{"clip.mp4", 100, {50}, {{10, 20}}, {{70, 71}}}, reported);
  } catch (const std::runtime_error&) {
  }
  return 0;
}
