#pragma once
// Faces in a frame, for the score and so that crops never cut one. MediaPipe's BlazeFace (ONNX, run
// by OpenCV's dnn module) when its model is installed (tools/setup.sh); OpenCV's Haar cascades
// otherwise, with a warning naming where the model was looked for.

#include <filesystem>
#include <memory>
#include <opencv2/core.hpp>
#include <optional>
#include <vector>

namespace pressreel::stills {

struct FaceBox {
  cv::Rect box;  // in the coordinates of the image it was found in
  int eyes = 0;  // open eyes found by the eye cascade in the face's upper half (2 = both open)
};

// The model file tools/setup.sh installs (the "back camera" model: faces down to a few percent of the
// picture, as in wide film shots; the 128x128 "front" one is made for selfies).
inline constexpr const char* face_model_file = "face_detection_back_256x256_barracuda.onnx";

// Folders the face model is looked for in, in order: $PRESSREEL_MODELS alone when it is set (so a
// test or a user can point at one folder); else <folder of the running program>/models, then the
// folder configured at build time (CMake's PRESSREEL_MODELS_DIR, where setup installs it).
std::vector<std::filesystem::path> face_model_folders();
// The model file in the first of those folders that holds it.
std::optional<std::filesystem::path> find_face_model();

// Warns once per process (and set of folders) when find_face_model() finds nothing; FaceDetector()
// calls it. A batch warns before its clips start; its clip workers call face_model_warning_given() so
// that a batch of many clips says it once.
void warn_if_no_face_model();
void face_model_warning_given();

// Faces of at least 1/17 of the picture's width as Haar measures them, 1/24 in BlazeFace's tighter box
// (a smaller one is a figure in a wide shot, not what makes a still), largest first. Not thread-safe
// (the network and the cascades keep scratch state): one per thread.
class FaceDetector {
 public:
  enum class Method { blazeface, haar };

  // BlazeFace from find_face_model(); Haar when no model is found, with one warning per process and
  // set of folders looked in. Throws std::runtime_error when a found model or a cascade cannot be read.
  FaceDetector();
  static FaceDetector blazeface(const std::filesystem::path& model);
  // The cascades from `cascade_dir` (PRESSREEL_OPENCV_DATA/haarcascades by default).
  static FaceDetector haar(const std::filesystem::path& cascade_dir = {});
  ~FaceDetector();
  FaceDetector(FaceDetector&&) noexcept;
  FaceDetector& operator=(FaceDetector&&) noexcept;

  Method method() const;
  std::vector<FaceBox> detect(const cv::Mat& bgr);

 private:
  struct Impl;
  explicit FaceDetector(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The method FaceDetector() would use now ("blazeface" when find_face_model() finds the model, else
// "haar"): part of a clip's input key, so that clips done with Haar are done again once the model is
// installed.
const char* face_method_in_use();

}  // namespace pressreel::stills
