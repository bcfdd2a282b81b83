#pragma once
// Pictures made in memory for the boundary detectors, and one detector run over them frame by frame
// as the SceneDetector would (no decoding, no ffmpeg process): exact properties, fast.

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

}  // namespace pressreel::testing
