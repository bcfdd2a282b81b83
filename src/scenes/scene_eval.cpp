#include "pressreel/scenes/scene_eval.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace pressreel::scenes {
namespace {

nlohmann::json read_json_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot read", path.string()));
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(fmt::format("{}: not JSON: {}", path.string(), e.what()));
  }
}

std::vector<FrameRange> ranges(const nlohmann::json& list) {
  std::vector<FrameRange> out;
  for (const auto& r : list) out.emplace_back(r.at(0).get<int64_t>(), r.at(1).get<int64_t>());
  return out;
}

CutKind kind_from_string(const std::string& s) {
  if (s == "fade") return CutKind::fade;
  if (s == "dissolve") return CutKind::dissolve;
  return CutKind::cut;
}

double ratio(int64_t num, int64_t den) { return den == 0 ? 1.0 : static_cast<double>(num) / static_cast<double>(den); }

}  // namespace

SceneTruth read_truth(const std::filesystem::path& path) {
  const nlohmann::json j = read_json_file(path);
  try {
    SceneTruth t;
    t.clip = j.at("clip").get<std::string>();
    t.frames = j.value("frames", int64_t{0});
    t.cuts = j.value("cuts", std::vector<int64_t>{});
    std::sort(t.cuts.begin(), t.cuts.end());
    if (j.contains("gradual")) t.gradual = ranges(j["gradual"]);
    if (j.contains("flashes")) t.flashes = ranges(j["flashes"]);
    return t;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(fmt::format("{}: not a truth file: {}", path.string(), e.what()));
  }
}

std::vector<ReportedBoundary> reported_boundaries(const SceneList& scenes) {
  std::vector<ReportedBoundary> out;
  for (const Cut& c : scenes.cuts) out.push_back({c.frame, c.kind});
  return out;
}

std::vector<ReportedBoundary> read_reported(const std::filesystem::path& scenes_json) {
  const nlohmann::json j = read_json_file(scenes_json);
  std::vector<ReportedBoundary> out;
  try {
    for (const auto& c : j.at("cuts")) {
      out.push_back({c.at("frame").get<int64_t>(), kind_from_string(c.value("kind", std::string("cut")))});
    }
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(fmt::format("{}: not a scene list: {}", scenes_json.string(), e.what()));
  }
  return out;
}

double Counts::precision() const { return ratio(true_positives, true_positives + false_positives); }
double Counts::recall() const { return ratio(true_positives, true_positives + false_negatives); }
double Counts::f1() const {
  const double p = precision(), r = recall();
  return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
}
Counts& Counts::operator+=(const Counts& o) {
  true_positives += o.true_positives;
  false_positives += o.false_positives;
  false_negatives += o.false_negatives;
  return *this;
}

ToleranceScore& ToleranceScore::operator+=(const ToleranceScore& o) {
  overall += o.overall;
  hard += o.hard;
  gradual += o.gradual;
  flash_false_positives += o.flash_false_positives;
  return *this;
}

ToleranceScore score_boundaries(const SceneTruth& truth, const std::vector<ReportedBoundary>& reported, int tolerance) {
  ToleranceScore s;
  s.tolerance = tolerance;
  std::vector<ReportedBoundary> sorted = reported;
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.frame < b.frame; });
  std::vector<bool> cut_matched(truth.cuts.size(), false), gradual_found(truth.gradual.size(), false);

  for (const ReportedBoundary& b : sorted) {
    bool matched = false;
    for (size_t i = 0; i < truth.cuts.size() && !matched; ++i) {
      if (!cut_matched[i] && std::abs(truth.cuts[i] - b.frame) <= tolerance) matched = cut_matched[i] = true;
    }
    for (size_t i = 0; i < truth.gradual.size() && !matched; ++i) {
      const auto [first, last] = truth.gradual[i];
      if (!gradual_found[i] && b.frame >= first - 1 && b.frame <= last + 1) matched = gradual_found[i] = true;
    }
    if (matched) continue;
    s.false_positives.push_back(b.frame);
    ++s.overall.false_positives;
    ++(b.kind == CutKind::cut ? s.hard : s.gradual).false_positives;
    for (const auto& [first, last] : truth.flashes) {
      if (b.frame >= first && b.frame <= last + 1) {
        ++s.flash_false_positives;
        break;
      }
    }
  }
  for (size_t i = 0; i < truth.cuts.size(); ++i) {
    ++(cut_matched[i] ? s.hard.true_positives : s.hard.false_negatives);
    if (!cut_matched[i]) s.missed_cuts.push_back(truth.cuts[i]);
  }
  for (size_t i = 0; i < truth.gradual.size(); ++i) {
    ++(gradual_found[i] ? s.gradual.true_positives : s.gradual.false_negatives);
    if (!gradual_found[i]) s.missed_gradual.push_back(truth.gradual[i]);
  }
  s.overall.true_positives = s.hard.true_positives + s.gradual.true_positives;
  s.overall.false_negatives = s.hard.false_negatives + s.gradual.false_negatives;
  return s;
}

nlohmann::json to_json(const ToleranceScore& s) {
  auto counts = [](const Counts& c) {
    return nlohmann::json{{"tp", c.true_positives}, {"fp", c.false_positives}, {"fn", c.false_negatives},
                          {"precision", c.precision()}, {"recall", c.recall()}, {"f1", c.f1()}};
  };
  nlohmann::json missed_gradual = nlohmann::json::array();
  for (const auto& [first, last] : s.missed_gradual) missed_gradual.push_back({first, last});
  return {{"tolerance", s.tolerance},
          {"overall", counts(s.overall)},
          {"hard_cuts", counts(s.hard)},
          {"gradual", counts(s.gradual)},
          {"flash_false_positives", s.flash_false_positives},
          {"missed_cuts", s.missed_cuts},
          {"false_positives", s.false_positives},
          {"missed_gradual", missed_gradual}};
}

}  // namespace pressreel::scenes
