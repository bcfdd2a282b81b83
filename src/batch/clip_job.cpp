#include "pressreel/batch/clip_job.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "batch/output_stage.hpp"
#include "batch/stages/stages.hpp"
#include "io/atomic_file.hpp"
#include "batch/film_info_refresh.hpp"
#include "batch/input_key.hpp"
#include "batch/source_json.hpp"
#include "batch/watchdog.hpp"
#include "pressreel/batch/batch_run.hpp"
#include "pressreel/media/cpu_time.hpp"
#include "pressreel/media/decode_pass.hpp"
#include "pressreel/media/error.hpp"
#include "pressreel/preview/loudness.hpp"
#include "pressreel/preview/rendition_encoder.hpp"
#include "pressreel/scenes/scene_detector.hpp"
#include "pressreel/stills/candidate_keeper.hpp"
#include "pressreel/stills/contact_sheet_tiles.hpp"
#include "pressreel/stills/faces.hpp"
#include "pressreel/stills/storyboard.hpp"
#include "pressreel/version.hpp"

namespace pressreel::batch {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

json new_manifest(const FilmSource& film, const ClipSource& clip, const Recipe& recipe) {
  return {{"pressreel_version", version()},
          {"film", film.slug},
          {"clip", clip.slug},
          {"source", source_json(clip.name, clip.path)},
          {"film_info", to_json(film.info)},
          {"recipe", recipe.effective()},
          {"outputs", json::object()},
          {"warnings", json::array()}};
}

json decode_json(const media::DecodeSummary& s) {
  return {{"frames", s.frames},
          {"corrupt_packets", s.corrupt_packets},
          {"duration", s.duration.fraction()},
          {"duration_seconds", s.duration.seconds()},
          {"filter_chain", s.filter_chain},
          {"audio_error", s.audio_error.empty() ? json(nullptr) : json(s.audio_error)}};
}

// The clip's files written since `since`, when they are over [limits] max_output_bytes.
std::optional<std::string> output_over_limit(const fs::path& folder, fs::file_time_type since, const Limits& limits) {
  const uintmax_t bytes = bytes_written_since(folder, since);
  if (bytes <= static_cast<uintmax_t>(limits.max_output_bytes)) return std::nullopt;
  return fmt::format("limits: {} bytes written, over [limits] max_output_bytes = {}", bytes, limits.max_output_bytes);
}

// One clip's run: its manifest and timings as they fill, and the watchdog every step answers to.
class ClipRun {
 public:
  ClipRun(const FilmSource& film, const ClipSource& clip, const Recipe& recipe, const ClipJobOptions& options)
      : film(film),
        clip(clip),
        recipe(recipe),
        options(options),
        folder(clip_folder(options.out, film.slug, clip.slug)),
        manifest(new_manifest(film, clip, recipe)),
        // Every read of the clip polls the watchdog's flag, raised when the clip stalls, runs past its
        // time budget or writes more than it may. File times are coarse: a second's margin counts
        // every new file.
        written_since_(fs::file_time_type::clock::now() - std::chrono::seconds(1)),
        watchdog_({recipe.limits.stall_seconds,
                   time_budget_seconds(recipe.limits, clip.probe ? clip.probe->duration_seconds : 0.0),
                   [this] { return output_over_limit(folder, written_since_, this->recipe.limits); }, options.cancel}) {
    input.allow_demuxers = recipe.allow_demuxers;
    input.cancel = watchdog_.cancel_flag();
  }

  const FilmSource& film;
  const ClipSource& clip;
  const Recipe& recipe;
  const ClipJobOptions& options;
  const fs::path folder;
  json manifest;
  json timings = json::object();
  media::InputPolicy input;

  fs::path manifest_path() const { return folder / "manifest.json"; }
  Watchdog& watchdog() { return watchdog_; }

