// `pressreel probe CLIP [--json]`: what a clip is, without decoding it.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "io/atomic_file.hpp"
#include "pressreel/media/probe.hpp"

namespace pressreel::cli {

Action add_probe_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("probe", "Show a clip's container, streams, timing, colour and metadata");
  auto clip = std::make_shared<std::string>();
  auto as_json = std::make_shared<bool>(false);
  // A missing clip is a usage error (exit 2), as for `run`; one that exists but is no clip fails (exit 1).
  cmd->add_option("clip", *clip, "the media file")->required()->check(CLI::ExistingFile);
  cmd->add_flag("--json", *as_json, "print JSON instead of text");
  return [clip, as_json]() {
    const media::ProbeResult result = media::probe(*clip);
    if (*as_json) {
      std::cout << io::json_text(media::to_json(result)) << '\n';  // bad UTF-8 in tags as U+FFFD
    } else {
      std::cout << media::to_text(result);
    }
    return exit_ok;
  };
}

}  // namespace pressreel::cli
