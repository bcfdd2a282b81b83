// Recall and false faces of BlazeFace and of the Haar cascades on faces annotated by eye
// (tests/truth/faces). Run through tools/face_eval.sh, which extracts the annotated frames first.
//
//   face_eval TRUTH_DIR FRAMES_DIR [--verbose]
//
// FRAMES_DIR holds <truth file stem>_<frame index>.png. A detection matches an annotated face at
// IoU >= 0.3, one to one, best overlap first; a face marked "ambiguous" counts neither in recall nor
// as a false face when found.

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <optional>
#include <string>
#include <vector>

#include "pressreel/stills/faces.hpp"

namespace fs = std::filesystem;
using pressreel::stills::FaceBox;
using pressreel::stills::FaceDetector;

namespace {

constexpr double match_iou = 0.3;

struct Truth {
  cv::Rect box;
  bool ambiguous = false;
};

struct Tally {
  int found = 0, clear = 0, false_faces = 0, ambiguous_found = 0, frames = 0;
  int frames_without_faces = 0, false_in_faceless = 0;
  double seconds = 0, cpu_seconds = 0;  // cpu: the whole process (the network's own threads too)
  double width_ratio_sum = 0;           // found box width / annotated width, over matched clear faces
};

double iou(const cv::Rect& a, const cv::Rect& b) {
  const double inter = (a & b).area();
  return inter / (a.area() + b.area() - inter);
}

// Matches detections to annotated faces one to one, best overlap first.
void score_frame(const std::vector<Truth>& truth, const std::vector<FaceBox>& found, Tally& t, const std::string& name,
                 bool verbose, const char* method) {
  struct Pair {
    double iou;
    size_t truth, found;
  };
  std::vector<Pair> pairs;
  for (size_t i = 0; i < truth.size(); ++i) {
    for (size_t j = 0; j < found.size(); ++j) {
      if (const double o = iou(truth[i].box, found[j].box); o >= match_iou) pairs.push_back({o, i, j});
    }
  }
  std::sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) { return a.iou > b.iou; });
  std::vector<bool> truth_used(truth.size()), found_used(found.size());
  for (const Pair& p : pairs) {
    if (truth_used[p.truth] || found_used[p.found]) continue;
    truth_used[p.truth] = found_used[p.found] = true;
    (truth[p.truth].ambiguous ? t.ambiguous_found : t.found) += 1;
    if (!truth[p.truth].ambiguous) {
      t.width_ratio_sum += static_cast<double>(found[p.found].box.width) / truth[p.truth].box.width;
    }
  }
  int missed = 0, false_here = 0;
  for (size_t i = 0; i < truth.size(); ++i) {
    if (!truth[i].ambiguous) {
      ++t.clear;
      missed += truth_used[i] ? 0 : 1;
    }
  }
  for (size_t j = 0; j < found.size(); ++j) false_here += found_used[j] ? 0 : 1;
  t.false_faces += false_here;
  ++t.frames;
  const bool faceless = truth.empty();
  if (faceless) {
    ++t.frames_without_faces;
    t.false_in_faceless += false_here;
  }
  if (verbose && (missed > 0 || false_here > 0)) {
    std::cout << fmt::format("  {:9} {}: {} missed, {} false", method, name, missed, false_here);
    for (size_t j = 0; j < found.size(); ++j) {
      if (!found_used[j]) {
        std::cout << fmt::format(" [{},{} {}x{}]", found[j].box.x, found[j].box.y, found[j].box.width,
                                 found[j].box.height);
      }
    }
    std::cout << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: face_eval TRUTH_DIR FRAMES_DIR [--verbose]\n";
    return 2;
  }
  const fs::path truth_dir = argv[1], frames_dir = argv[2];
  const bool verbose = argc > 3 && std::string(argv[3]) == "--verbose";
  const std::optional<fs::path> model = pressreel::stills::find_face_model();
  if (!model) {
    std::cerr << "face_eval: no BlazeFace model (run tools/setup.sh or set PRESSREEL_MODELS)\n";
    return 2;
  }
  struct Method {
    const char* name;
    FaceDetector detector;
    Tally tally;
  };
  std::vector<Method> methods;
  methods.push_back({"blazeface", FaceDetector::blazeface(*model), {}});
  methods.push_back({"haar", FaceDetector::haar(), {}});

  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(truth_dir)) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    std::ifstream in(file);
    const nlohmann::json j = nlohmann::json::parse(in);
    for (const auto& frame : j.at("frames")) {
      const std::string name = fmt::format("{}_{}", file.stem().string(), frame.at("index").get<int>());
      const cv::Mat image = cv::imread((frames_dir / (name + ".png")).string());
      if (image.empty()) {
        std::cerr << "face_eval: " << (frames_dir / (name + ".png")) << " is missing or unreadable\n";
        return 1;
      }
      std::vector<Truth> truth;
      for (const auto& f : frame.at("faces")) {
        truth.push_back({{f.at("x"), f.at("y"), f.at("width"), f.at("height")}, f.contains("ambiguous")});
      }
      for (Method& m : methods) {
        const auto start = std::chrono::steady_clock::now();
        const std::clock_t cpu_start = std::clock();
        const std::vector<FaceBox> found = m.detector.detect(image);
        m.tally.cpu_seconds += static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
        m.tally.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        score_frame(truth, found, m.tally, name, verbose, m.name);
      }
    }
  }
  std::cout << fmt::format("{:10} {:>7} {:>13} {:>12} {:>22} {:>10} {:>13} {:>16}\n", "method", "recall", "found/clear",
                           "false faces", "in faceless frames", "ms/frame", "CPU ms/frame", "width/annotated");
  for (const Method& m : methods) {
    const Tally& t = m.tally;
    std::cout << fmt::format("{:10} {:>7.3f} {:>13} {:>12} {:>22} {:>10.1f} {:>13.1f} {:>16.2f}\n", m.name,
                             t.clear ? static_cast<double>(t.found) / t.clear : 0.0,
                             fmt::format("{}/{}", t.found, t.clear), t.false_faces,
                             fmt::format("{} in {}", t.false_in_faceless, t.frames_without_faces),
                             1000.0 * t.seconds / std::max(1, t.frames), 1000.0 * t.cpu_seconds / std::max(1, t.frames),
                             t.width_ratio_sum / std::max(1, t.found));
  }
  std::cout << fmt::format(
      "{} frames; match at IoU >= {}; ambiguous faces (tiny, profile, cartoon, blurred) "
      "count neither way\n",
      methods.front().tally.frames, match_iou);
  return 0;
}
