#include "pressreel/stills/faces.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>
#include <set>
#include <stdexcept>
#include <string>

#include "pressreel/media/cpu_time.hpp"
#include "pressreel/media/scaler.hpp"
#include "stills/blazeface.hpp"

namespace pressreel::stills {
namespace fs = std::filesystem;
namespace {

constexpr int face_search_width = 480;

cv::CascadeClassifier load_cascade(const fs::path& dir, const char* name) {
  const fs::path file = (dir.empty() ? fs::path(PRESSREEL_OPENCV_DATA) / "haarcascades" : dir) / name;
  cv::CascadeClassifier c;
  if (!c.load(file.string())) throw std::runtime_error("stills: cannot load face cascade " + file.string());
  return c;
}

// Faces narrower than this are figures in a wide shot, whatever found them: 1/17 of the picture's
// width for a Haar box. Haar's box reaches from the forehead to below the chin, 1.2 times the face's
// width on the faces of tests/truth/faces (tools/face_eval.sh) and 1.4 times on basketball1's laughing
// man (40 px to BlazeFace's 29); BlazeFace's box is the face itself (1.0). The same limit is then 1/24
// of the picture's width for a BlazeFace box.
int min_haar_face_width(int picture_width) {
  return std::max(20, picture_width / 17);
}
int min_blazeface_face_width(int picture_width) {
  return std::max(14, picture_width / 24);
}

// Open eyes sit in the upper half of the face; the eye cascade finds open eyes far more readily than
// closed ones. BlazeFace places eyes whether open or not, so both methods count open eyes this way.
int open_eyes(cv::CascadeClassifier& eyes, const cv::Mat& gray, const cv::Rect& face) {
  const cv::Rect upper(face.x, face.y, face.width, std::max(1, face.height / 2));
  std::vector<cv::Rect> found;
  const int eye_min = std::max(6, face.width / 8);
  eyes.detectMultiScale(gray(upper), found, 1.1, 3, 0, {eye_min, eye_min});
  return std::min<int>(2, static_cast<int>(found.size()));
}

// The folder lists warned about; `nullopt` in a clip worker, whose batch has warned.
std::mutex warned_mutex;
std::optional<std::set<std::string>> warned = std::set<std::string>{};

}  // namespace

std::vector<fs::path> face_model_folders() {
  if (const char* env = std::getenv("PRESSREEL_MODELS"); env != nullptr && *env != '\0') return {fs::path(env)};
  std::vector<fs::path> folders;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) folders.push_back(exe.parent_path() / "models");
  folders.emplace_back(PRESSREEL_MODELS_DIR);
  return folders;
}

std::optional<fs::path> find_face_model() {
  for (const fs::path& folder : face_model_folders()) {
    std::error_code ec;
    if (fs::is_regular_file(folder / face_model_file, ec)) return folder / face_model_file;
  }
  return std::nullopt;
}

void warn_if_no_face_model() {
  if (find_face_model()) return;
  std::string where;
  for (const fs::path& f : face_model_folders()) where += (where.empty() ? "" : ", ") + f.string();
  const std::lock_guard lock(warned_mutex);
  if (!warned || !warned->insert(where).second) return;
  spdlog::warn(
      "faces: BlazeFace model {} not found in {} (PRESSREEL_MODELS, <program folder>/models, then the "
      "build's PRESSREEL_MODELS_DIR; tools/setup.sh installs it); using OpenCV's Haar cascades, which "
      "find fewer faces and more false ones",
      face_model_file, where);
}

void face_model_warning_given() {
  const std::lock_guard lock(warned_mutex);
  warned.reset();
}

struct FaceDetector::Impl {
  std::optional<BlazeFace> blazeface;
  cv::CascadeClassifier face;  // Haar only
  cv::CascadeClassifier eyes;

  std::vector<FaceBox> haar_faces(const cv::Mat& gray);
  std::vector<FaceBox> blazeface_faces(const cv::Mat& bgr, const cv::Mat& gray);
};

