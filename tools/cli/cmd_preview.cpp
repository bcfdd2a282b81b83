// `pressreel preview CLIP -o DIR`: web renditions (and optionally a teaser) of one clip, from one
// decode pass. The batch job runs the same sink alongside the others; this runs it alone.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "io/atomic_file.hpp"
#include "pressreel/media/decode_pass.hpp"
#include "pressreel/preview/rendition_encoder.hpp"
#include "pressreel/preview/teaser.hpp"

namespace pressreel::cli {

Action add_preview_command(CLI::App& app) {
  struct Args {
    std::string clip, out_dir, webm, preset = "veryfast";
    int threads = 0, crf = 23;
    bool no_audio = false, no_normalize = false;
    double target_lufs = -16.0;
    std::vector<std::string> teaser;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("preview", "Encode web renditions of one clip from a single decode pass");
  cmd->add_option("clip", args->clip, "the clip")->required()->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", args->out_dir, "folder for preview-<rendition>.mp4/.webm")->required();
  cmd->add_option("--webm", args->webm, "also a 720p WebM rendition: vp9 or av1")->check(CLI::IsMember({"vp9", "av1"}));
  cmd->add_option("--preset", args->preset, "x264 preset of the H.264 renditions");
  cmd->add_option("--crf", args->crf, "x264 CRF of the H.264 renditions");
  cmd->add_option("--threads", args->threads, "frame threads per video encoder (0 = six shared by the renditions, at least two each; an H.264 rendition with a bitrate cap takes one, for the same bytes every run)");
  cmd->add_option("--target-lufs", args->target_lufs, "integrated loudness target");
  cmd->add_option("--teaser", args->teaser, "also teaser.mp4/.webp from these ranges, in seconds: 3.5-5 12-13.5 ...");
  cmd->add_flag("--no-audio", args->no_audio, "renditions without audio");
  cmd->add_flag("--no-normalize", args->no_normalize, "keep the source loudness");

  return [args] {
    preview::PreviewOptions options;
    for (auto& r : options.renditions) {
      r.preset = args->preset;
      r.crf = args->crf;
    }
    if (!args->webm.empty()) options.renditions.push_back(preview::webm_rendition(preview::video_codec_from_string(args->webm)));
    options.encoder_threads = args->threads;
    options.audio.enabled = !args->no_audio;
    options.audio.normalize = !args->no_normalize;
    options.audio.target.integrated_lufs = args->target_lufs;

    const media::ProbeResult probe = media::probe(args->clip);
    preview::RenditionEncoder encoder(args->out_dir, options);
    media::FrameSink* sinks[] = {&encoder};
    const media::DecodeSummary summary = media::run_decode_pass(probe, sinks);
    spdlog::info("{}: {} frames in {:.2f} s", args->clip, summary.frames, summary.decode_seconds);
    nlohmann::json report = {{"clip", args->clip}, {"outputs", encoder.read_back()}};
    if (!args->teaser.empty()) {
      std::vector<preview::TeaserPiece> pieces;
      const AVRational ms{1, 1000};
      for (const std::string& range : args->teaser) {
        double start = 0, end = 0;
        if (std::sscanf(range.c_str(), "%lf-%lf", &start, &end) != 2 || end <= start) {
          throw CLI::ValidationError("--teaser", "ranges are START-END in seconds, e.g. 3.5-5");
        }
        pieces.push_back({media::RationalTime::from_seconds(start, ms), media::RationalTime::from_seconds(end, ms)});
      }
      report["teaser"] = preview::make_teaser(probe, pieces, args->out_dir);
    }
    std::cout << io::json_text(report) << "\n";
    return exit_ok;
  };
}

}  // namespace pressreel::cli
