// `pressreel merge OUT`: the catalog, film pages and film-level outputs from the clip outputs of
// every shard (each shard wrote only its clips' folders).
#include <spdlog/spdlog.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "io/atomic_file.hpp"
#include "pressreel/batch/catalog.hpp"
#include "pressreel/batch/gallery.hpp"
#include "pressreel/batch/out_report.hpp"

namespace pressreel::cli {

Action add_merge_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("merge", "Build catalog.json, film pages and the gallery from the clips in OUT (after sharded runs)");
  struct Args {
    std::string out, base_url;
    bool summary_json = false;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("out", args->out, "the output folder the shards wrote to")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--base-url", args->base_url, "the http(s) address OUT will be published at (see `run --base-url`)");
  cmd->add_flag("--json", args->summary_json, "print the run summary of OUT's clips as JSON on stdout, as `run --json`");
  return [args]() {
    const auto started = std::chrono::steady_clock::now();
    std::string checked;
    try {
      if (!args->base_url.empty()) checked = batch::checked_base_url(args->base_url);
    } catch (const std::invalid_argument& e) {
      spdlog::error("{}", e.what());
      return exit_usage;
    }
    // An empty folder or an input folder given by mistake would get a catalog and a gallery of nothing.
    if (!batch::holds_clip_manifests(args->out)) {
      spdlog::error("{}: no clip manifests (OUT/<film>/<clip>/manifest.json): not a pressreel output folder; "
                    "nothing written",
                    args->out);
      return exit_usage;
    }
    batch::RunReport report = batch::report_from_manifests(args->out);
    nlohmann::json catalog;
    try {
      catalog = batch::write_catalog(args->out);
      batch::write_gallery(args->out, checked);
    } catch (const std::exception& e) {
      report.catalog_error = e.what();
    }
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (args->summary_json) std::cout << io::json_text(report.to_json()) << '\n';
    if (!report.catalog_error.empty()) {
      spdlog::error("catalog and gallery not written: {}", report.catalog_error);
      return exit_failures;
    }
    spdlog::info("{} films, {} clips, {} failed; catalog: {}/catalog.json", catalog["film_count"].get<int>(),
                 report.clips.size(), report.failed(), args->out);
    return report.failed() > 0 ? exit_failures : exit_ok;
  };
}

}  // namespace pressreel::cli
