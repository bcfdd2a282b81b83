#include "pressreel/batch/clip_job.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <tbb/parallel_invoke.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <optional>
#include <vector>

#include "pressreel/batch/atomic_file.hpp"
#include "pressreel/batch/input_key.hpp"
#include "pressreel/batch/watchdog.hpp"
#include "pressreel/media/decode_pass.hpp"
#include "pressreel/preview/loudness.hpp"
#include "pressreel/preview/rendition_encoder.hpp"
#include "pressreel/preview/teaser.hpp"
#include "pressreel/scenes/scene_detector.hpp"
#include "pressreel/scenes/scene_writers.hpp"
#include "pressreel/stills/candidate_keeper.hpp"
#include "pressreel/stills/contact_sheet_tiles.hpp"
#include "pressreel/stills/poster.hpp"
#include "pressreel/stills/storyboard.hpp"
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

// Runs a callback between the earlier sinks' on_start and the first frame (wiring that needs what
// those sinks learnt from the stream).
class StartHook : public media::FrameSink {
 public:
  explicit StartHook(std::function<void()> hook) : hook_(std::move(hook)) {}
  std::string_view name() const override { return "wiring"; }
  void on_start(const media::ProbeResult&, const media::VideoStreamInfo&) override { hook_(); }
  void on_frame(const media::VideoFrame&, std::any&) override {}

 private:
  std::function<void()> hook_;
};

json write_scene_files(const fs::path& folder, const scenes::SceneList& list, const std::string& title) {
  write_file_atomic(folder / "scenes.json", scenes::scenes_json(list));
  write_file_atomic(folder / "scenes.csv", scenes::scenes_csv(list));
  write_file_atomic(folder / "scenes.edl", scenes::scenes_edl(list, title));
  json chapters = stills::write_chapters(folder, list);
  return {{"json", "scenes.json"},       {"csv", "scenes.csv"},
          {"edl", "scenes.edl"},         {"chapters", chapters.value("vtt", "chapters.vtt")},
          {"shots", list.shots.size()},  {"cuts", list.cuts.size()},
          {"summary", scenes::to_json(list)}};
}

// One tile per shot (its best still), or tiles at intervals when the clip has very few shots.
json write_clip_sheet(const fs::path& folder, const media::ProbeResult& probe, const std::string& film_title,
                      const std::string& clip_name, const scenes::SceneList& list,
                      const std::vector<stills::ShotStill>& shot_stills,
                      const std::vector<stills::OmittedShot>& omitted, const stills::StoryboardSampler& sampler,
                      const Recipe& recipe) {
  std::vector<stills::SheetTile> tiles;
  const auto mode = stills::choose_sheet_mode(list.shots.size(), recipe.sheet_sampling);
  if (mode == stills::SheetMode::per_shot && !shot_stills.empty()) {
    // Every shot gets its tile: its best still, or (a title card or black shot has none worth
    // publishing) the interval frame that falls inside it. Each is shrunk to the largest box the
    // sheet can give it as it is collected: a 10-minute clip's 350 analysis-size stills, held at
    // once, were the run's peak memory (+300 MB).
    const media::VideoStreamInfo video = media::as_delivered(*probe.main_video(), recipe.decoder);
    const double aspect = video.display_height > 0 ? static_cast<double>(video.display_width) / video.display_height : 16.0 / 9.0;
    const int tile_width = stills::layout_sheet(static_cast<int>(list.shots.size()), aspect, 0, recipe.sheet).tile_width;
    for (size_t i = 0; i < list.shots.size(); ++i) {
      const auto still = std::find_if(shot_stills.begin(), shot_stills.end(),
                                      [&](const auto& s) { return s.shot == static_cast<int>(i); });
      if (still != shot_stills.end()) {
        tiles.push_back(stills::shot_tile(still->image(), static_cast<int>(i) + 1, still->time, tile_width));
        continue;
      }
      const auto& shot = list.shots[i];
      const size_t before = tiles.size();
      for (const auto& tile : sampler.tiles()) {
        if (tile.time >= shot.start_time && tile.time < shot.end_time) {
          tiles.push_back(stills::shot_tile(tile.image, static_cast<int>(i) + 1, tile.time, tile_width));
          break;
        }
      }
      if (tiles.size() == before) tiles.push_back(stills::omitted_shot_tile(static_cast<int>(i), shot, omitted));
    }
  } else {
    tiles = stills::interval_tiles(sampler, list);
  }
  const auto header = stills::clip_sheet_header(probe, film_title, clip_name, list.shots.size());
  return stills::write_contact_sheet(folder, header, tiles, recipe.sheet);
}

