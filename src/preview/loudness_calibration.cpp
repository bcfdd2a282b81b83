#include "pressreel/preview/loudness_calibration.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <memory>
#include <string>

#include <spdlog/spdlog.h>
#include <tbb/parallel_invoke.h>

extern "C" {
#include <libavcodec/avcodec.h>
}

#include "media/audio_decoder.hpp"
#include "pressreel/media/error.hpp"
#include "pressreel/preview/loudness_normalizer.hpp"

namespace pressreel::preview {
namespace {

const char* trial_stage = "loudness trial";

// The second trial's gain over the first: far enough apart for a slope, near enough to be on one.
constexpr double probe_gain_db = 3.0;
// Loudness rises with gain by 1 LU per dB without limiting and more slowly the harder the limiter
// works; a flatter line than this is followed as if it were this steep (a few clicks in silence
// rose 0.27 LU per dB).
constexpr double least_slope = 0.1;
// Gain past the linear one the search may go to: a single 43 ms beep in 2.5 s of silence reached
// -16 LUFS at 37 dB; a clip needing more is left short and says so (on_target false).
constexpr double max_extra_gain_db = 40.0;
// Where a trial's encoded peak went over the ceiling, the limit comes down by that rise and this.
constexpr double peak_margin_db = 0.2;
// A trial is under the ceiling with this much to spare.
constexpr double trial_peak_spare_db = 0.1;
// The limit never goes further under the ceiling than this.
constexpr double max_limit_drop_db = 6.0;
// Trials this close to each other in their distance from the target are as near as each other.
constexpr double as_near_lu = 0.1;
// Trials closer than this in gain, at the same limit, are the same trial.
constexpr double same_gain_db = 0.05;

double distance(const LoudnessTrial& t, const LoudnessTarget& target) {
  return std::abs(t.lufs - target.integrated_lufs);
}

// Under the ceiling with a little to spare: the previews' audio starts where the video does, so its
// codec frames can fall a few samples off the trial's, and the peaks the codec adds move a little.
bool under_ceiling(const LoudnessTrial& t, const LoudnessTarget& target) {
  return t.peak_dbtp <= target.true_peak_dbtp - trial_peak_spare_db;
}

bool on_target(const LoudnessTrial& t, const LoudnessTarget& target) {
  return distance(t, target) <= trial_tolerance_lu && under_ceiling(t, target);
}

// Nearer the target than `than`; of two about as near, the one with less gain (less limiting).
bool nearer(const LoudnessTrial& t, const LoudnessTrial& than, const LoudnessTarget& target) {
  const double d = distance(t, target) - distance(than, target);
  return d < -as_near_lu || (d <= as_near_lu && t.gain_db < than.gain_db);
}

// One encoding of a trial: the audio track, a decoder of its packets and a meter of what they decode to.
class TrialEncoding {
 public:
  TrialEncoding(const AudioTrackSettings& settings, const std::string& clip)
      : clip_(clip), track_(settings, clip, [this](AVPacket& p) { decode(&p); }) {
    std::unique_ptr<AVCodecParameters, void (*)(AVCodecParameters*)> parameters(
        avcodec_parameters_alloc(), [](AVCodecParameters* p) { avcodec_parameters_free(&p); });
    if (!parameters) throw std::bad_alloc();
    const AVCodecContext& encoder = *track_.encoder().context();
    media::check_av(avcodec_parameters_from_context(parameters.get(), &encoder), clip_, trial_stage);
    decoder_.emplace(*parameters, encoder.time_base, clip_);
  }

  AudioTrack& track() { return track_; }
  // Ends the track at `end`, drains the decoder and the meter; the measurement, if any audio came out.
  std::optional<Loudness> finish(media::RationalTime end) {
    track_.finish(end);
    decode(nullptr);
    if (!meter_) return std::nullopt;
    meter_->add(nullptr);
    if (meter_->samples() == 0) return std::nullopt;
    return meter_->result();
  }

 private:
  // Decodes `packet` (nullptr drains) and meters what comes out.
  void decode(const AVPacket* packet) {
    decoder_->decode(packet, decoded_);
    for (; !decoded_.empty(); decoded_.pop_front()) {
      const AVFrame& f = *decoded_.front().samples;
      if (!meter_) meter_.emplace(f, clip_);
      meter_->add(&f);
    }
  }

