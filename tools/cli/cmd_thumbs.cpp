// `pressreel thumbs CLIP -o DIR [--at TIME] [--crops LIST] [--format jpg|webp] [--quality Q]`:
// article art now: a poster and its crops without decoding the whole clip.
#include <fmt/format.h>
#include <malloc.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "io/atomic_file.hpp"
#include "pressreel/stills/thumbs.hpp"

namespace pressreel::cli {

namespace {

// A search seeks about ten times, and every seek makes the video decoder free and allocate its frame
// buffers and tables again (H.264's flush frees them). glibc gives blocks of 128 KB and more back to
// the kernel on free and maps them anew on the next allocation, so each seek paid for zeroed pages
// faulting in again: a quarter of the command's CPU time. Kept in the heap, the freed blocks serve the
// next seek. Only for this one-off command: it runs for about a second, and its peak memory grows by 2 %.
void keep_freed_blocks() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);   // blocks up to 32 MB come from the heap (a 4K frame is 12 MB)
  mallopt(M_TRIM_THRESHOLD, 256 << 20);  // and freed ones stay there for reuse
}

}  // namespace

Action add_thumbs_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("thumbs", "Poster and social crops of one clip in a fraction of its decode time");
  struct Args {
    std::string clip, out, at, crops = "all", format = "jpg";
    int quality = 88;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("clip", args->clip, "the media file")->required()->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", args->out, "folder for poster.<ext>, the crops and thumbs.json")->required();
  cmd->add_option("--at", args->at,
                  "take the exact frame shown at TIME (seconds or HH:MM:SS.mmm) instead of searching");
  cmd->add_option(
      "--crops", args->crops,
      "comma-separated crops (16x9-1280x720,16x9-1920x1080,og-1200x630,1x1-1080,4x5-1080x1350,9x16-1080x1920) "
      "or 'all'; ASPECT-WIDTH takes the height from the aspect (4x3-800 is 800x600)");
  cmd->add_option("--format", args->format, "jpg or webp")->check(CLI::IsMember({"jpg", "jpeg", "webp"}));
  cmd->add_option("--quality", args->quality, "1..100")->check(CLI::Range(1, 100));
  cmd->add_flag("--json", args->json, "print thumbs.json instead of a summary");
  return [args]() {
    keep_freed_blocks();
    stills::ThumbsOptions options;
    try {
      if (!args->at.empty()) options.at_seconds = stills::parse_time(args->at);
      options.crops = stills::parse_crop_list(args->crops);
    } catch (const std::invalid_argument& e) {
      std::cerr << "thumbs: " << e.what() << '\n';
      return exit_usage;
    }
    options.image.format = stills::parse_image_format(args->format);
    options.image.quality = args->quality;
    nlohmann::json result;
    try {
      result = stills::make_thumbs(args->clip, args->out, options);
    } catch (const stills::TimePastEnd& e) {  // --at past the end: the clip's duration says what is valid
      std::cerr << "thumbs: " << e.what() << '\n';
      return exit_usage;
    }
    if (args->json) {
      std::cout << io::json_text(result) << '\n';
      return exit_ok;
    }
    const nlohmann::json& poster = result["poster"];
    std::cout << fmt::format(
        "{}: frame {} at {} (score {:.3f}), {} of ~{} frames decoded in {:.2f} s\n", poster["file"].get<std::string>(),
        poster["frame"].get<int64_t>(), poster["time"]["timecode"].get<std::string>(), poster["score"].get<double>(),
        result["frames_decoded"].get<int64_t>(), result["clip_frames"].get<int64_t>(), result["seconds"].get<double>());
    for (const auto& crop : poster["crops"]) {
      std::cout << fmt::format("  {} {}x{}{}\n", crop["file"].get<std::string>(), crop["width"].get<int>(),
                               crop["height"].get<int>(),
                               crop["upscale_refused"].get<bool>() ? " (source too small: not upscaled)" : "");
    }
    return exit_ok;
  };
}

}  // namespace pressreel::cli
