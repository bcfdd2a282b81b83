#pragma once
// Scoring shot detection against truth files (format: ../shared/media/README.md). A reported
// boundary matches a hard cut within the tolerance, one-to-one, greedily in order; else it finds the
// gradual transition it falls in (interval widened by one frame each side), at most one per
// interval; else it is a false positive (a flash false positive when it falls in a flash interval).

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "pressreel/scenes/shot.hpp"

namespace pressreel::scenes {

using FrameRange = std::pair<int64_t, int64_t>;  // first, last (inclusive)

struct SceneTruth {
  std::string clip;  // file name in the clips folder
  int64_t frames = 0;
  std::vector<int64_t> cuts;
  std::vector<FrameRange> gradual, flashes;
};

// Reads truth/<stem>.json. Throws std::runtime_error naming the file on bad input.
SceneTruth read_truth(const std::filesystem::path& path);
// The same from JSON text; `name` stands for the file in error messages.
SceneTruth parse_truth(const std::string& json_text, const std::string& name);

struct ReportedBoundary {
  int64_t frame = 0;
  CutKind kind = CutKind::cut;
};
std::vector<ReportedBoundary> reported_boundaries(const SceneList& scenes);
// From a scenes.json as `pressreel scenes` writes it ("cuts": [{"frame", "kind"}]).
std::vector<ReportedBoundary> read_reported(const std::filesystem::path& scenes_json);
std::vector<ReportedBoundary> parse_reported(const std::string& json_text, const std::string& name);

struct Counts {
  int64_t true_positives = 0, false_positives = 0, false_negatives = 0;
  double precision() const;
  double recall() const;
  double f1() const;
  Counts& operator+=(const Counts& other);
};

struct ToleranceScore {
  int tolerance = 0;
  Counts overall;   // hard cuts and gradual transitions together
  Counts hard;      // hard cuts; false positives are unmatched boundaries reported as cuts
  Counts gradual;   // transitions; false positives are unmatched boundaries reported as fades/dissolves
  int64_t flash_false_positives = 0;
  std::vector<int64_t> missed_cuts;        // truth frames not matched
  std::vector<int64_t> false_positives;    // reported frames that matched nothing
  std::vector<FrameRange> missed_gradual;
  ToleranceScore& operator+=(const ToleranceScore& other);
};

ToleranceScore score_boundaries(const SceneTruth& truth, const std::vector<ReportedBoundary>& reported, int tolerance);

nlohmann::json to_json(const ToleranceScore& score);

}  // namespace pressreel::scenes
