#pragma once
// MediaPipe's BlazeFace detector on OpenCV's dnn module: the frame letterboxed into the model's
// square input, the SSD anchors it was trained with, the decoding of its 896 boxes and the weighted
// non-maximum suppression MediaPipe uses in place of plain NMS.

#include <array>
#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <span>
#include <vector>

namespace pressreel::stills {

struct FaceDetection {
  cv::Rect2f box;                        // normalised (0..1) in the model's input, or pixels (BlazeFace::detect)
  std::array<cv::Point2f, 6> keypoints;  // eyes (left and right in the picture), nose, mouth, ears
  float score = 0;                       // 0..1
};

// Anchor centres (normalised) of MediaPipe's SSD anchor scheme with fixed-size anchors: one grid per
// stride, ceil(input / stride) cells a side; consecutive layers of the same stride share a grid, and
// each layer puts two anchors (aspect ratio 1 and the interpolated scale) in every cell. The back
// model (256 px, strides 16, 32, 32, 32) has 16x16x2 + 8x8x6 = 896.
std::vector<cv::Point2f> ssd_anchor_centres(int input_size, std::span<const int> strides);

// Detections scoring at least `min_score` (after the sigmoid). `scores` holds one logit per anchor,
// `regressors` 16 values per anchor: box centre offset and size, then six keypoint offsets, all in
// input pixels (centres relative to the anchor).
std::vector<FaceDetection> decode_detections(std::span<const float> scores, std::span<const float> regressors,
                                             std::span<const cv::Point2f> anchors, int input_size, float min_score);

// MediaPipe's weighted NMS: the best remaining detection absorbs every one overlapping it by more
// than `min_iou`; its box and keypoints become their score-weighted mean. Best first.
std::vector<FaceDetection> weighted_nms(std::vector<FaceDetection> detections, float min_iou);

class BlazeFace {
 public:
  // Throws std::runtime_error naming the file when OpenCV cannot read it or its outputs are not
  // BlazeFace's (512 + 384 scores and regressors).
  explicit BlazeFace(const std::filesystem::path& model);
  // Faces in frame pixels, best first.
  std::vector<FaceDetection> detect(const cv::Mat& bgr);

 private:
  cv::dnn::Net net_;
  std::vector<cv::String> outputs_;
  std::vector<cv::Point2f> anchors_;
  int input_size_ = 256;
};

}  // namespace pressreel::stills
