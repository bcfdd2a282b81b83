// `pressreel eval-scenes --truth DIR [--clips DIR | --detections DIR] [--json] [STEM...]`: scores shot
// detection against truth files, per clip and overall, at tolerance 0 and 1 frame.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "io/atomic_file.hpp"
#include "pressreel/media/decode_pass.hpp"
#include "pressreel/media/probe.hpp"
#include "pressreel/scenes/scene_detector.hpp"
#include "pressreel/scenes/scene_eval.hpp"

namespace pressreel::cli {
namespace {

namespace fs = std::filesystem;

struct ClipResult {
  std::string stem;
  scenes::SceneTruth truth;
  int64_t frames_decoded = -1;  // -1: read from a detections file
  scenes::ToleranceScore exact, near;
};

// Decoded as `pressreel scenes` decodes, unless `full_decode`.
std::vector<scenes::ReportedBoundary> detect(const fs::path& clip, bool full_decode, int64_t& frames) {
  scenes::SceneDetector detector;
  media::FrameSink* sinks[] = {&detector};
  media::DecodePassOptions pass;
  if (!full_decode) pass.decoder.analysis_only_width = scenes::SceneOptions{}.analysis_width;
  const media::DecodeSummary summary = media::run_decode_pass(media::probe(clip), sinks, pass);
  frames = summary.frames;
  return scenes::reported_boundaries(detector.result());
}

fs::path detections_file(const fs::path& dir, const std::string& stem) {
  const fs::path flat = dir / (stem + ".json");
  return fs::exists(flat) ? flat : dir / stem / "scenes.json";  // the `pressreel run` layout
}

std::string percent(double v) { return fmt::format("{:5.1f}", 100.0 * v); }

void print_table(const std::vector<ClipResult>& results, const scenes::ToleranceScore& exact,
                 const scenes::ToleranceScore& near) {
  std::cout << fmt::format("{:<26} {:>5} {:>4} | {:>5} {:>5} {:>5} | {:>5} {:>5} {:>5} | {:>7} {:>7} | {:>5} {:>5}\n",
                           "clip", "cuts", "grad", "P@0", "R@0", "F1@0", "P@1", "R@1", "F1@1", "hardF1@1",
                           "grad", "flash", "FP");
  auto row = [](const std::string& name, int64_t cuts, int64_t gradual, const scenes::ToleranceScore& e,
                const scenes::ToleranceScore& n) {
    return fmt::format("{:<26} {:>5} {:>4} | {} {} {} | {} {} {} | {:>8} {:>3}/{:<3} | {:>5} {:>5}\n", name, cuts,
                       gradual, percent(e.overall.precision()), percent(e.overall.recall()), percent(e.overall.f1()),
                       percent(n.overall.precision()), percent(n.overall.recall()), percent(n.overall.f1()),
                       percent(n.hard.f1()), n.gradual.true_positives,
                       n.gradual.true_positives + n.gradual.false_negatives, n.flash_false_positives,
                       n.overall.false_positives);
  };
  int64_t cuts = 0, gradual = 0;
  for (const ClipResult& r : results) {
    std::cout << row(r.stem, static_cast<int64_t>(r.truth.cuts.size()), static_cast<int64_t>(r.truth.gradual.size()),
                     r.exact, r.near);
    if (!r.near.missed_cuts.empty()) std::cout << fmt::format("    missed cuts: {}\n", fmt::join(r.near.missed_cuts, " "));
    if (!r.near.false_positives.empty()) {
      std::cout << fmt::format("    false positives: {}\n", fmt::join(r.near.false_positives, " "));
    }
    for (const auto& [first, last] : r.near.missed_gradual) std::cout << fmt::format("    missed gradual: {}-{}\n", first, last);
    if (r.frames_decoded >= 0 && r.truth.frames > 0 && r.frames_decoded != r.truth.frames) {
      std::cout << fmt::format("    decoded {} frames, truth says {}\n", r.frames_decoded, r.truth.frames);
    }
    cuts += static_cast<int64_t>(r.truth.cuts.size());
    gradual += static_cast<int64_t>(r.truth.gradual.size());
  }
  std::cout << row("overall", cuts, gradual, exact, near);
}

}  // namespace

Action add_eval_scenes_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("eval-scenes", "Score shot detection against truth files (precision, recall, F1)");
  struct Args {
    std::string truth, clips, detections;
    std::vector<std::string> only;
    bool json = false;
    bool full_decode = false;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("--truth", args->truth, "folder of truth/<stem>.json files")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--clips", args->clips, "run detection on the clips in this folder (default: ../clips of --truth)");
  cmd->add_option("--detections", args->detections,
                  "score existing scene lists instead: <stem>.json or <stem>/scenes.json in this folder")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("stems", args->only, "only these clips (truth file stems)");
  cmd->add_flag("--json", args->json, "print JSON instead of a table");
  cmd->add_flag("--full-decode", args->full_decode,
                "detect on pictures decoded as a viewer sees them, not as `pressreel scenes` decodes them");

  return [args]() {
    const fs::path truth_dir = args->truth;
    const fs::path clips_dir = args->clips.empty() ? truth_dir.parent_path() / "clips" : fs::path(args->clips);
    std::vector<fs::path> truth_files;
    for (const auto& entry : fs::directory_iterator(truth_dir)) {
      if (entry.path().extension() != ".json") continue;
      const std::string stem = entry.path().stem().string();
      if (args->only.empty() || std::find(args->only.begin(), args->only.end(), stem) != args->only.end()) {
        truth_files.push_back(entry.path());
      }
    }
    std::sort(truth_files.begin(), truth_files.end());

    std::vector<ClipResult> results;
    scenes::ToleranceScore exact_total, near_total;
    exact_total.tolerance = 0;
    near_total.tolerance = 1;
    int failures = 0;
    for (const fs::path& file : truth_files) {
      ClipResult r;
      r.stem = file.stem().string();
      r.truth = scenes::read_truth(file);
      std::vector<scenes::ReportedBoundary> reported;
      try {
        if (!args->detections.empty()) {
          reported = scenes::read_reported(detections_file(args->detections, r.stem));
        } else {
          const fs::path clip = clips_dir / r.truth.clip;
          if (!fs::exists(clip)) {
            spdlog::warn("{}: clip not found, skipped", clip.string());
            continue;
          }
          reported = detect(clip, args->full_decode, r.frames_decoded);
        }
      } catch (const std::exception& e) {
        spdlog::error("{}: {}", r.stem, e.what());
        ++failures;
        continue;
      }
      r.exact = scenes::score_boundaries(r.truth, reported, 0);
      r.near = scenes::score_boundaries(r.truth, reported, 1);
      exact_total += r.exact;
      near_total += r.near;
      results.push_back(std::move(r));
    }

    if (args->json) {
      nlohmann::json clips = nlohmann::json::array();
      for (const ClipResult& r : results) {
        clips.push_back({{"clip", r.stem}, {"tolerance_0", scenes::to_json(r.exact)}, {"tolerance_1", scenes::to_json(r.near)}});
      }
      // Truth files are named after clips, whose names may hold invalid UTF-8: printed as U+FFFD.
      const nlohmann::json overall = {{"tolerance_0", scenes::to_json(exact_total)},
                                      {"tolerance_1", scenes::to_json(near_total)}};
      std::cout << io::json_text({{"clips", clips}, {"overall", overall}}) << '\n';
    } else {
      print_table(results, exact_total, near_total);
    }
    return failures == 0 ? exit_ok : exit_failures;
  };
}

}  // namespace pressreel::cli