  // `step` as the named stage: the watchdog knows where the clip is, its errors name the stage, and
  // its time goes into the manifest. Stages may run side by side. A step run beside the decode pass
  // is not `watched`: the watchdog keeps watching the pass's progress, which waits for the step.
  template <typename Step>
  auto timed(std::string_view stage, Step&& step, bool watched = true) {
    const auto stage_started = Clock::now();
    const double cpu_started = media::process_cpu_seconds();
    if (watched) watchdog_.enter(std::string(stage));
    try {
      auto result = step();
      stop_if_tripped();
      const std::lock_guard lock(timings_mutex_);
      timings[std::string(stage)] = seconds_since(stage_started);
      // Where each stage sat in the clip's run, to see which of the stages after the pass is the longest
      // path, and the process's CPU meanwhile (under twice the wall time on two cores: one was idle).
      spdlog::debug("{}: {} ran from {:.3f} s to {:.3f} s, process CPU {:.2f} s meanwhile", clip.path.string(), stage,
                    std::chrono::duration<double>(stage_started - started_).count(), seconds_since(started_),
                    media::process_cpu_seconds() - cpu_started);
      return result;
    } catch (const StageFailure&) {
      throw;
    } catch (const media::MediaError&) {
      throw;
    } catch (const std::exception& e) {
      throw StageFailure(std::string(stage), fmt::format("{}: {}: {}", clip.path.string(), stage, e.what()));
    }
  }

  // A read the watchdog interrupted looks like the end of the file: ask it.
  void stop_if_tripped() {
    if (auto trip = watchdog_.tripped()) throw StageFailure(trip->stage, clip.path.string() + ": " + trip->cause);
  }

  std::optional<std::string> output_over_limit_now() const {
    return output_over_limit(folder, written_since_, recipe.limits);
  }

 private:
  const Clock::time_point started_ = Clock::now();
  fs::file_time_type written_since_;
  Watchdog watchdog_;
  std::mutex timings_mutex_;
};

// The consumers of the single decode pass that the recipe asks for, in delivery order. Shots are
// always detected: every other output is placed by them.
class PassSinks {
 public:
  PassSinks(ClipRun& run, const media::ProbeResult& probe)
      : detector_(run.recipe.scenes),
        keeper_(run.recipe.keeper),
        storyboard_(run.recipe.storyboard),
        sheet_tiles_(stills::interval_sampler_options(run.recipe.sheet, run.recipe.sheet_sampling)) {
    const Recipe::Outputs& want = run.recipe.outputs;
    sinks_.push_back(&detector_);
    if (keeps_stills(want)) {
      keeper_.follow(detector_);
      sinks_.push_back(&keeper_);
    }
    if (want.storyboard) sinks_.push_back(&storyboard_);
    // Interval tiles for a sheet of a clip with very few shots: known to be needed only after the pass.
    if (want.contact_sheet) sinks_.push_back(&sheet_tiles_);
    if (want.previews) {
      if (has_audio_to_measure(run, probe)) {
        previews_.emplace(run.folder, run.recipe.preview, measure_loudness_beside_pass(run));
        // A long film's audio read (and the limiter's trials) may outlast the stall limit; the time
        // budget still bounds it, as it bounded the read before the pass.
        previews_->while_waiting_for_loudness([&run] { run.watchdog().progress(); });
      } else {
        previews_.emplace(run.folder, run.recipe.preview);
      }
      sinks_.push_back(&*previews_);
    }
  }

  const std::vector<media::FrameSink*>& sinks() const { return sinks_; }

  // The previews' video encoder threads for `video` as delivered; 0 without previews.
  int encoder_threads(const media::VideoStreamInfo& video) const {
    return previews_ ? previews_->encoder_threads_for(video) : 0;
  }

  PassProducts products() {
    return {detector_.result(), &keeper_, &storyboard_, &sheet_tiles_, previews_ ? &*previews_ : nullptr};
  }

 private:
  static bool has_audio_to_measure(const ClipRun& run, const media::ProbeResult& probe) {
    return run.recipe.preview.audio.enabled && probe.main_audio() != nullptr;
  }

  // The audio-only loudness read (and the limiter's trial runs), on a thread of its own beside the
  // decode pass: before the pass it held the pass back for its whole length, on one core. It reads
  // with the clip's input policy, so the watchdog's cancel flag stops it like every other read.
  static std::future<preview::LoudnessReading> measure_loudness_beside_pass(ClipRun& run) {
    return std::async(std::launch::async, [&run] {
      return run.timed(
          "loudness", [&] { return preview::measure_loudness(run.clip.path, run.input, run.recipe.preview); }, false);
    });
  }

