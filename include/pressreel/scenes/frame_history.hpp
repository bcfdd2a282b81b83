#pragma once
// The recent frames a boundary detector may look back on: a bounded ring, so memory stays the same
// whatever the clip length.

#include <cstdint>
#include <deque>
#include <stdexcept>

#include <opencv2/core.hpp>

#include "pressreel/media/time.hpp"
#include "pressreel/scenes/frame_features.hpp"

namespace pressreel::scenes {

// What is kept of one frame once its full features are gone.
struct FrameRecord {
  int64_t index = 0;
  media::RationalTime time, duration;
  FrameDifference diff;  // to the previous frame (all zero for the first)
  double mean_luma = 0, black_ratio = 0, white_ratio = 0;
  cv::Mat thumb;         // CV_32FC3 (see FrameFeatures::thumb)
  cv::Mat luma;          // CV_8U at analysis size: what stayed still before a frame is judged on it

  bool black() const;    // nearly every pixel at black level
  bool white() const;
};

class FrameHistory {
 public:
  explicit FrameHistory(size_t capacity = 64) : capacity_(capacity) {}
  void set_capacity(size_t capacity) { capacity_ = std::max<size_t>(capacity, 4); }

  void push(FrameRecord record) {
    frames_.push_back(std::move(record));
    while (frames_.size() > capacity_) frames_.pop_front();
  }
  bool empty() const { return frames_.empty(); }
  const FrameRecord& newest() const { return frames_.back(); }
  int64_t oldest_index() const { return frames_.empty() ? 0 : frames_.front().index; }
  int64_t newest_index() const { return frames_.empty() ? -1 : frames_.back().index; }
  bool contains(int64_t index) const { return !frames_.empty() && index >= oldest_index() && index <= newest_index(); }
  const FrameRecord& at(int64_t index) const {
    if (!contains(index)) throw std::out_of_range("frame history: frame not kept");
    return frames_[static_cast<size_t>(index - oldest_index())];
  }

 private:
  size_t capacity_;
  std::deque<FrameRecord> frames_;
};

}  // namespace pressreel::scenes
