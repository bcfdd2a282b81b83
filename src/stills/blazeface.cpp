#include "stills/blazeface.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

namespace pressreel::stills {
namespace {

constexpr int model_input = 256;
constexpr std::array<int, 4> model_strides = {16, 32, 32, 32};
// Between MediaPipe's default confidence (0.5) and the 0.75 of the npm package's own demo: film stills
// matter more for the false faces they avoid (cards, textures) than for a faint face.
constexpr float min_score = 0.6f;
constexpr float nms_min_iou = 0.3f;
constexpr int values_per_anchor = 16;

float sigmoid(float logit) {
  // MediaPipe clips logits to +-100 before the sigmoid; exp() of more would overflow a float.
  return 1.0f / (1.0f + std::exp(-std::clamp(logit, -100.0f, 100.0f)));
}

float iou(const cv::Rect2f& a, const cv::Rect2f& b) {
  const float inter = (a & b).area();
  const float both = a.area() + b.area() - inter;
  return both > 0 ? inter / both : 0.0f;
}

}  // namespace

std::vector<cv::Point2f> ssd_anchor_centres(int input, std::span<const int> layer_strides) {
  std::vector<cv::Point2f> centres;
  for (size_t layer = 0; layer < layer_strides.size();) {
    const int stride = layer_strides[layer];
    size_t same = 0;
    while (layer + same < layer_strides.size() && layer_strides[layer + same] == stride) ++same;
    const int cells = (input + stride - 1) / stride;
    const size_t per_cell = 2 * same;
    for (int y = 0; y < cells; ++y) {
      for (int x = 0; x < cells; ++x) {
        const cv::Point2f centre((x + 0.5f) / cells, (y + 0.5f) / cells);
        centres.insert(centres.end(), per_cell, centre);
      }
    }
    layer += same;
  }
  return centres;
}

std::vector<FaceDetection> decode_detections(std::span<const float> scores, std::span<const float> regressors,
                                             std::span<const cv::Point2f> anchors, int input, float threshold) {
  if (scores.size() != anchors.size() || regressors.size() != anchors.size() * values_per_anchor) {
    throw std::invalid_argument("faces: BlazeFace output does not match its anchors");
  }
  const float scale = 1.0f / static_cast<float>(input);
  std::vector<FaceDetection> found;
  for (size_t i = 0; i < anchors.size(); ++i) {
    const float score = sigmoid(scores[i]);
    if (score < threshold) continue;
    const float* r = &regressors[i * values_per_anchor];
    const cv::Point2f centre = anchors[i] + cv::Point2f(r[0], r[1]) * scale;
    const cv::Size2f size(r[2] * scale, r[3] * scale);
    FaceDetection d;
    d.box = cv::Rect2f(centre.x - size.width / 2, centre.y - size.height / 2, size.width, size.height);
    for (size_t k = 0; k < d.keypoints.size(); ++k) {
      d.keypoints[k] = anchors[i] + cv::Point2f(r[4 + 2 * k], r[5 + 2 * k]) * scale;
    }
    d.score = score;
    found.push_back(d);
  }
  return found;
}

std::vector<FaceDetection> weighted_nms(std::vector<FaceDetection> remaining, float min_iou) {
  // Ties keep the order of the anchors, so the result does not depend on the sort's implementation.
  std::stable_sort(remaining.begin(), remaining.end(),
                   [](const FaceDetection& a, const FaceDetection& b) { return a.score > b.score; });
  std::vector<FaceDetection> kept;
  while (!remaining.empty()) {
    const FaceDetection best = remaining.front();
    std::vector<FaceDetection> rest;
    float weight = 0;
    cv::Point2f tl, br;
    std::array<cv::Point2f, 6> keypoints{};
    for (const FaceDetection& d : remaining) {
      if (iou(best.box, d.box) <= min_iou) {
        rest.push_back(d);
        continue;
      }
      weight += d.score;
      tl += d.score * d.box.tl();
      br += d.score * d.box.br();
      for (size_t k = 0; k < keypoints.size(); ++k) keypoints[k] += d.score * d.keypoints[k];
    }
    FaceDetection merged = best;
    merged.box = cv::Rect2f(tl / weight, br / weight);
    for (size_t k = 0; k < keypoints.size(); ++k) merged.keypoints[k] = keypoints[k] / weight;
    kept.push_back(merged);
    remaining = std::move(rest);
  }
  return kept;
}

BlazeFace::BlazeFace(const std::filesystem::path& model)
    : anchors_(ssd_anchor_centres(model_input, model_strides)), input_size_(model_input) {
  try {
    net_ = cv::dnn::readNetFromONNX(model.string());
  } catch (const cv::Exception& e) {
    throw std::runtime_error("faces: cannot read the BlazeFace model " + model.string() + ": " + e.what());
  }
  if (net_.empty()) throw std::runtime_error("faces: cannot read the BlazeFace model " + model.string());
  net_.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  net_.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  outputs_ = net_.getUnconnectedOutLayersNames();
  if (outputs_.size() != 4) {
    throw std::runtime_error("faces: " + model.string() + " is not a BlazeFace model (" +
                             std::to_string(outputs_.size()) + " outputs, not 4)");
  }
}

std::vector<FaceDetection> BlazeFace::detect(const cv::Mat& bgr) {
  if (bgr.empty()) return {};
  // Letterboxed: the whole frame, aspect kept, centred on a black square (-1 after normalisation).
  const double scale = static_cast<double>(input_size_) / std::max(bgr.cols, bgr.rows);
  const cv::Size fitted(std::max(1, static_cast<int>(std::lround(bgr.cols * scale))),
                        std::max(1, static_cast<int>(std::lround(bgr.rows * scale))));
  const cv::Point offset((input_size_ - fitted.width) / 2, (input_size_ - fitted.height) / 2);
  cv::Mat small, rgb;
  cv::resize(bgr, small, fitted, 0, 0, cv::INTER_AREA);
  cv::cvtColor(small, rgb, cv::COLOR_BGR2RGB);
  cv::Mat square(input_size_, input_size_, CV_32FC3, cv::Scalar::all(-1.0));
  // MediaPipe feeds BlazeFace values in [-1, 1]; in [0, 1] it found 27 of the 28 faces annotated by eye
  // (tests/truth/faces) instead of all 28, with the same false ones.
  rgb.convertTo(square(cv::Rect(offset, fitted)), CV_32FC3, 2.0 / 255.0, -1.0);
  // NHWC: an interleaved 3-channel image already lies in memory as [1, H, W, 3].
  const std::array<int, 4> shape = {1, input_size_, input_size_, 3};
  net_.setInput(cv::Mat(4, shape.data(), CV_32F, square.data));
  std::vector<cv::Mat> out;
  net_.forward(out, outputs_);

  // The outputs are told apart by shape: scores [1, N, 1] and regressors [1, N, 16], for the 16x16
  // grid (512 anchors, first in anchor order) and the 8x8 one (384).
  std::vector<float> scores(anchors_.size()), regressors(anchors_.size() * values_per_anchor);
  size_t filled = 0;
  for (const cv::Mat& m : out) {
    if (m.dims != 3 || !m.isContinuous() || m.type() != CV_32F) continue;
    const int n = m.size[1], k = m.size[2];
    if ((n != 512 && n != 384) || (k != 1 && k != values_per_anchor)) continue;
    const size_t first = n == 512 ? 0 : 512;
    float* to = k == 1 ? &scores[first] : &regressors[first * values_per_anchor];
    std::copy_n(m.ptr<float>(), static_cast<size_t>(n) * k, to);
    filled += static_cast<size_t>(n) * k;
  }
  if (filled != scores.size() + regressors.size()) {
    throw std::runtime_error("faces: the model's outputs are not BlazeFace's (512 + 384 anchors of 1 and 16 values)");
  }

  std::vector<FaceDetection> faces =
      weighted_nms(decode_detections(scores, regressors, anchors_, input_size_, min_score), nms_min_iou);
  // From the normalised square back to frame pixels.
  const auto to_frame = [&](cv::Point2f p) {
    return cv::Point2f(static_cast<float>((p.x * input_size_ - offset.x) / scale),
                       static_cast<float>((p.y * input_size_ - offset.y) / scale));
  };
  for (FaceDetection& f : faces) {
    f.box = cv::Rect2f(to_frame(f.box.tl()), to_frame(f.box.br()));
    for (cv::Point2f& p : f.keypoints) p = to_frame(p);
  }
  return faces;
}

}  // namespace pressreel::stills
