#include "pressreel/stills/frame_scorer.hpp"

#include <opencv2/imgproc.hpp>

namespace pressreel::stills {

MeasuredFrame FrameScorer::measure(const AVFrame* picture, bool candidate) {
  const cv::Size size = media::analysis_size(media::display_size(picture), max_width_, false);
  Scalers& scalers = scalers_.local();
  MeasuredFrame m;
  if (!candidate) {
    m.motion_gray = motion_thumbnail(scalers.gray.to_gray(picture, size));
    return m;
  }
  m.image = scalers.bgr.to_bgr(picture, size);
  m.signals = measure_frame(m.image);
  cv::Mat gray;
  cv::cvtColor(m.image, gray, cv::COLOR_BGR2GRAY);
  m.bars = measure_bars(gray);  // the same gray it would convert to
  m.motion_gray = motion_thumbnail(gray);
  return m;
}

}  // namespace pressreel::stills
