// Fades to and from black or white. A run of black (white) frames is a dip; the frames before it
// whose brightness moves steadily toward black are its fade-out, the frames after it moving steadily
// away are its fade-in. Fade out + short dip + fade in is one transition (a dip to black between two
// shots); a long dip is a shot of its own, so its fade-out and fade-in are reported separately.
// A picture that is nearly all black (white) already, a logo on white, fades by its last bright
// (dark) pixels giving way: its mean moves too little, and in coarse coding steps, so there the fade
// is followed by the share of pixels not yet at the dip's colour, and it is a fade only if the pixels
// left off that colour have moved toward it in place: a trace on black that flattens (an oscilloscope
// falling silent) raises the black share as much, but what remains of it stays as bright.
#include <algorithm>
#include <cmath>

#include "pressreel/scenes/boundary_detector.hpp"

namespace pressreel::scenes {
namespace {

// A fade's frames each move at least this share of its average pace so far.
constexpr double kMinPace = 0.4;
// The share of pixels off the dip's colour (0..1) is followed on pictures where at most this share is
// left; a step of the share is at least this much of the picture (below is the noise of a still shot:
// pixels flickering at the black or white level).
constexpr double kMostlyAtDip = 0.1;
constexpr double kMinShareStep = 0.001;
// A fade scales every pixel's distance from the dip's colour by the same falling factor: across the
// fade, the pixels still off that colour at its end keep at most this share of their distance.
constexpr double kFadedTo = 0.8;

class FadeDetector final : public BoundaryDetector {
 public:
  FadeDetector(const SceneOptions& options, double fps)
      : max_transition_(std::max<int64_t>(4, std::llround(options.max_transition_seconds * fps))),
        max_dip_(std::max<int64_t>(1, std::llround(options.max_dip_seconds * fps))) {}

  std::string_view name() const override { return "fade"; }
  int64_t latency_frames() const override { return 2 * max_transition_ + max_dip_ + 4; }

  std::vector<Boundary> process(const FrameHistory& history) override {
    std::vector<Boundary> found;
    const FrameRecord& now = history.newest();
    const int64_t t = now.index;
    const bool extreme = now.black() || now.white();

    if (state_ == State::fading_in) {
      if (extreme && now.white() == white_) {
        state_ = State::in_dip;  // the picture came back for a moment only: still the same dip
      } else if (t > fade_in_start_ && (!rising(history, t) || t - fade_in_start_ >= max_transition_)) {
        // Frame t no longer brightens: t-1 was the first at full strength (unless we ran out of time).
        finish_fade_in(rising(history, t) ? t : t - 1, found);
      }
      return found;
    }
    if (state_ == State::in_dip) {
      if (extreme && now.white() == white_) {
        if (fade_out_first_ >= 0 && !fade_out_reported_ && t - dip_start_ + 1 > max_dip_) {
          found.push_back(fade_out());
          fade_out_reported_ = true;
        }
      } else {
        state_ = State::fading_in;
        fade_in_start_ = t;
      }
      return found;
    }
    if (extreme) {
      state_ = State::in_dip;
      white_ = now.white();
      dip_start_ = t;
      fade_out_reported_ = false;
      const int64_t pure = last_pure_before(history, t);
      fade_out_first_ = t - (pure + 1) >= 2 ? pure + 1 : -1;
    }
    return found;
  }

  std::vector<Boundary> flush(const FrameHistory& history) override {
    std::vector<Boundary> found;
    if (history.empty()) return found;
    const int64_t t = history.newest_index();
    if (state_ == State::in_dip && fade_out_first_ >= 0 && !fade_out_reported_) found.push_back(fade_out());
    if (state_ == State::fading_in) finish_fade_in(t, found);
    if (state_ == State::open) {
      // A fade to black still under way when the clip ends.
      white_ = false;
      const int64_t pure = last_pure_before(history, t + 1);
      if (t - pure >= 3 && level(history, t) <= 0.5 * level(history, pure)) {
        found.push_back(Boundary{t, pure + 1, t, CutKind::fade, 0.8});
      }
    }
    state_ = State::open;
    return found;
  }

 private:
  enum class State { open, in_dip, fading_in };

  // Distance from the dip's colour: brightness for black dips, darkness for white ones.
  double level(const FrameHistory& history, int64_t i) const {
    const double luma = history.at(i).mean_luma;
    return white_ ? 255.0 - luma : luma;
  }
  // Steady fades move at least this much per frame; noise and still shots move less.
  static double step(double level) { return std::max(0.25, 0.008 * level); }

