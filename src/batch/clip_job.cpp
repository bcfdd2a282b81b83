#include "pressreel/batch/clip_job.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <vector>

#include "pressreel/batch/atomic_file.hpp"
#include "pressreel/batch/input_key.hpp"
#include "pressreel/media/decode_pass.hpp"
#include "pressreel/media/error.hpp"
#include "pressreel/version.hpp"

namespace pressreel::batch {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// The stage a failure happened in, for the manifest and the run report.
struct StageFailure : std::runtime_error {
  StageFailure(std::string stage, const std::string& message) : std::runtime_error(message), stage(std::move(stage)) {}
  std::string stage;
};

json decode_json(const media::DecodeSummary& s) {
  return {{"frames", s.frames},
          {"corrupt_packets", s.corrupt_packets},
          {"duration", s.duration.fraction()},
          {"duration_seconds", s.duration.seconds()},
          {"filter_chain", s.filter_chain},
          {"audio_error", s.audio_error.empty() ? json(nullptr) : json(s.audio_error)}};
}

}  // namespace

fs::path clip_folder(const fs::path& out, const std::string& film_slug, const std::string& clip_slug) {
  return out / film_slug / clip_slug;
}

ClipOutcome process_clip(const FilmSource& film, const ClipSource& clip, const Recipe& recipe,
                         const ClipJobOptions& options) {
  const auto started = Clock::now();
  ClipOutcome outcome;
  outcome.film_slug = film.slug;
  outcome.clip_slug = clip.slug;
  outcome.source = clip.path;
  const fs::path folder = clip_folder(options.out, film.slug, clip.slug);
  outcome.manifest_path = folder / "manifest.json";

  json manifest = {{"pressreel_version", version()},
                   {"film", film.slug},
                   {"clip", clip.slug},
                   {"source", {{"name", clip.name}, {"path", clip.path.string()}}},
                   {"film_info", to_json(film.info)},
                   {"recipe", recipe.effective()},
                   {"outputs", json::object()},
                   {"warnings", json::array()}};
  json timings = json::object();

  try {
    const InputKey key{content_hash(clip.path), text_hash(recipe.effective().dump()), version()};
    manifest["input_key"] = to_json(key);
    if (!options.force && recorded_key(outcome.manifest_path) == key) {
      outcome.ok = outcome.skipped = true;
      outcome.seconds = seconds_since(started);
      return outcome;
    }
    fs::create_directories(folder);
    // The manifest's presence means "complete": remove the old one before anything else changes.
    fs::remove(outcome.manifest_path);
    remove_temporary_files(folder);

    if (!clip.probe) throw StageFailure("probe", clip.path.string() + ": probe: " + clip.error);
    const media::ProbeResult& probe = *clip.probe;
    manifest["probe"] = media::to_json(probe);
    if (probe.main_video() == nullptr) throw StageFailure("probe", clip.path.string() + ": probe: no video stream");

    // The consumers of the single decode pass. Each stage adds its sink here, and writes its
    // outputs after the pass below.
    std::vector<media::FrameSink*> sinks;

    media::DecodePassOptions pass;
    pass.decoder = recipe.decoder;
    if (options.decoder_threads > 0 && recipe.decoder.threads == 0) pass.decoder.threads = options.decoder_threads;
    pass.input.allow_demuxers = recipe.allow_demuxers;
    pass.input.cancel = options.cancel;
    pass.max_frames_in_flight = static_cast<size_t>(recipe.frames_in_flight);
    const double duration = probe.duration_seconds;
    if (options.on_progress && duration > 0) {
      pass.on_progress = [&](const media::VideoFrame& f) { options.on_progress(std::min(1.0, f.time.seconds() / duration)); };
    }
    const auto decode_started = Clock::now();
    const media::DecodeSummary summary = media::run_decode_pass(probe, sinks, pass);
    timings["decode_pass"] = seconds_since(decode_started);
    manifest["decode"] = decode_json(summary);
    if (!summary.audio_error.empty()) manifest["warnings"].push_back(summary.audio_error);
    if (summary.corrupt_packets > 0) {
      manifest["warnings"].push_back(fmt::format("{} corrupt packets skipped while decoding", summary.corrupt_packets));
    }

    outcome.ok = true;
  } catch (const StageFailure& e) {
    outcome.stage = e.stage;
    outcome.error = e.what();
  } catch (const media::MediaError& e) {
    outcome.stage = e.stage();
    outcome.error = e.what();
  } catch (const std::exception& e) {
    outcome.stage = "pipeline";
    outcome.error = clip.path.string() + ": " + e.what();
  }

  outcome.seconds = seconds_since(started);
  timings["total"] = outcome.seconds;
  manifest["status"] = outcome.ok ? "ok" : "failed";
  manifest["error"] = outcome.ok ? json(nullptr) : json{{"stage", outcome.stage}, {"message", outcome.error}};
  manifest["timings"] = timings;
  try {
    write_json_atomic(outcome.manifest_path, manifest);
  } catch (const std::exception& e) {
    // Without a manifest the clip is not complete; the run report still says why.
    outcome.ok = false;
    outcome.stage = "manifest";
    outcome.error = e.what();
  }
  return outcome;
}

}  // namespace pressreel::batch
