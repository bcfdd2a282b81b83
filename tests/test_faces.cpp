// Faces: BlazeFace on real frames against faces annotated by eye (tests/truth/faces), its anchor
// decoding on a known case, and the Haar fallback when the model is missing.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <opencv2/imgcodecs.hpp>
#include <sstream>

#include "pressreel/stills/faces.hpp"
#include "stills/blazeface.hpp"
#include "test_support.hpp"

namespace stills = pressreel::stills;
using pressreel::testing::TempDir;

namespace {

struct AnnotatedFrame {
  cv::Mat image;
  std::vector<cv::Rect> clear_faces;
  std::vector<cv::Rect> ambiguous_faces;  // tiny, profile, cartoon, blurred: may be found or not
};

// The frame `index` of the clip a truth file names, and its faces; an empty image when the shared
// footage is absent.
AnnotatedFrame annotated(const std::string& truth_stem, int index, const TempDir& dir) {
  const nlohmann::json truth = pressreel::testing::read_json(std::filesystem::path(PRESSREEL_SOURCE_DIR) /
                                                             "tests/truth/faces" / (truth_stem + ".json"));
  const std::filesystem::path clip = std::filesystem::path(PRESSREEL_SHARED_MEDIA) / truth["clip"].get<std::string>();
  AnnotatedFrame frame;
  if (!std::filesystem::exists(clip)) return frame;
  const auto png = dir / (truth_stem + "_" + std::to_string(index) + ".png");
  pressreel::testing::ffmpeg(
      {"-i", clip.string(), "-vf", "select=eq(n\\," + std::to_string(index) + ")", "-vsync", "0", "-frames:v", "1"},
      png);
  frame.image = cv::imread(png.string());
  for (const auto& f : truth["frames"]) {
    if (f["index"] != index) continue;
    for (const auto& face : f["faces"]) {
      (face.contains("ambiguous") ? frame.ambiguous_faces : frame.clear_faces)
          .emplace_back(face["x"], face["y"], face["width"], face["height"]);
    }
  }
  return frame;
}

double iou(const cv::Rect& a, const cv::Rect& b) {
  const double inter = (a & b).area();
  return inter / (a.area() + b.area() - inter);
}

#define BLAZEFACE_OR_SKIP(var)                                                \
  const std::optional<std::filesystem::path> var = stills::find_face_model(); \
  if (!var) GTEST_SKIP() << "BlazeFace model not installed (tools/setup.sh)"

}  // namespace

TEST(BlazeFace, FindsTheFacesAnnotatedByEye) {
  BLAZEFACE_OR_SKIP(model);
  TempDir dir;
  stills::FaceDetector detector = stills::FaceDetector::blazeface(*model);
  ASSERT_EQ(detector.method(), stills::FaceDetector::Method::blazeface);
  // A 3D-animated close-up, and three people facing a corridor camera (a 480x270 GIF).
  for (const auto& [stem, index] : {std::pair{"megamind-trailer", 230},
                                    {"megamind-trailer", 150},
                                    {"sample-videos_preview-face-demographics-walking-and-pause", 25}}) {
    const AnnotatedFrame frame = annotated(stem, index, dir);
    if (frame.image.empty()) GTEST_SKIP() << "../shared/media is not present";
    const std::vector<stills::FaceBox> found = detector.detect(frame.image);
    for (const cv::Rect& truth : frame.clear_faces) {
      double best = 0;
      for (const stills::FaceBox& f : found) best = std::max(best, iou(truth, f.box));
      EXPECT_GE(best, 0.4) << stem << " frame " << index << ": face at " << truth;
    }
    for (const stills::FaceBox& f : found) {
      bool annotated_face = false;
      for (const auto* faces : {&frame.clear_faces, &frame.ambiguous_faces}) {
        for (const cv::Rect& truth : *faces) annotated_face = annotated_face || iou(truth, f.box) >= 0.3;
      }
      EXPECT_TRUE(annotated_face) << stem << " frame " << index << ": false face at " << f.box;
    }
  }
}

