#pragma once
// Pictures made in memory for the boundary detectors, and one detector run over them frame by frame
// as the SceneDetector would (no decoding, no ffmpeg process): exact properties, fast.

#include <cstdint>
#include <memory>
#include <vector>

#include <opencv2/core.hpp>

#include "pressreel/scenes/boundary_detector.hpp"

namespace pressreel::testing {

using Clip = std::vector<cv::Mat>;

// A colourful picture, 384x216: large soft colour areas (what a 48-px thumbnail still shows) with
// fine detail on top (what motion estimation follows); the same for a seed.
const cv::Mat& texture(int seed);

// (1 - t) a + t b.
cv::Mat mix(const cv::Mat& a, const cv::Mat& b, double t);

// What one detector proposes over the whole clip (25 fps), frame by frame and at its end.
std::vector<scenes::Boundary> run(std::unique_ptr<scenes::BoundaryDetector> detector, const Clip& frames);

// The boundaries' frames (the first frame of each new shot), in order.
std::vector<int64_t> frames_of(const std::vector<scenes::Boundary>& found);

// Asserts that `found` is one dissolve whose frame is within a frame of its mixed frames (as eval-scenes
// counts a transition found).
void expect_one_dissolve_within_a_frame(const std::vector<scenes::Boundary>& found, int64_t first_mixed,
                                        int64_t last_mixed);

// A hand-held camera over texture `seed` enlarged twice (768x432), in contrast too: the 288x162 window's
// speed is a random walk (about 7 px a frame, turning within a few frames), it bounces off the picture's
// edges and rolls a degree or so either way, and each frame is blurred along its motion; `speed` scales
// its pace. The same for a seed.
class HandHeld {
 public:
  static constexpr int kWidth = 288, kHeight = 162;
  HandHeld(int seed, int frames, double speed = 1.0);
  cv::Mat frame(int i) const;

 private:
  struct Place {
    double x, y, vx, vy, roll;
  };
  cv::Mat enlarged_;
  std::vector<Place> path_;
};

// A fixed 288x162 frame (texture `background`) across which a large object slides fast, left to right,
// as tools/make_hard_scene_cases.py makes `entering` segments: an ellipse of texture `object` half the
// picture's height and a third of its width, in from frame `enter_at` and out `crossing` frames later,
// each frame blurred along the object's motion.
class EnteringObject {
 public:
  EnteringObject(int background, int object, int enter_at, int crossing);
  cv::Mat frame(int i) const;

 private:
  cv::Mat background_, object_, mask_;
  int enter_at_, crossing_;
};

}  // namespace pressreel::testing