std::vector<FaceBox> FaceDetector::Impl::haar_faces(const cv::Mat& gray) {
  // Faces are looked for on a copy at most face_search_width wide, and only faces at least 1/17 of
  // the picture's width (28 of those pixels; 1/10 of a 16:9 picture's height). The cascade spends most
  // of its time on its smallest windows: starting at 28 px instead of 20 takes two thirds of the time.
  // On 200 frames of the shared clips and 20 of OpenCV's sample images it lost no real face (the
  // smallest are basketball1's man at 30 px and messi5's at 33), only one false one. Eyes are then
  // looked for in the full-size face.
  cv::Mat search = gray;
  if (gray.cols > face_search_width) {
    cv::resize(gray, search, media::analysis_size(gray.size(), face_search_width, true), 0, 0, cv::INTER_AREA);
  }
  const double back = static_cast<double>(gray.cols) / search.cols;
  std::vector<cv::Rect> found;
  const int min_side = min_haar_face_width(search.cols);
  face.detectMultiScale(search, found, 1.1, 4, 0, {min_side, min_side});
  std::vector<FaceBox> faces;
  const cv::Rect whole(0, 0, gray.cols, gray.rows);
  for (const cv::Rect& small : found) {
    const cv::Rect r = cv::Rect(cvRound(small.x * back), cvRound(small.y * back), cvRound(small.width * back),
                                cvRound(small.height * back)) &
                       whole;
    if (!r.empty()) faces.push_back({r, open_eyes(eyes, gray, r)});
  }
  return faces;
}

std::vector<FaceBox> FaceDetector::Impl::blazeface_faces(const cv::Mat& bgr, const cv::Mat& gray) {
  std::vector<FaceBox> faces;
  const cv::Rect whole(0, 0, bgr.cols, bgr.rows);
  for (const FaceDetection& d : blazeface->detect(bgr)) {
    // BlazeFace's box runs from the brows to the chin; a face at the frame's edge is clipped to it.
    const cv::Rect r = cv::Rect(cv::Point(cvRound(d.box.x), cvRound(d.box.y)),
                                cv::Point(cvRound(d.box.br().x), cvRound(d.box.br().y))) &
                       whole;
    if (r.empty() || d.box.width < min_blazeface_face_width(bgr.cols)) continue;
    faces.push_back({r, open_eyes(eyes, gray, r)});
  }
  return faces;
}

FaceDetector::FaceDetector(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

FaceDetector::FaceDetector() : FaceDetector(nullptr) {
  if (const std::optional<fs::path> model = find_face_model()) {
    *this = blazeface(*model);
  } else {
    warn_if_no_face_model();
    *this = haar();
  }
}

FaceDetector FaceDetector::blazeface(const fs::path& model) {
  auto impl = std::make_unique<Impl>();
  impl->blazeface.emplace(model);
  impl->eyes = load_cascade({}, "haarcascade_eye.xml");
  return FaceDetector(std::move(impl));
}

FaceDetector FaceDetector::haar(const fs::path& cascade_dir) {
  auto impl = std::make_unique<Impl>();
  impl->face = load_cascade(cascade_dir, "haarcascade_frontalface_alt2.xml");
  impl->eyes = load_cascade(cascade_dir, "haarcascade_eye.xml");
  return FaceDetector(std::move(impl));
}

FaceDetector::~FaceDetector() = default;
FaceDetector::FaceDetector(FaceDetector&&) noexcept = default;
FaceDetector& FaceDetector::operator=(FaceDetector&&) noexcept = default;

const char* face_method_in_use() {
  return find_face_model() ? "blazeface" : "haar";
}

FaceDetector::Method FaceDetector::method() const {
  return impl_->blazeface ? Method::blazeface : Method::haar;
}

std::vector<FaceBox> FaceDetector::detect(const cv::Mat& bgr) {
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = media::thread_cpu_seconds();
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  cv::equalizeHist(gray, gray);
  std::vector<FaceBox> faces = impl_->blazeface ? impl_->blazeface_faces(bgr, gray) : impl_->haar_faces(gray);
  std::sort(faces.begin(), faces.end(), [](const FaceBox& a, const FaceBox& b) { return a.box.area() > b.box.area(); });
  // What faces cost a run (bench/faces_cost.sh sums these lines). The thread's CPU time leaves out
  // what OpenCV's own worker threads did, unless OPENCV_FOR_THREADS_NUM=1 keeps it all on this one.
  spdlog::debug("faces: {} on {}x{}: {} found in {:.1f} ms, {:.1f} ms CPU",
                method() == Method::blazeface ? "blazeface" : "haar", bgr.cols, bgr.rows, faces.size(),
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count(),
                (media::thread_cpu_seconds() - cpu_start) * 1e3);
  return faces;
}

}  // namespace pressreel::stills
