#pragma once
// The thumbnails of a few frames side by side, as they are or aligned: each moved to where its picture
// is in the frame it is compared with (picture_shift.hpp), all cut to the part of the frame they share.
// Between hand-held shots the ends of a dissolve are not where the pictures mixed in its middle are:
// the camera moved on. Shifts are found once per pair of frames and kept while both frames are; each
// frame's spectrum (picture_shift.hpp) is worked out once and kept while the frame is.

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>

#include <opencv2/core.hpp>

#include "pressreel/scenes/frame_history.hpp"
#include "scenes/picture_shift.hpp"

namespace pressreel::scenes {

// Frame `frame` and two frames `a` and `b` as they show in it.
struct EndsView {
  cv::Mat a, b, frame;
};

class AlignedViews {
 public:
  // Frames `a` and `b` as they show in frame `i`: as they are, or aligned. None when aligned pictures
  // share too little of the frame.
  std::optional<EndsView> ends_in(const FrameHistory& history, int64_t a, int64_t b, int64_t i, bool aligned);
  // Frame `from` as it shows in frame `to`, and frame `to`.
  std::optional<std::pair<cv::Mat, cv::Mat>> onto(const FrameHistory& history, int64_t from, int64_t to, bool aligned);
  // Both frames' lumas are there to align them by.
  static bool can_align(const FrameHistory& history, int64_t a, int64_t b);
  // Forgets the shifts and spectra of frames the history no longer keeps.
  void forget_before(int64_t oldest);

 private:
  cv::Point2d thumb_shift(const FrameHistory& history, int64_t from, int64_t to);
  const ShiftSpectrum& spectrum(const FrameHistory& history, int64_t i);

  // A pair of frames, earlier first, so that the pairs of frames gone are the first ones.
  struct Pair {
    int64_t earlier, later;
    bool forward;  // from the earlier frame to the later one
    auto operator<=>(const Pair&) const = default;
  };
  std::map<Pair, std::optional<cv::Point2d>> shifts_;  // analysis pixels
  std::map<int64_t, ShiftSpectrum> spectra_;
};

}  // namespace pressreel::scenes
