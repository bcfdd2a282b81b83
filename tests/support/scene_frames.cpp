#include "scene_frames.hpp"

#include <map>
#include <optional>

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

}  // namespace pressreel::testing
