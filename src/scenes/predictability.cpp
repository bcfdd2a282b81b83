#include "pressreel/scenes/predictability.hpp"

#include <algorithm>
#include <vector>

#include "scenes/repeated_pictures.hpp"

namespace pressreel::scenes {
namespace {

// The prediction error must reach this many times the usual error around the frame to be a cut.
// Busy motion that other signals mistake for a cut stays within 1.5 times its neighbours' error.
constexpr double kCutStandsOut = 2.0;
// Errors below this (0..255 at the common contrast) are coding noise and grain.
constexpr double kGrainResidual = 1.0;
// Frames that show new pictures looked at on each side (a held repeat's error is none, whatever the
// motion). Of their errors, the second smallest is the usual one: up to two of them may be cuts
// themselves (the edges of a one- or two-frame insert next to this one).
constexpr int64_t kSide = 2;
// The prediction sees luma only: when this much of the colour distribution changes (a cut between two
// framings of one layout in other colours), it cannot speak. A light flickering to a dark frame moves
// up to about 0.3 of it.
constexpr double kColourChange = 0.4;
// The picture stays when at least this share of it was still (with a camera's noise most of it is not:
// there is no fixed layout to speak of) and at least this share of its still structure and of its
// still areas is in place.
constexpr double kMostlyKept = 0.5;
// ... and the structure kept in place covers at least this share of the picture: more than a logo, a
// caption or the edges of letterbox bars, which stay across real cuts.
constexpr double kKeptStructure = 0.05;
// Or blocks of the picture's layout covering this share of it are in place whole, colours too: the
// desktop around a window that opened or closed. More than a row of blocks (a top bar as tall as a
// block, 1/9 of a 16:9 picture) and far more than a logo; the GNOME screencast's window over half the
// screen leaves 0.3 of it (striped wallpaper: not every block around it holds structure).
constexpr double kKeptRegions = 0.2;

}  // namespace

bool predictable(const FrameHistory& history, int64_t index) {
  if (!history.contains(index) || history.at(index).diff.colour >= kColourChange) return false;
  return motion_predicts(history, index);
}

bool motion_predicts(const FrameHistory& history, int64_t index) {
  if (!history.contains(index)) return false;
  const FrameDifference& d = history.at(index).diff;
  std::vector<double> around;
  const DistinctNeighbours n = distinct_neighbours(history, index, kSide);
  for (const auto* side : {&n.before, &n.after}) {
    for (const int64_t i : *side) around.push_back(history.at(i).diff.residual);
  }
  if (around.size() < 2) return false;
  std::nth_element(around.begin(), around.begin() + 1, around.end());
  return d.residual < kCutStandsOut * std::max(kGrainResidual, around[1]);
}

bool layout_stays(const FrameHistory& history, int64_t index) {
  if (!history.contains(index)) return false;
  const FrameDifference& d = history.at(index).diff;
  if (d.still < kMostlyKept || d.still_kept < kMostlyKept) return false;
  // The structure stays in place, wherever it is; the colours, judged over the whole picture, must
  // stay too (text kept over a background that changes hue at the same luma).
  const bool structure_stays =
      d.colour < kColourChange && d.layout_kept >= kMostlyKept && d.layout * d.layout_kept >= kKeptStructure;
  // The change is confined: around it, whole regions of the layout stay as they were, colours and all
  // (a window of new colours opening, or closing, over a desktop whose structure it half hides).
  const bool rest_stays_whole = d.kept_regions >= kKeptRegions;
  return structure_stays || rest_stays_whole;
}

}  // namespace pressreel::scenes
