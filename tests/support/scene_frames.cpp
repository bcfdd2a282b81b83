#include "scene_frames.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "pressreel/scenes/frame_features.hpp"

namespace pressreel::testing {

const cv::Mat& texture(int seed) {
  static std::map<int, cv::Mat> made;
  if (const auto it = made.find(seed); it != made.end()) return it->second;
  cv::RNG rng(seed);
  auto blobs = [&](double sigma) {
    cv::Mat noise(cv::Size(384, 216), CV_32FC3), out;
    rng.fill(noise, cv::RNG::UNIFORM, cv::Scalar::all(0), cv::Scalar::all(255));
    cv::GaussianBlur(noise, out, cv::Size(0, 0), sigma);
    cv::normalize(out, out, 0, 255, cv::NORM_MINMAX);
    return out;
  };
  // Two statements: the operands of `+` may be evaluated in either order (GCC and clang differ), and
  // each call draws from the same generator.
  const cv::Mat coarse = blobs(24.0);
  const cv::Mat fine = blobs(2.0);
  cv::Mat mixed = 0.75 * coarse + 0.25 * fine;
  mixed.convertTo(made[seed], CV_8UC3);
  return made[seed];
}

cv::Mat mix(const cv::Mat& a, const cv::Mat& b, double t) {
  cv::Mat out;
  cv::addWeighted(a, 1.0 - t, b, t, 0.0, out);
  return out;
}

std::vector<scenes::Boundary> run(std::unique_ptr<scenes::BoundaryDetector> detector, const Clip& frames) {
  scenes::FrameHistory history(static_cast<size_t>(detector->latency_frames()) + 16);
  std::vector<scenes::Boundary> found;
  std::optional<scenes::FrameFeatures> previous;
  double previous_mafd = 0;
  for (size_t i = 0; i < frames.size(); ++i) {
    scenes::FrameFeatures features = scenes::compute_features(frames[i]);
    scenes::FrameRecord r;
    r.index = static_cast<int64_t>(i);
    r.time = media::RationalTime(r.index, AVRational{1, 25});
    r.duration = media::RationalTime(1, AVRational{1, 25});
    if (previous) {
      r.diff = scenes::compare(*previous, features, previous_mafd);
      previous_mafd = r.diff.luma;
    }
    r.mean_luma = features.mean_luma;
    r.black_ratio = features.black_ratio;
    r.white_ratio = features.white_ratio;
    r.thumb = features.thumb;
    r.luma = features.luma;
    previous = std::move(features);
    history.push(std::move(r));
    for (const scenes::Boundary& b : detector->process(history)) found.push_back(b);
  }
  for (const scenes::Boundary& b : detector->flush(history)) found.push_back(b);
  return found;
}

std::vector<int64_t> frames_of(const std::vector<scenes::Boundary>& found) {
  std::vector<int64_t> out;
  for (const scenes::Boundary& b : found) out.push_back(b.frame);
  return out;
}

void expect_one_dissolve_within_a_frame(const std::vector<scenes::Boundary>& found, int64_t first_mixed,
                                        int64_t last_mixed) {
  ASSERT_EQ(found.size(), 1u) << ::testing::PrintToString(frames_of(found));
  EXPECT_EQ(found[0].kind, scenes::CutKind::dissolve);
  EXPECT_GE(found[0].frame, first_mixed - 1);
  EXPECT_LE(found[0].frame, last_mixed + 1);
  EXPECT_LT(found[0].first_frame, found[0].frame);
}

HandHeld::HandHeld(int seed, int frames, double speed) {
  // The texture's soft colours, enlarged, vary little across a window: their contrast is raised to
  // that of footage (shots about 50 apart on the thumbnails, as in the hard cases).
  cv::Mat enlarged;
  cv::resize(texture(seed), enlarged, cv::Size(), 2.0, 2.0, cv::INTER_CUBIC);
  const cv::Scalar mean = cv::mean(enlarged);
  enlarged.convertTo(enlarged_, -1, 2.5, 128.0 - 2.5 * (mean[0] + mean[1] + mean[2]) / 3.0);
  cv::RNG rng(static_cast<uint64_t>(7919 * seed + 17));
  const double room_x = enlarged_.cols - kWidth, room_y = enlarged_.rows - kHeight;
  double x = room_x / 2, y = room_y / 2, vx = speed * rng.uniform(-8.0, 8.0), vy = speed * rng.uniform(-5.0, 5.0), roll = 0;
  for (int i = 0; i < frames; ++i) {
    vx = 0.8 * vx + speed * rng.uniform(-7.0, 7.0);
    vy = 0.8 * vy + speed * rng.uniform(-4.5, 4.5);
    x += vx;
    y += vy;
    if (x < 0 || x > room_x) vx = -vx, x = std::clamp(x, 0.0, room_x);
    if (y < 0 || y > room_y) vy = -vy, y = std::clamp(y, 0.0, room_y);
    roll = 0.85 * roll + rng.uniform(-1.2, 1.2);
    path_.push_back({x, y, vx, vy, roll});
  }
}

// The mean along a motion of (dx, dy) pixels.
static cv::Mat motion_blur(const cv::Mat& picture, double dx, double dy) {
  const int length = std::min(15, static_cast<int>(std::hypot(dx, dy)));
  if (length < 2) return picture;
  cv::Mat kernel = cv::Mat::zeros(2 * length + 1, 2 * length + 1, CV_32F), out;
  cv::line(kernel, cv::Point(length - static_cast<int>(dx / 2), length - static_cast<int>(dy / 2)),
           cv::Point(length + static_cast<int>(dx / 2), length + static_cast<int>(dy / 2)), cv::Scalar(1.0));
  kernel /= cv::sum(kernel)[0];
  cv::filter2D(picture, out, -1, kernel, cv::Point(-1, -1), 0, cv::BORDER_REFLECT);
  return out;
}

cv::Mat HandHeld::frame(int i) const {
  const Place& p = path_.at(static_cast<size_t>(i));
  const cv::Point2f centre(static_cast<float>(p.x + kWidth / 2.0), static_cast<float>(p.y + kHeight / 2.0));
  cv::Mat turned, window;
  cv::warpAffine(enlarged_, turned, cv::getRotationMatrix2D(centre, p.roll, 1.0), enlarged_.size(), cv::INTER_LINEAR,
                 cv::BORDER_REFLECT);
  cv::getRectSubPix(turned, cv::Size(kWidth, kHeight), centre, window);
  return motion_blur(window, p.vx, p.vy);
}

EnteringObject::EnteringObject(int background, int object, int enter_at, int crossing)
    : enter_at_(enter_at), crossing_(crossing) {
  const cv::Size frame(HandHeld::kWidth, HandHeld::kHeight), size(frame.width / 3, frame.height / 2);
  cv::resize(texture(background), background_, frame, 0, 0, cv::INTER_AREA);
  // The object: another picture's middle, in contrast as a real object stands out.
  texture(object)(cv::Rect(cv::Point(texture(object).cols / 2 - size.width / 2, texture(object).rows / 2 - size.height / 2),
                           size)).convertTo(object_, -1, 1.8, -0.8 * 128);
  mask_ = cv::Mat::zeros(size, CV_32FC3);
  cv::ellipse(mask_, cv::Point(size.width / 2, size.height / 2), cv::Size(size.width / 2 - 1, size.height / 2 - 1), 0, 0,
              360, cv::Scalar::all(1.0), -1);
  cv::GaussianBlur(mask_, mask_, cv::Size(7, 7), 0);
}

cv::Mat EnteringObject::frame(int i) const {
  const double speed = static_cast<double>(background_.cols + object_.cols) / crossing_;
  const int x = static_cast<int>(-object_.cols + (i - enter_at_) * speed), y = background_.rows / 4;
  if (x + object_.cols <= 0 || x >= background_.cols) return background_.clone();
  // The part of the object inside the frame, laid over the background through its soft mask.
  const int x0 = std::max(0, x), x1 = std::min(background_.cols, x + object_.cols);
  const cv::Rect in_frame(x0, y, x1 - x0, object_.rows), in_object(x0 - x, 0, x1 - x0, object_.rows);
  cv::Mat out, region, patch, blended;
  background_.convertTo(out, CV_32FC3);
  out(in_frame).copyTo(region);
  object_(in_object).convertTo(patch, CV_32FC3);
  const cv::Mat mask = mask_(in_object);
  const cv::Mat outside = cv::Scalar::all(1.0) - mask;
  blended = region.mul(outside) + patch.mul(mask);
  blended.copyTo(out(in_frame));
  out.convertTo(out, CV_8UC3);
  return motion_blur(out, speed / 2, 0);
}

}  // namespace pressreel::testing
