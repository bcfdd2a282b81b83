#include "pressreel/scenes/scene_eval.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace pressreel::scenes {
namespace {

std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot read", path.string()));
  return {std::istreambuf_iterator<char>(in), {}};
}

nlohmann::json parse_json(const std::string& text, const std::string& name) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(fmt::format("{}: not JSON: {}", name, e.what()));
  }
}

// Frame numbers beyond any clip (2^40 frames is 1400 years at 25 fps) are refused, so the scoring's
// arithmetic (a tolerance, a transition widened by a frame) cannot overflow.
constexpr int64_t kMaxFrame = int64_t{1} << 40;

int64_t frame_number(const nlohmann::json& j, const std::string& name, const char* key) {
  if (!j.is_number_integer()) {
    throw std::runtime_error(fmt::format("{}: {}: {} is not a frame number", name, key, j.dump()));
  }
  const bool in_range = j.is_number_unsigned() ? j.get<uint64_t>() <= static_cast<uint64_t>(kMaxFrame)
                                               : j.get<int64_t>() >= 0 && j.get<int64_t>() <= kMaxFrame;
  if (!in_range) throw std::runtime_error(fmt::format("{}: {}: frame {} is out of range", name, key, j.dump()));
  return j.get<int64_t>();
}

// `key`'s list, empty when absent.
const nlohmann::json& list_member(const nlohmann::json& j, const char* key, const std::string& name) {
  static const nlohmann::json empty = nlohmann::json::array();
  if (!j.contains(key)) return empty;
  if (!j[key].is_array()) throw std::runtime_error(fmt::format("{}: {} is not a list", name, key));
  return j[key];
}

std::vector<FrameRange> ranges(const nlohmann::json& list, const std::string& name, const char* key) {
  std::vector<FrameRange> out;
  for (const auto& r : list) {
    if (!r.is_array() || r.size() != 2) {
      throw std::runtime_error(fmt::format("{}: {}: {} is not [first, last]", name, key, r.dump()));
    }
    const FrameRange range{frame_number(r[0], name, key), frame_number(r[1], name, key)};
    if (range.second < range.first) {
      throw std::runtime_error(fmt::format("{}: {}: {} ends before it starts", name, key, r.dump()));
    }
    out.push_back(range);
  }
  return out;
}

CutKind kind_from_string(const std::string& s) {
  if (s == "fade") return CutKind::fade;
  if (s == "dissolve") return CutKind::dissolve;
  return CutKind::cut;
}

double ratio(int64_t num, int64_t den) { return den == 0 ? 1.0 : static_cast<double>(num) / static_cast<double>(den); }

}  // namespace

SceneTruth read_truth(const std::filesystem::path& path) { return parse_truth(read_text_file(path), path.string()); }

SceneTruth parse_truth(const std::string& json_text, const std::string& name) {
  const nlohmann::json j = parse_json(json_text, name);
  try {
    SceneTruth t;
    t.clip = j.at("clip").get<std::string>();
    t.frames = j.contains("frames") ? frame_number(j["frames"], name, "frames") : 0;
    for (const auto& cut : list_member(j, "cuts", name)) t.cuts.push_back(frame_number(cut, name, "cuts"));
    std::sort(t.cuts.begin(), t.cuts.end());
    t.gradual = ranges(list_member(j, "gradual", name), name, "gradual");
    t.flashes = ranges(list_member(j, "flashes", name), name, "flashes");
    return t;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(fmt::format("{}: not a truth file: {}", name, e.what()));
  }
}

std::vector<ReportedBoundary> reported_boundaries(const SceneList& scenes) {
  std::vector<ReportedBoundary> out;
  for (const Cut& c : scenes.cuts) out.push_back({c.frame, c.kind});
  return out;
}

std::vector<ReportedBoundary> read_reported(const std::filesystem::path& scenes_json) {
  return parse_reported(read_text_file(scenes_json), scenes_json.string());
}

std::vector<ReportedBoundary> parse_reported(const std::string& json_text, const std::string& name) {
  const nlohmann::json j = parse_json(json_text, name);
  std::vector<ReportedBoundary> out;
  try {
    for (const auto& c : j.at("cuts")) {
      out.push_back(
          {frame_number(c.at("frame"), name, "frame"), kind_from_string(c.value("kind", std::string("cut")))});
    }
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(fmt::format("{}: not a scene list: {}", name, e.what()));
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
