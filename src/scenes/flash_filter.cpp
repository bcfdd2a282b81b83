#include "pressreel/scenes/flash_filter.hpp"

#include <algorithm>

#include <opencv2/imgproc.hpp>

namespace pressreel::scenes {
namespace {

// The flash must brighten the picture by at least this much (mean luma, 0..255) ...
constexpr double kMinBrightening = 4.0;
// ... and the picture after it must be this much closer to the one before than the flash was ...
constexpr double kReturnRatio = 0.5;
// ... and, with exposure allowed for, the same picture: mean |difference| of the two thumbnails, each
// brought to zero mean and unit contrast per channel, at most this. A cut into a flickering or brighter
// shot also comes back darker after a bright first frame, but to another picture.
constexpr double kSamePicture = 0.8;

// Below this luma contrast (standard deviation of the thumbnail, 0..255) a frame is a blank, not a
// picture (as motion_prediction's flat pictures).
constexpr double kMinPictureContrast = 4.0;

// Of the change into an insert, at least this share must lead away from the picture after it.
constexpr double kOffTheWay = 0.5;

bool has_structure(const cv::Mat& thumb) {
  cv::Mat grey;
  cv::cvtColor(thumb, grey, cv::COLOR_BGR2GRAY);
  cv::Scalar mean, stddev;
  cv::meanStdDev(grey, mean, stddev);
  return stddev[0] >= kMinPictureContrast;
}

}  // namespace

bool is_insert(const FrameHistory& history, int64_t first, int64_t last) {
  if (first < 1 || last < first || !history.contains(first) || !history.contains(last)) return false;
  for (int64_t i = first; i <= last; ++i) {
    if (!has_structure(history.at(i).thumb)) return false;
  }
  return true;
}

bool stands_apart(const FrameHistory& history, int64_t first, int64_t last) {
  if (!history.contains(first - 1) || !history.contains(last + 1) || !is_insert(history, first, last)) return false;
  const cv::Mat& before = history.at(first - 1).thumb;
  const cv::Mat off = history.at(first).thumb - before;
  const cv::Mat way = history.at(last + 1).thumb - before;
  const double way_sq = way.dot(way), off_sq = off.dot(off);
  if (off_sq < 1e-9) return false;
  const cv::Mat rest = way_sq > 1e-9 ? cv::Mat(off - (off.dot(way) / way_sq) * way) : off;
  return rest.dot(rest) >= kOffTheWay * kOffTheWay * off_sq;
}

bool FlashFilter::flash_between(const FrameHistory& history, int64_t first, int64_t last) const {
  if (first < 1 || !history.contains(first - 1) || !history.contains(last + 1)) return false;
  const FrameRecord& before = history.at(first - 1);
  const FrameRecord& after = history.at(last + 1);
  double brightest = 0, farthest = 0;
  for (int64_t i = first; i <= last; ++i) {
    const FrameRecord& flash = history.at(i);
    brightest = std::max(brightest, flash.mean_luma);
    farthest = std::max(farthest, thumb_distance(before.thumb, flash.thumb));
  }
  if (brightest < std::max(before.mean_luma, after.mean_luma) + kMinBrightening) return false;
  return thumb_distance(before.thumb, after.thumb) <= kReturnRatio * farthest &&
         thumb_shape_distance(before.thumb, after.thumb) <= kSamePicture;
}

bool FlashFilter::is_flash(const Boundary& boundary, const FrameHistory& history) const {
  // A transition spans its frames already; a hard cut may be the first frame of the flash or the
  // first frame after it.
  const int64_t lo = std::min(boundary.first_frame, boundary.frame);
  const int64_t hi = std::max(boundary.last_frame, boundary.frame);
  if (hi - lo + 1 > max_frames_ + 1) return false;
  for (int64_t first = hi - max_frames_; first <= lo; ++first) {
    for (int64_t last = std::max(first, hi - 1); last <= first + max_frames_ - 1; ++last) {
      if (first <= lo && last + 1 >= hi && flash_between(history, first, last)) return true;
    }
  }
  return false;
}

}  // namespace pressreel::scenes
