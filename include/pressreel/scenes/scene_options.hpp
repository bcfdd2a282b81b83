#pragma once
// The few knobs of shot detection. Defaults are meant to work across footage (trailers, camera
// footage, animation); a recipe may override them, a clip should not need to.

namespace pressreel::scenes {

struct SceneOptions {
  // Width of the analysis frame every signal is computed on (px, aspect kept). Small keeps the
  // per-frame work far below the cost of decoding.
  int analysis_width = 192;

  // Hard cuts: a frame's difference to its predecessor must be this many times the mean difference
  // of its neighbours (`window` frames each side) ...
  double adaptive_ratio = 3.0;
  int window = 2;
  // ... and at least this large (combined score, 0..255 scale) so noise in still shots never cuts.
  double min_score = 9.0;

  // No shot shorter than this (a later boundary closer than this to the previous one is dropped),
  // except after a decisive hard cut (both thresholds far exceeded): trailers cut 6-frame shots.
  double min_shot_seconds = 0.4;

  // Fades and dissolves longer than this are reported as if they started this long before their end.
  // Trailers and featurettes dissolve over 2-3 s.
  double max_transition_seconds = 3.0;
  // Fade out, black (or white) for at most this long, fade in: one transition, not two.
  double max_dip_seconds = 2.0;

  // A change that returns to the same picture within this time (and at most a few frames) is a flash,
  // strobe or muzzle fire, not two cuts.
  double flash_seconds = 0.15;

  bool detect_fades = true;
  bool detect_dissolves = true;
  bool filter_flashes = true;
};

}  // namespace pressreel::scenes