TEST(BlazeFace, FindsNoFaceWhereThereIsNoPerson) {
  BLAZEFACE_OR_SKIP(model);
  TempDir dir;
  stills::FaceDetector detector = stills::FaceDetector::blazeface(*model);
  // A city at night, full of lit windows, and Big Buck Bunny's title over branches.
  for (const auto& [stem, index] : {std::pair{"city-cc0", 100}, {"big-buck-bunny-0-30", 500}}) {
    const AnnotatedFrame frame = annotated(stem, index, dir);
    if (frame.image.empty()) GTEST_SKIP() << "../shared/media is not present";
    EXPECT_TRUE(detector.detect(frame.image).empty()) << stem << " frame " << index;
  }
}

TEST(BlazeFace, LooksForFacesOfAtLeastATwentyFourthOfTheWidth) {
  BLAZEFACE_OR_SKIP(model);
  const std::filesystem::path photo = "/usr/share/doc/opencv-doc/examples/data/basketball1.png";
  if (!std::filesystem::exists(photo)) GTEST_SKIP() << photo << " is absent (Debian package opencv-doc)";
  // The man's face is 29 px of the 640 px photo in BlazeFace's box (40 in Haar's); shrunk to 85% on
  // the same canvas it is 25 px, under the 26 px (1/24 of the width) a still's face must have.
  const cv::Mat original = cv::imread(photo.string());
  stills::FaceDetector detector = stills::FaceDetector::blazeface(*model);
  const std::vector<stills::FaceBox> found = detector.detect(original);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_GE(iou(found[0].box, {66, 92, 36, 42}), 0.4) << found[0].box;  // the man's face, by eye
  cv::Mat canvas(original.size(), CV_8UC3, cv::Scalar(40, 40, 40)), smaller;
  cv::resize(original, smaller, {}, 0.85, 0.85, cv::INTER_AREA);
  smaller.copyTo(canvas(cv::Rect(0, 0, smaller.cols, smaller.rows)));
  EXPECT_TRUE(detector.detect(canvas).empty());
}

TEST(BlazeFace, AnchorsFollowMediaPipesBackModel) {
  const std::array<int, 4> strides = {16, 32, 32, 32};
  const std::vector<cv::Point2f> anchors = stills::ssd_anchor_centres(256, strides);
  ASSERT_EQ(anchors.size(), 896u);  // 16x16 cells of 2 anchors, then 8x8 cells of 6
  EXPECT_EQ(anchors[0], cv::Point2f(0.5f / 16, 0.5f / 16));
  EXPECT_EQ(anchors[1], anchors[0]);
  EXPECT_EQ(anchors[2], cv::Point2f(1.5f / 16, 0.5f / 16));
  EXPECT_EQ(anchors[511], cv::Point2f(15.5f / 16, 15.5f / 16));
  EXPECT_EQ(anchors[512], cv::Point2f(0.5f / 8, 0.5f / 8));
  EXPECT_EQ(anchors[517], anchors[512]);
  EXPECT_EQ(anchors[518], cv::Point2f(1.5f / 8, 0.5f / 8));
  EXPECT_EQ(anchors[895], cv::Point2f(7.5f / 8, 7.5f / 8));
}

TEST(BlazeFace, DecodesBoxesAndKeypointsAroundTheirAnchor) {
  const std::array<int, 4> strides = {16, 32, 32, 32};
  const std::vector<cv::Point2f> anchors = stills::ssd_anchor_centres(256, strides);
  std::vector<float> scores(896, -10.0f), regressors(896 * 16, 0.0f);
  // Anchor 566 (512 + 9 cells x 6) is cell (1, 1) of the 8x8 grid: centre (48, 48) in input pixels.
  // Its box is moved by (+16, -8) px and is 64x32; its first keypoint sits 10 px left of the box's centre.
  scores[566] = 2.0f;  // sigmoid: 0.881
  float* r = &regressors[566 * 16];
  r[0] = 16, r[1] = -8, r[2] = 64, r[3] = 32, r[4] = 6, r[5] = -8;
  const auto found = stills::decode_detections(scores, regressors, anchors, 256, 0.5f);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NEAR(found[0].score, 0.8808, 1e-4);
  EXPECT_NEAR(found[0].box.x * 256, 48 + 16 - 32, 1e-3);
  EXPECT_NEAR(found[0].box.y * 256, 48 - 8 - 16, 1e-3);
  EXPECT_NEAR(found[0].box.width * 256, 64, 1e-3);
  EXPECT_NEAR(found[0].box.height * 256, 32, 1e-3);
  EXPECT_NEAR(found[0].keypoints[0].x * 256, 54, 1e-3);
  EXPECT_NEAR(found[0].keypoints[0].y * 256, 40, 1e-3);
  // Under the threshold: nothing.
  EXPECT_TRUE(stills::decode_detections(scores, regressors, anchors, 256, 0.9f).empty());
}