// The clip's shots ordered by the score of their best still, best first (the teaser's choice).
std::vector<scenes::Shot> shots_best_first(const scenes::SceneList& list,
                                           const std::vector<stills::ShotStill>& shot_stills) {
  std::vector<const stills::ShotStill*> ranked;
  for (const auto& still : shot_stills) {
    if (still.shot >= 0 && static_cast<size_t>(still.shot) < list.shots.size()) ranked.push_back(&still);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto* a, const auto* b) { return a->score() > b->score(); });
  std::vector<scenes::Shot> shots;
  for (const auto* still : ranked) shots.push_back(list.shots[still->shot]);
  if (shots.empty()) shots = list.shots;
  return shots;
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

  // Every read of the clip polls the watchdog's flag, raised when the clip stalls, runs past its time
  // budget or writes more than it may. File times are coarse: a second's margin counts every new file.
  const Limits& limits = recipe.limits;
  const auto written_since = fs::file_time_type::clock::now() - std::chrono::seconds(1);
  Watchdog watchdog({limits.stall_seconds,
                     time_budget_seconds(limits, clip.probe ? clip.probe->duration_seconds : 0.0),
                     [&] { return output_over_limit(folder, written_since, limits); }, options.cancel});
  const auto stop_if_tripped = [&] {
    if (auto trip = watchdog.tripped()) throw StageFailure(trip->stage, clip.path.string() + ": " + trip->cause);
  };
  media::InputPolicy input;
  input.allow_demuxers = recipe.allow_demuxers;
  input.cancel = watchdog.cancel_flag();

  try {
    // A clip that did not probe fails at once: hashing it first could read gigabytes for nothing.
    if (!clip.probe) throw StageFailure("probe", clip.path.string() + ": probe: " + clip.error);
    watchdog.enter("input key");
    const InputKey key{content_hash(clip.path, watchdog.cancel_flag()), text_hash(recipe.effective().dump()), version()};
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

    const media::ProbeResult& probe = *clip.probe;
    manifest["probe"] = media::to_json(probe);
    if (probe.main_video() == nullptr) throw StageFailure("probe", clip.path.string() + ": probe: no video stream");
    // Before anything is decoded: a header's claim of a giant picture or a days-long clip stops here.
    if (auto why = over_limit(probe, limits)) throw StageFailure("limits", clip.path.string() + ": limits: " + *why);

    // The consumers of the single decode pass, in delivery order. Shots are always detected: every
    // other output is placed by them.
    const Recipe::Outputs& want = recipe.outputs;
    scenes::SceneDetector detector(recipe.scenes);
    stills::CandidateKeeper keeper(recipe.keeper);
    StartHook wire_latency([&] { keeper.set_latency_frames(detector.max_latency_frames()); });
    detector.set_cut_listener([&](const scenes::Cut& cut) { keeper.on_cut(cut); });
    stills::StoryboardSampler storyboard(recipe.storyboard);
    // Interval tiles for a sheet of a clip with very few shots: known to be needed only after the pass.
    stills::StoryboardSampler sheet_sampler(stills::interval_sampler_options(recipe.sheet, recipe.sheet_sampling));
    std::optional<preview::RenditionEncoder> previews;
    std::vector<media::FrameSink*> sinks = {&detector, &wire_latency};
    const bool want_stills = want.stills || want.poster || want.contact_sheet || want.teaser;
    if (want_stills) sinks.push_back(&keeper);
    if (want.storyboard) sinks.push_back(&storyboard);
    if (want.contact_sheet) sinks.push_back(&sheet_sampler);
    if (want.previews) {
      // The audio-only loudness read, here rather than inside the preview sink, so that the watchdog
      // can stop it like every other read of the clip.
      std::optional<preview::LoudnessReading> loudness;
      if (recipe.preview.audio.enabled && probe.main_audio() != nullptr) {
        watchdog.enter("loudness");
        const auto loudness_started = Clock::now();
        loudness = preview::measure_loudness(clip.path, input);
        stop_if_tripped();
        timings["loudness"] = seconds_since(loudness_started);
      }
      previews.emplace(folder, recipe.preview, loudness);
      sinks.push_back(&*previews);
    }

    media::DecodePassOptions pass;
    pass.decoder = recipe.decoder;
    if (options.decoder_threads > 0 && recipe.decoder.threads == 0) pass.decoder.threads = options.decoder_threads;
    pass.input = input;
    pass.max_frames_in_flight = static_cast<size_t>(recipe.frames_in_flight);
    const double duration = probe.duration_seconds;
    // A delivered frame is the decode pass's progress: a pass that delivers none for stall_seconds is stuck.
    pass.on_progress = [&](const media::VideoFrame& f) {
      watchdog.progress();
      if (options.on_progress && duration > 0) options.on_progress(std::min(1.0, f.time.seconds() / duration));
    };
    const auto decode_started = Clock::now();
    watchdog.enter("decode", true);
    const media::DecodeSummary summary = media::run_decode_pass(probe, sinks, pass);
    stop_if_tripped();  // a read the watchdog interrupted looks like the end of the file
    timings["decode_pass"] = seconds_since(decode_started);
    manifest["decode"] = decode_json(summary);
    if (!summary.audio_error.empty()) manifest["warnings"].push_back(summary.audio_error);
    if (summary.corrupt_packets > 0) {
      manifest["warnings"].push_back(fmt::format("{} corrupt packets skipped while decoding", summary.corrupt_packets));
    }

    // After the pass, each output from what the consumers kept.
    json& outputs = manifest["outputs"];
    // One output stage: its errors name it and its time goes into the manifest. Two run at once below
    // (the watchdog then names the one entered last, should the clip's time budget run out).
    std::mutex timings_mutex;
    auto timed = [&](const char* stage, auto&& step) {
      const auto stage_started = Clock::now();
      watchdog.enter(stage);
      try {
        step();
        stop_if_tripped();
      } catch (const StageFailure&) {
        throw;
      } catch (const media::MediaError&) {
        throw;
      } catch (const std::exception& e) {
        throw StageFailure(stage, fmt::format("{}: {}: {}", clip.path.string(), stage, e.what()));
      }
      const std::lock_guard lock(timings_mutex);
      timings[stage] = seconds_since(stage_started);
    };
    const scenes::SceneList scene_list = detector.result();
    if (want.scenes) timed("scenes", [&] { outputs["scenes"] = write_scene_files(folder, scene_list, clip.name); });
    std::vector<stills::ShotStill> shot_stills;
    // The teaser (a short re-read and two encodes) runs beside the image outputs: they share only the
    // shots and the stills' scores, and side by side they keep both cores busy after the pass.
    json teaser;
    const auto teaser_branch = [&] {
      if (!want.teaser) return;
      timed("teaser", [&] {
        const auto pieces = preview::choose_teaser_pieces(shots_best_first(scene_list, shot_stills), recipe.teaser);
        teaser = pieces.empty() ? json(nullptr) : preview::make_teaser(probe, pieces, folder, recipe.teaser, input, recipe.decoder);
      });
    };
    json stills_json, storyboard_json, sheet_json;
    const auto image_branch = [&] {
      if (want_stills) {
        timed("stills", [&] {
          stills::StillsOutput still_output = recipe.stills;
          still_output.shot_stills = want.stills;
          still_output.poster = want.poster;
          still_output.reread = stills::grab_full_frames(probe, recipe.decoder, input);
          stills_json = stills::write_clip_stills(shot_stills, folder, still_output);
          if (want.stills) stills_json["stills"]["omitted"] = stills::to_json(keeper.omitted());
          // A folder from an earlier run with another recipe would otherwise outlive its manifest entry.
          if (!want.stills) fs::remove_all(folder / "stills");
          if (!want.poster) fs::remove_all(folder / "poster");
        });
      }
      if (want.storyboard) timed("storyboard", [&] { storyboard_json = stills::write_storyboard(folder, storyboard); });
      if (want.contact_sheet) {
        timed("contact_sheet", [&] {
          sheet_json = write_clip_sheet(folder, probe, film.info.title, clip.name, scene_list, shot_stills,
                                        keeper.omitted(), sheet_sampler, recipe);
        });
      }
    };
    // Reading the renditions back (their loudness after: a whole decode of the audio, on one core)
    // runs beside the stills: the wait for the last shots' faces and the outputs made from them.
    json previews_json;
    tbb::parallel_invoke(
        [&] {
          if (previews) timed("preview_read_back", [&] { previews_json = previews->report(); });
        },
        [&] {
          if (want_stills) timed("shot_stills", [&] { shot_stills = keeper.finish(scene_list); });
          tbb::parallel_invoke(teaser_branch, image_branch);
        });
    if (previews) outputs["previews"] = std::move(previews_json);
    if (want.stills) outputs["stills"] = stills_json["stills"];
    if (want.poster) outputs["poster"] = stills_json["poster"];
    if (want.storyboard) outputs["storyboard"] = std::move(storyboard_json);
    if (want.contact_sheet) outputs["contact_sheet"] = std::move(sheet_json);
    if (want.teaser) outputs["teaser"] = std::move(teaser);

    // The ci recipe's strict checks: what would only be a warning elsewhere fails the clip.
    if (recipe.strict) {
      if (want.poster && outputs.value("poster", json(nullptr)).is_null()) manifest["warnings"].push_back("no poster could be chosen");
      if (!manifest["warnings"].empty()) {
        throw StageFailure("checks", fmt::format("{}: checks: {}", clip.path.string(),
                                                 manifest["warnings"][0].get<std::string>()));
      }
    }

    if (auto why = output_over_limit(folder, written_since, limits)) {
      throw StageFailure("limits", clip.path.string() + ": " + *why);
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
  watchdog.finish();
  // Once the watchdog stopped the clip, whatever failed after is a consequence ("cancelled", a cut-off read).
  if (auto trip = watchdog.tripped(); trip && !outcome.ok) {
    outcome.stage = trip->stage;
    outcome.error = clip.path.string() + ": " + trip->cause;
  }

  outcome.seconds = seconds_since(started);
  timings["total"] = outcome.seconds;
  manifest["status"] = outcome.ok ? "ok" : "failed";
  manifest["error"] = outcome.ok ? json(nullptr) : json{{"stage", outcome.stage}, {"message", outcome.error}};
  manifest["timings"] = timings;
  // A failed clip keeps only the manifest that says why: its other files are an incomplete set (and
  // on a full disk removing them makes room for that manifest).
  std::error_code ignored;
  if (!outcome.ok) {
    fs::remove_all(folder, ignored);
    manifest["outputs"] = json::object();
  }
  try {
    write_json_atomic(outcome.manifest_path, manifest);
  } catch (const std::exception& e) {
    // Without a manifest the clip is not complete; the run report still says why.
    if (outcome.ok) {
      outcome.ok = false;
      outcome.stage = "manifest";
      outcome.error = e.what();
      fs::remove_all(folder, ignored);
    } else {
      outcome.error += fmt::format(" (and the manifest could not be written: {})", e.what());
    }
  }
  return outcome;
}

}  // namespace pressreel::batch
