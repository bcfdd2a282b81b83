#pragma once
// The second pass of a limited loudness plan. The limiter, holding the peaks down, takes the
// loudness they carried, and the encoder puts some of the peak back (its quantisation noise rides on
// them); neither can be foreseen from the source's measurement. Trial runs of the very audio track
// the previews get (resampled, normalised, encoded and decoded again) measure both, and the gain and
// the limit are corrected until the encoded audio is on the target under the ceiling.

#include <filesystem>
#include <optional>
#include <span>
#include <vector>

#include "pressreel/media/input.hpp"
#include "pressreel/preview/audio_track.hpp"
#include "pressreel/preview/loudness.hpp"

namespace pressreel::preview {

// One trial: the plan's gain and limit, and what the encoded audio measured.
struct LoudnessTrial {
  double gain_db = 0.0;
  double limit_dbtp = 0.0;
  double lufs = -70.0;
  double peak_dbtp = -120.0;
};

// A trial this close to the target (and 0.1 dB under the ceiling) ends the search.
constexpr double trial_tolerance_lu = 0.5;
// The most trials one clip is given (two side by side, then one at a time).
constexpr int max_loudness_trials = 6;

// The gain and limit of the next trial, from those so far (starting from `first`'s), or nothing once
// one is on target, the trials are used up, or the next would repeat one. The limit comes down by
// the most any trial's encoded peak rose over its limit, when that put it over the ceiling. The gain
// goes from the trial nearest the target at that limit along a line: between the nearest trials on
// either side of the target when there are both, otherwise through the two nearest (loudness rises
// by at most 1 LU per dB of gain, and less the harder the limiter works).
std::optional<LoudnessPlan> next_loudness_trial(const std::vector<LoudnessTrial>& trials,
                                                const LoudnessTarget& target, const LoudnessPlan& first);

// The plan of the best trial: the one 0.1 dB under the ceiling nearest the target (of two within
// 0.1 LU of each other, the one with less gain); when none is under the ceiling, the one with the
// lowest peak. `first` as it is when there are no trials.
LoudnessPlan best_loudness_trial(const std::vector<LoudnessTrial>& trials, const LoudnessTarget& target,
                                 const LoudnessPlan& first);

// Runs the trials for a limited plan over the clip's main audio, encoded as each of `encodings` says
// (AAC, and Opus when there are WebM renditions; their plans are replaced): a trial's loudness is the
// one furthest from the target and its peak the highest. A plan of any other mode is returned as it
// is. The first two run side by side. A trial that cannot read the audio ends the search with what
// the others found.
LoudnessPlan calibrate_limited_plan(const std::filesystem::path& clip, const media::InputPolicy& policy,
                                    const LoudnessTarget& target, LoudnessPlan plan,
                                    std::vector<AudioTrackSettings> encodings);

// Whether audio as written is what a publisher accepts: within 1 LU of the target, its true peak at
// most the ceiling.
bool publishable(const Loudness& written, const LoudnessTarget& target);

// A linear plan is not tried before the pass: one gain is exact, but the codec is not. It takes
// loudness away with the highs it drops (bright noise at 128 kb/s AAC lost 1.7 LU) and can put peaks
// back over the ones it was given (2.1 dB on a real clip). When the audio written with `used`
// (`written`: each container's, read back) is not publishable, the plan that corrects it: the gain
// moved by the loudness missed (the mean over the containers), linear while the written peaks moved
// by as much stay the codec's headroom under the ceiling, limited otherwise (its gain and limit then
// found by trials, calibrate_limited_plan). A limited plan whose trial reached the target can still
// land a little off: its trials' audio starts at its own first sample, the previews' where the
// picture starts, so the codec's frames fall elsewhere. It is found again by trials from the gain
// moved by the miss, its limit lowered by any peak over the ceiling (and 0.2 dB). Nothing when all is
// publishable, for no plan, or for a limited plan whose trials never reached the target (clicks
// whose peaks leave the limiter no room would not now either).
std::optional<LoudnessPlan> corrected_plan(const LoudnessPlan& used, std::span<const Loudness> written,
                                           const LoudnessTarget& target);

}  // namespace pressreel::preview