  scenes::SceneDetector detector_;
  stills::CandidateKeeper keeper_;
  stills::StoryboardSampler storyboard_;
  stills::StoryboardSampler sheet_tiles_;
  std::optional<preview::RenditionEncoder> previews_;
  std::vector<media::FrameSink*> sinks_;
};

// The clip's content, recipe and version; unset (and the outcome marked skipped) when its manifest
// already records the same key.
std::optional<InputKey> key_unless_up_to_date(ClipRun& run, ClipOutcome& outcome) {
  // A clip that did not probe fails at once: hashing it first could read gigabytes for nothing.
  if (!run.clip.probe) throw StageFailure("probe", run.clip.path.string() + ": probe: " + run.clip.error);
  run.watchdog().enter("input key");
  const InputKey key{content_hash(run.clip.path, run.watchdog().cancel_flag()),
                     text_hash(run.recipe.effective().dump()), version(), stills::face_method_in_use()};
  if (!run.options.force && recorded_key(run.manifest_path()) == key) {
    refresh_film_info(run.folder, run.film.info, run.recipe.sheet);  // film.toml may have changed since
    outcome.ok = outcome.skipped = true;
    return std::nullopt;
  }
  run.manifest["input_key"] = to_json(key);
  return key;
}

// The manifest's presence means "complete": the old one goes before anything else changes.
void clear_previous_run(const ClipRun& run) {
  fs::create_directories(run.folder);
  fs::remove(run.manifest_path());
  io::remove_temporary_files(run.folder);
}

// Before anything is decoded: no video, or a header's claim of a giant picture or a days-long clip,
// stops here.
const media::ProbeResult& checked_probe(ClipRun& run) {
  const media::ProbeResult& probe = *run.clip.probe;
  run.manifest["probe"] = media::to_json(probe);
  if (probe.main_video() == nullptr) throw StageFailure("probe", run.clip.path.string() + ": probe: no video stream");
  if (auto why = over_limit(probe, run.recipe.limits)) {
    throw StageFailure("limits", run.clip.path.string() + ": limits: " + *why);
  }
  return probe;
}

// libavcodec threads for the pass's decoder: the recipe's count, else from the clip's share of the
// cores (all of them outside a batch) and what the previews' encoders run beside it.
int decoder_threads(const ClipRun& run, const media::ProbeResult& probe, const PassSinks& sinks) {
  if (run.recipe.decoder.threads > 0) return run.recipe.decoder.threads;
  const int share = run.options.decoder_threads > 0 ? run.options.decoder_threads
                                                     : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return pass_decoder_threads(share, sinks.encoder_threads(media::as_delivered(*probe.main_video(), run.recipe.decoder)));
}

void decode_once(ClipRun& run, const media::ProbeResult& probe, const PassSinks& sinks) {
  media::DecodePassOptions pass = decode_pass_options(run.recipe, run.input, decoder_threads(run, probe, sinks));
  spdlog::debug("{}: decoding with {} libavcodec thread(s)", run.clip.path.string(), pass.decoder.threads);
  const double duration = probe.duration_seconds;
  // A delivered frame is the decode pass's progress: a pass that delivers none for stall_seconds is stuck.
  pass.on_progress = [&](const media::VideoFrame& f) {
    run.watchdog().progress();
    if (run.options.on_progress && duration > 0) run.options.on_progress(std::min(1.0, f.time.seconds() / duration));
  };
  const auto decode_started = Clock::now();
  run.watchdog().enter("decode", true);
  const media::DecodeSummary summary = media::run_decode_pass(probe, sinks.sinks(), pass);
  run.stop_if_tripped();
  run.timings["decode_pass"] = seconds_since(decode_started);
  run.manifest["decode"] = decode_json(summary);
  if (!summary.audio_error.empty()) run.manifest["warnings"].push_back(summary.audio_error);
  if (summary.corrupt_packets > 0) {
    run.manifest["warnings"].push_back(fmt::format("{} corrupt packets skipped while decoding", summary.corrupt_packets));
  }
}

// After the pass, every enabled output stage, as a graph: each starts once what it needs is there.
void make_outputs(ClipRun& run, const media::ProbeResult& probe, PassSinks& sinks) {
  ClipContext context{run.film, run.clip, run.recipe, probe, run.folder, run.input, sinks.products(), {}};
  const auto stages = all_stages();
  run.manifest["outputs"] = run_stage_graph(enabled_stages(stages, run.recipe.outputs), [&](const OutputStage& stage) {
    return run.timed(stage.name(), [&] { return stage.run(context); });
  });
}

// The ci recipe's strict checks: what would only be a warning elsewhere fails the clip. And the
// outputs' size, once more now that all are written.
void check_outputs(ClipRun& run) {
  json& manifest = run.manifest;
  // Previews whose audio no plan brought to the target (a few clicks whose peaks leave no room) are
  // still written; the clip's warnings say so, once per written audio.
  std::set<std::string> off_target;
  for (const json& preview : manifest["outputs"].value("previews", json::array())) {
    const json loudness = preview.value("loudness", json::object());
    if (loudness.value("on_target", true)) continue;
    const json after = loudness.value("after", json::object());
    if (!off_target.insert(after.value("measured_on", "")).second) continue;
    manifest["warnings"].push_back(fmt::format(
        "the previews' audio is off the loudness target: {:.1f} LUFS, true peak {:.1f} dBTP (target {} LUFS, ceiling "
        "{} dBTP)",
        after.value("integrated_lufs", -70.0), after.value("true_peak_dbtp", -120.0), loudness.value("target_lufs", 0.0),
        loudness.value("true_peak_ceiling_dbtp", 0.0)));
  }
  if (run.recipe.strict) {
    if (run.recipe.outputs.poster && manifest["outputs"].value("poster", json(nullptr)).is_null()) {
      manifest["warnings"].push_back("no poster could be chosen");
    }
    if (!manifest["warnings"].empty()) {
      throw StageFailure("checks", fmt::format("{}: checks: {}", run.clip.path.string(),
                                               manifest["warnings"][0].get<std::string>()));
    }
  }
  if (auto why = run.output_over_limit_now()) throw StageFailure("limits", run.clip.path.string() + ": " + *why);
}

// Writes the manifest last. A failed clip keeps only the manifest that says why: its other files are
// an incomplete set (and on a full disk removing them makes room for that manifest).
void write_manifest(ClipRun& run, ClipOutcome& outcome) {
  json& manifest = run.manifest;
  manifest["status"] = outcome.ok ? "ok" : "failed";
  manifest["error"] = outcome.ok ? json(nullptr) : json{{"stage", outcome.stage}, {"message", outcome.error}};
  manifest["timings"] = run.timings;
  std::error_code ignored;
  if (!outcome.ok) {
    fs::remove_all(run.folder, ignored);
    manifest["outputs"] = json::object();
  }
  try {
    io::write_json_atomic(outcome.manifest_path, manifest);
  } catch (const std::exception& e) {
    // Without a manifest the clip is not complete; the run report still says why.
    if (outcome.ok) {
      outcome.ok = false;
      outcome.stage = "manifest";
      outcome.error = e.what();
      fs::remove_all(run.folder, ignored);
    } else {
      outcome.error += fmt::format(" (and the manifest could not be written: {})", e.what());
    }
  }
}

void record_failure(ClipOutcome& outcome, std::string stage, std::string error) {
  outcome.ok = false;
  outcome.stage = std::move(stage);
  outcome.error = std::move(error);
}

}  // namespace

