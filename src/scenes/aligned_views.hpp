#pragma once
// The thumbnails of a few frames side by side, as they are or aligned: each moved to where its picture
// is in the frame it is compared with (picture_shift.hpp), all cut to the part of the frame they share.
// Between hand-held shots the ends of a dissolve are not where the pictures mixed in its middle are:
// the camera moved on. Shifts are found once per pair of frames and kept while both frames are.

#include <cstdint>
#include <map>
#include <optional>
#include <utility>

#include <opencv2/core.hpp>

#include "pressreel/scenes/frame_history.hpp"

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
  // Forgets the shifts of frames the history no longer keeps.
  void forget_before(int64_t oldest);

 private:
  cv::Point2d thumb_shift(const FrameHistory& history, int64_t from, int64_t to);

  std::map<std::pair<int64_t, int64_t>, std::optional<cv::Point2d>> shifts_;  // analysis pixels
};

}  // namespace pressreel::scenes