TEST(BlazeFace, WeightedNmsMergesOverlapsByScore) {
  stills::FaceDetection a, b, far;
  a.box = {0.0f, 0.0f, 1.0f, 1.0f};
  a.score = 0.9f;
  b.box = {0.2f, 0.0f, 1.0f, 1.0f};  // IoU 0.67 with a
  b.score = 0.3f;
  far.box = {5.0f, 5.0f, 1.0f, 1.0f};
  far.score = 0.8f;
  const auto kept = stills::weighted_nms({b, far, a}, 0.3f);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_FLOAT_EQ(kept[0].score, 0.9f);  // the best one's score, its box pulled a quarter of the way to b
  EXPECT_NEAR(kept[0].box.x, 0.2 * 0.3 / 1.2, 1e-6);
  EXPECT_NEAR(kept[0].box.width, 1.0, 1e-6);
  EXPECT_EQ(kept[1].box, far.box);
}

TEST(FaceDetector, FallsBackToHaarWithAWarningNamingWhereItLooked) {
  TempDir empty;
  std::ostringstream log;
  const auto previous = spdlog::default_logger();
  spdlog::set_default_logger(
      std::make_shared<spdlog::logger>("capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(log)));
  const char* before = std::getenv("PRESSREEL_MODELS");
  const std::string saved = before ? before : "";
  setenv("PRESSREEL_MODELS", empty.path().c_str(), 1);
  EXPECT_EQ(stills::face_model_folders(), std::vector<std::filesystem::path>{empty.path()});
  EXPECT_FALSE(stills::find_face_model());
  const stills::FaceDetector first, second;
  if (before) {
    setenv("PRESSREEL_MODELS", saved.c_str(), 1);
  } else {
    unsetenv("PRESSREEL_MODELS");
  }
  spdlog::set_default_logger(previous);

  EXPECT_EQ(first.method(), stills::FaceDetector::Method::haar);
  EXPECT_EQ(second.method(), stills::FaceDetector::Method::haar);
  const std::string text = log.str();
  EXPECT_NE(text.find(empty.path().string()), std::string::npos) << text;
  EXPECT_NE(text.find(stills::face_model_file), std::string::npos) << text;
  EXPECT_NE(text.find("Haar"), std::string::npos) << text;
  // One warning, not one per detector (the keeper makes one per thread).
  EXPECT_EQ(text.find("warn"), text.rfind("warn")) << text;
}

TEST(FaceDetector, ABatchWarnsOnceForAllItsClips) {
  TempDir dir;
  std::filesystem::create_directories(dir / "clips/film");
  for (const char* name : {"a.mp4", "b.mp4", "c.mp4"}) {
    pressreel::testing::make_test_clip(dir / "clips/film" / name, 25, "25");
  }
  std::filesystem::create_directories(dir / "no-model");
  const std::string command =
      fmt::format("PRESSREEL_MODELS='{}' {} run '{}' -o '{}' --pipeline article 2>'{}'", (dir / "no-model").string(),
                  pressreel::testing::cli(), (dir / "clips").string(), (dir / "out").string(), (dir / "log").string());
  ASSERT_EQ(pressreel::testing::run_command(command), 0) << pressreel::testing::read_text(dir / "log");
  const std::string log = pressreel::testing::read_text(dir / "log");
  const size_t first = log.find("BlazeFace model");
  ASSERT_NE(first, std::string::npos) << log;
  EXPECT_EQ(log.find("BlazeFace model", first + 1), std::string::npos) << "warned more than once:\n" << log;
}