fs::path clip_folder(const fs::path& out, const std::string& film_slug, const std::string& clip_slug) {
  return out / film_slug / clip_slug;
}

ClipOutcome process_clip(const FilmSource& film, const ClipSource& clip, const Recipe& recipe,
                         const ClipJobOptions& options) {
  const auto started = Clock::now();
  ClipRun run(film, clip, recipe, options);
  ClipOutcome outcome;
  outcome.film_slug = film.slug;
  outcome.clip_slug = clip.slug;
  outcome.source = clip.path;
  outcome.manifest_path = run.manifest_path();
  try {
    if (!key_unless_up_to_date(run, outcome)) {
      outcome.seconds = seconds_since(started);
      return outcome;
    }
    clear_previous_run(run);
    const media::ProbeResult& probe = checked_probe(run);
    PassSinks sinks(run, probe);
    decode_once(run, probe, sinks);
    make_outputs(run, probe, sinks);
    check_outputs(run);
    outcome.ok = true;
  } catch (const StageFailure& e) {
    record_failure(outcome, e.stage, e.what());
  } catch (const media::MediaError& e) {
    record_failure(outcome, e.stage(), e.what());
  } catch (const std::exception& e) {
    record_failure(outcome, "pipeline", clip.path.string() + ": " + e.what());
  }
  run.watchdog().finish();
  // Once the watchdog stopped the clip, whatever failed after is a consequence ("cancelled", a cut-off read).
  if (auto trip = run.watchdog().tripped(); trip && !outcome.ok) {
    record_failure(outcome, trip->stage, clip.path.string() + ": " + trip->cause);
  }
  outcome.seconds = seconds_since(started);
  run.timings["total"] = outcome.seconds;
  write_manifest(run, outcome);
  return outcome;
}

}  // namespace pressreel::batch