  // A change of `delta` continues a fade that has moved `so_far` over `frames` frames: it is a real
  // step, and not much slower than the fade's pace (a shot that keeps brightening after its fade-in,
  // as a pan into light does, is no longer fading).
  static bool continues(double delta, double from, double so_far, int64_t frames) {
    return delta >= step(from) && (frames < 2 || delta >= kMinPace * so_far / static_cast<double>(frames));
  }

  bool rising(const FrameHistory& history, int64_t i) const {
    if (!history.contains(i - 1)) return false;
    const int64_t frames = i - fade_in_start_;
    const double so_far = history.contains(fade_in_start_ - 1)
                              ? level(history, i - 1) - level(history, fade_in_start_ - 1) : 0.0;
    return continues(level(history, i) - level(history, i - 1), level(history, i - 1), so_far, frames);
  }

  // Share of the picture not at the dip's colour, 0..1.
  double off_dip(const FrameHistory& history, int64_t i) const {
    const FrameRecord& r = history.at(i);
    return 1.0 - (white_ ? r.white_ratio : r.black_ratio);
  }

  // Walks back from `dip` over frames that grow toward the dip's colour; returns the last frame
  // before them (the outgoing shot at full strength). Where the mean finds no fade and the picture was
  // mostly at the dip's colour already, its last pixels off that colour are followed instead.
  int64_t last_pure_before(const FrameHistory& history, int64_t dip) const {
    const int64_t lowest = std::max(history.oldest_index(), dip - max_transition_);
    int64_t k = dip - 1;
    while (k - 1 >= lowest && continues(level(history, k - 1) - level(history, k), level(history, k),
                                        level(history, k) - level(history, dip - 1), dip - 1 - k)) {
      --k;
    }
    if (dip - k >= 3 || !history.contains(dip - 1) || off_dip(history, dip - 1) > kMostlyAtDip) return k;
    int64_t s = dip - 1;
    while (s - 1 >= lowest) {
      const double delta = off_dip(history, s - 1) - off_dip(history, s);
      const double so_far = off_dip(history, s) - off_dip(history, dip - 1);
      if (delta < kMinShareStep || (dip - 1 - s >= 2 && delta < kMinPace * so_far / static_cast<double>(dip - 1 - s))) {
        break;
      }
      --s;
    }
    return s < k && dims_in_place(history, s, dip - 1) ? s : k;
  }

  // Whether the pixels off the dip's colour in frame `last` were further from it, in the same place,
  // in frame `first`: what remains of the picture faded, rather than shrank.
  bool dims_in_place(const FrameHistory& history, int64_t first, int64_t last) const {
    const cv::Mat& before = history.at(first).luma;
    const cv::Mat& after = history.at(last).luma;
    const cv::Mat left = white_ ? after < kWhiteLevel : after > kBlackLevel;
    const double luma_before = cv::mean(before, left)[0], luma_after = cv::mean(after, left)[0];
    const double from = white_ ? 255.0 - luma_before : luma_before;
    const double to = white_ ? 255.0 - luma_after : luma_after;
    return to <= kFadedTo * from;
  }

  Boundary fade_out() const { return Boundary{dip_start_, fade_out_first_, dip_start_ - 1, CutKind::fade, 0.9}; }

  void finish_fade_in(int64_t full, std::vector<Boundary>& found) {
    const bool faded_in = full - fade_in_start_ >= 2;
    if (fade_out_first_ >= 0 && !fade_out_reported_) {
      found.push_back(faded_in ? Boundary{full, fade_out_first_, full - 1, CutKind::fade, 0.95} : fade_out());
    } else if (faded_in) {
      found.push_back(Boundary{full, fade_in_start_, full - 1, CutKind::fade, 0.9});
    }
    state_ = State::open;
    fade_out_first_ = -1;
  }

  int64_t max_transition_, max_dip_;
  State state_ = State::open;
  bool white_ = false;
  int64_t dip_start_ = 0, fade_in_start_ = 0;
  int64_t fade_out_first_ = -1;
  bool fade_out_reported_ = false;
};

}  // namespace

std::unique_ptr<BoundaryDetector> make_fade_detector(const SceneOptions& options, double fps) {
  return std::make_unique<FadeDetector>(options, fps);
}

}  // namespace pressreel::scenes
