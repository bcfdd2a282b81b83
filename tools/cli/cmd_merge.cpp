// `pressreel merge OUT`: the catalog, film pages and film-level outputs from the clip outputs of
// every shard (each shard wrote only its clips' folders).
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "pressreel/batch/catalog.hpp"
#include "pressreel/batch/gallery.hpp"

namespace pressreel::cli {

Action add_merge_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("merge", "Build catalog.json, film pages and the gallery from the clips in OUT (after sharded runs)");
  auto out = std::make_shared<std::string>();
  cmd->add_option("out", *out, "the output folder the shards wrote to")->required()->check(CLI::ExistingDirectory);
  auto base_url = std::make_shared<std::string>();
  cmd->add_option("--base-url", *base_url, "the http(s) address OUT will be published at (see `run --base-url`)");
  return [out, base_url]() {
    std::string checked;
    try {
      if (!base_url->empty()) checked = batch::checked_base_url(*base_url);
    } catch (const std::invalid_argument& e) {
      spdlog::error("{}", e.what());
      return exit_usage;
    }
    const nlohmann::json catalog = batch::write_catalog(*out);
    batch::write_gallery(*out, checked);
    spdlog::info("{} films, {} clips, {} failed; catalog: {}/catalog.json", catalog["film_count"].get<int>(),
                 catalog["clip_count"].get<int>(), catalog["failed"].get<int>(), *out);
    return catalog["failed"].get<int>() > 0 ? exit_failures : exit_ok;
  };
}

}  // namespace pressreel::cli
