// `pressreel probe CLIP [--json]`: what a clip is, without decoding it.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "pressreel/media/probe.hpp"

namespace pressreel::cli {

Action add_probe_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("probe", "Show a clip's container, streams, timing, colour and metadata");
  auto clip = std::make_shared<std::string>();
  auto as_json = std::make_shared<bool>(false);
  cmd->add_option("clip", *clip, "the media file")->required();
  cmd->add_flag("--json", *as_json, "print JSON instead of text");
  return [clip, as_json]() {
    const media::ProbeResult result = media::probe(*clip);
    if (*as_json) {
      // Metadata tags may hold invalid UTF-8: printed as U+FFFD rather than failing.
      const auto as_text = nlohmann::json::error_handler_t::replace;
      std::cout << media::to_json(result).dump(2, ' ', false, as_text) << '\n';
    } else {
      std::cout << media::to_text(result);
    }
    return exit_ok;
  };
}

}  // namespace pressreel::cli