  std::string clip_;
  std::optional<media::AudioDecoder> decoder_;  // made once the track's encoder is open
  std::deque<media::AudioFrame> decoded_;
  std::optional<LoudnessMeter> meter_;
  AudioTrack track_;
};

// The clip's main audio through every audio track in `encodings` (which share one plan), encoded and
// decoded again, and measured: the highest encoded peak, and the loudness furthest from the target.
// Nothing when the audio cannot be read to its end or comes out silent.
std::optional<LoudnessTrial> run_trial(const std::filesystem::path& clip, const media::InputPolicy& policy,
                                       const std::vector<AudioTrackSettings>& encodings, const LoudnessTarget& target) {
  const std::string name = clip.string();
  std::vector<std::unique_ptr<TrialEncoding>> tracks;
  for (const AudioTrackSettings& settings : encodings) tracks.push_back(std::make_unique<TrialEncoding>(settings, name));
  std::string error;
  int64_t samples = 0;  // read so far, at the source's rate: the audio's own clock from its start
  int rate = 0;
  std::vector<std::optional<Loudness>> results;
  try {
    read_main_audio(
        clip, policy,
        [&](const AVFrame& frame) {
          rate = frame.sample_rate;
          const media::AudioFrame audio{media::RationalTime(samples, AVRational{1, rate}),
                                        media::share_frame(media::ref_frame(&frame))};
          samples += frame.nb_samples;
          for (auto& t : tracks) {
            t->track().add(audio);
            t->track().encode_until(media::RationalTime(samples, AVRational{1, rate}));
          }
        },
        error);
    if (rate > 0) {
      for (auto& t : tracks) results.push_back(t->finish(media::RationalTime(samples, AVRational{1, rate})));
    }
  } catch (const media::MediaError& e) {
    error = e.what();
  }
  if (!error.empty()) spdlog::debug("{}: loudness trial: {}", name, error);
  if (!error.empty() || results.empty()) return std::nullopt;
  const LoudnessPlan& plan = encodings.front().plan;
  LoudnessTrial trial{plan.gain_db, plan.limit_dbtp, target.integrated_lufs, -120.0};
  for (const std::optional<Loudness>& result : results) {
    if (!result || result->integrated_lufs <= -70.0) return std::nullopt;
    if (std::abs(result->integrated_lufs - target.integrated_lufs) >= std::abs(trial.lufs - target.integrated_lufs)) {
      trial.lufs = result->integrated_lufs;
    }
    trial.peak_dbtp = std::max(trial.peak_dbtp, result->true_peak_dbtp);
  }
  return trial;
}

}  // namespace

std::optional<LoudnessPlan> next_loudness_trial(const std::vector<LoudnessTrial>& trials,
                                                const LoudnessTarget& target, const LoudnessPlan& first) {
  if (trials.empty()) return first;
  if (static_cast<int>(trials.size()) >= max_loudness_trials) return std::nullopt;
  for (const LoudnessTrial& t : trials) {
    if (on_target(t, target)) return std::nullopt;
  }
  LoudnessPlan next = first;
  // The limit: low enough for the largest rise any trial's encoded peak made over its limit.
  double rise = 0.0;
  for (const LoudnessTrial& t : trials) rise = std::max(rise, t.peak_dbtp - t.limit_dbtp);
  next.limit_dbtp = std::clamp(target.true_peak_dbtp - peak_margin_db - rise,
                               target.true_peak_dbtp - max_limit_drop_db, first.limit_dbtp);
  // The gain. A limiter scales: at limit L and gain g the audio is that at limit 0 and gain g - L,
  // moved by L. So every trial, whatever its limit, is a point on one curve: loudness over the limit
  // against drive, the gain over the limit. The drive wanted comes from the point nearest the
  // loudness wanted, along the line between the nearest points on either side of it when there are
  // both, otherwise through the two nearest.
  struct Point {
    double drive, level;
  };
  const double wanted = target.integrated_lufs - next.limit_dbtp;
  std::vector<Point> points;
  for (const LoudnessTrial& t : trials) points.push_back({t.gain_db - t.limit_dbtp, t.lufs - t.limit_dbtp});
  std::stable_sort(points.begin(), points.end(), [&](const Point& p, const Point& q) {
    return std::abs(p.level - wanted) < std::abs(q.level - wanted);
  });
  const Point& a = points.front();
  const Point *below = nullptr, *above = nullptr;
  for (const Point& p : points) {
    const Point*& side = p.level < wanted ? below : above;
    if (side == nullptr) side = &p;
  }
  std::optional<double> slope;
  if (below != nullptr && above != nullptr && std::abs(above->drive - below->drive) > same_gain_db) {
    slope = (above->level - below->level) / (above->drive - below->drive);
  }
  for (const Point& p : points) {
    if (!slope && std::abs(p.drive - a.drive) > same_gain_db) slope = (p.level - a.level) / (p.drive - a.drive);
  }
  const double drive = a.drive + (wanted - a.level) / std::clamp(slope.value_or(1.0), least_slope, 1.0);
  next.gain_db = std::clamp(drive + next.limit_dbtp, first.gain_db - max_extra_gain_db, first.gain_db + max_extra_gain_db);
  for (const LoudnessTrial& t : trials) {
    if (std::abs(t.gain_db - next.gain_db) <= same_gain_db && std::abs(t.limit_dbtp - next.limit_dbtp) <= same_gain_db) {
      return std::nullopt;  // no way forward: the line leads back to a trial already run
    }
  }
  return next;
}

LoudnessPlan best_loudness_trial(const std::vector<LoudnessTrial>& trials, const LoudnessTarget& target,
                                 const LoudnessPlan& first) {
  const LoudnessTrial* best = nullptr;
  for (const LoudnessTrial& t : trials) {
    const bool under = under_ceiling(t, target);
    if (best == nullptr) {
      best = &t;
      continue;
    }
    const bool best_under = under_ceiling(*best, target);
    if (under != best_under) {
      if (under) best = &t;
    } else if (under ? nearer(t, *best, target) : t.peak_dbtp < best->peak_dbtp) {
      best = &t;
    }
  }
  LoudnessPlan plan = first;
  plan.trials = static_cast<int>(trials.size());
  if (best != nullptr) {
    plan.gain_db = best->gain_db;
    plan.limit_dbtp = best->limit_dbtp;
    plan.trial_reached = publishable(Loudness{best->lufs, best->peak_dbtp}, target);
  }
  return plan;
}

LoudnessPlan calibrate_limited_plan(const std::filesystem::path& clip, const media::InputPolicy& policy,
                                    const LoudnessTarget& target, LoudnessPlan plan,
                                    std::vector<AudioTrackSettings> encodings) {
  if (plan.mode != LoudnessMode::limited) return plan;
  const auto trial = [&](const LoudnessPlan& tried) {
    std::vector<AudioTrackSettings> settings = encodings;
    for (AudioTrackSettings& e : settings) e.plan = tried;
    std::optional<LoudnessTrial> t = run_trial(clip, policy, settings, target);
    if (t) {
      spdlog::debug("{}: loudness trial: gain {:+.2f} dB, limit {:.2f} dBTP: {:.2f} LUFS, {:.2f} dBTP encoded",
                    clip.string(), t->gain_db, t->limit_dbtp, t->lufs, t->peak_dbtp);
    }
    return t;
  };
  // The first two side by side (each a read of the audio on one core): the plan's gain, and more.
  LoudnessPlan probe = plan;
  probe.gain_db += probe_gain_db;
  std::optional<LoudnessTrial> at_plan, at_probe;
  tbb::parallel_invoke([&] { at_plan = trial(plan); }, [&] { at_probe = trial(probe); });
  std::vector<LoudnessTrial> trials;
  for (const auto& t : {at_plan, at_probe}) {
    if (t) trials.push_back(*t);
  }
  if (trials.size() == 2) {
    while (const std::optional<LoudnessPlan> next = next_loudness_trial(trials, target, plan)) {
      const std::optional<LoudnessTrial> t = trial(*next);
      if (!t) break;
      trials.push_back(*t);
    }
  }
  return best_loudness_trial(trials, target, plan);
}

bool publishable(const Loudness& written, const LoudnessTarget& target) {
  return std::abs(written.integrated_lufs - target.integrated_lufs) <= 1.0 &&
         written.true_peak_dbtp <= target.true_peak_dbtp;
}

std::optional<LoudnessPlan> corrected_plan(const LoudnessPlan& used, std::span<const Loudness> written,
                                           const LoudnessTarget& target) {
  if (used.mode == LoudnessMode::none || written.empty()) return std::nullopt;
  if (used.mode == LoudnessMode::limited && !used.trial_reached) return std::nullopt;
  if (std::all_of(written.begin(), written.end(), [&](const Loudness& w) { return publishable(w, target); })) {
    return std::nullopt;
  }
  double missed = 0.0, peak = -120.0;
  for (const Loudness& w : written) {
    missed += target.integrated_lufs - w.integrated_lufs;
    peak = std::max(peak, w.true_peak_dbtp);
  }
  missed /= static_cast<double>(written.size());
  LoudnessPlan plan = used;
  plan.gain_db += missed;
  if (used.mode == LoudnessMode::limited) {
    // Found again by trials from the miss, the limit lowered by any peak over the ceiling.
    if (peak > target.true_peak_dbtp) plan.limit_dbtp -= peak - target.true_peak_dbtp + peak_margin_db;
    plan.trials = 0;
    plan.trial_reached = false;
    return plan;
  }
  // One gain moves the written loudness and the peaks about alike, but the codec's noise on the peaks
  // moves with it (bright noise: 1.7 dB more gain, 2.8 dB more peak): linear only with the headroom
  // the first plan left the codec.
  if (peak + missed > target.true_peak_dbtp - codec_peak_headroom_db) {
    plan.mode = LoudnessMode::limited;
    plan.limit_dbtp = target.true_peak_dbtp - codec_peak_headroom_db;
  }
  return plan;
}

}  // namespace pressreel::preview
