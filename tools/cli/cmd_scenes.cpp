// `pressreel scenes CLIP [--format json|csv|edl|vtt] [--stats FILE]`: the shot list of one clip, on
// standard output, from one decode pass with the scene detector as its only consumer.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "pressreel/media/decode_pass.hpp"
#include "pressreel/media/probe.hpp"
#include "pressreel/scenes/scene_detector.hpp"
#include "pressreel/scenes/scene_writers.hpp"

namespace pressreel::cli {

Action add_scenes_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("scenes", "Find the shots of a clip: hard cuts, fades, dissolves (flashes ignored)");
  struct Args {
    std::string clip, format = "json", stats;
    int threads = 0;
    bool full_decode = false;
    scenes::SceneOptions options;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("clip", args->clip, "the media file")->required();
  cmd->add_option("-f,--format", args->format, "json, csv (PySceneDetect list-scenes), edl (CMX 3600) or vtt (chapters)")
      ->check(CLI::IsMember({"json", "csv", "edl", "vtt"}))
      ->capture_default_str();
  cmd->add_option("--stats", args->stats, "also write every frame's signals to this CSV file");
  cmd->add_option("--threads", args->threads, "decoder threads (0 = one per core)")->capture_default_str();
  cmd->add_flag("--full-decode", args->full_decode,
                "decode pictures as a viewer sees them (with deblocking, at full size): slower, for comparison");
  cmd->add_option("--min-shot", args->options.min_shot_seconds, "shortest shot, seconds")->capture_default_str();
  cmd->add_option("--ratio", args->options.adaptive_ratio, "how far a cut must stand out from its neighbours")
      ->capture_default_str();
  cmd->add_option("--min-score", args->options.min_score, "smallest difference that may be a cut (0..255)")
      ->capture_default_str();
  cmd->add_option("--analysis-width", args->options.analysis_width, "width of the analysis frame, px")
      ->check(CLI::Range(32, 1024))
      ->capture_default_str();

  return [args]() {
    const media::ProbeResult probe = media::probe(args->clip);
    scenes::SceneDetector detector(args->options);
    std::ofstream stats;
    if (!args->stats.empty()) {
      stats.open(args->stats);
      if (!stats) throw std::runtime_error(fmt::format("{}: stats: cannot write {}", args->clip, args->stats));
      stats << scenes::stats_csv_header();
      detector.set_frame_listener([&stats](const scenes::FrameRecord& frame) { stats << scenes::stats_csv_row(frame); });
    }
    media::DecodePassOptions pass;
    pass.decoder.threads = args->threads;
    // Nothing here shows or encodes a picture: the decoder may cut corners only analysis does not see.
    if (!args->full_decode) pass.decoder.analysis_only_width = args->options.analysis_width;
    media::FrameSink* sinks[] = {&detector};
    const media::DecodeSummary summary = media::run_decode_pass(probe, sinks, pass);
    const scenes::SceneList scenes = detector.result();
    spdlog::info("{}: {} frames, {} cuts in {:.2f} s ({:.0f} fps)", args->clip, summary.frames, scenes.cuts.size(),
                 summary.decode_seconds, summary.frames / std::max(1e-9, summary.decode_seconds));
    std::cout << scenes::format_scenes(scenes, args->format, probe.path.filename().string());
    return exit_ok;
  };
}

}  // namespace pressreel::cli
