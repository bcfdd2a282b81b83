#include <gtest/gtest.h>

#include <fstream>

#include "pressreel/scenes/scene_eval.hpp"
#include "test_support.hpp"

namespace {

using namespace pressreel;
using scenes::CutKind;

scenes::SceneTruth truth() {
  scenes::SceneTruth t;
  t.clip = "clip.mp4";
  t.frames = 300;
  t.cuts = {30, 76, 137};
  t.gradual = {{180, 200}};
  t.flashes = {{250, 251}};
  return t;
}

TEST(SceneEval, ExactDetectionsScorePerfectly) {
  const auto s = scenes::score_boundaries(truth(), {{30}, {76}, {137}, {201, CutKind::fade}}, 0);
  EXPECT_EQ(s.overall.f1(), 1.0);
  EXPECT_EQ(s.gradual.true_positives, 1);
}

TEST(SceneEval, OneFrameOffMatchesOnlyAtToleranceOne) {
  const std::vector<scenes::ReportedBoundary> reported = {{31}, {76}, {136}};
  const auto exact = scenes::score_boundaries(truth(), reported, 0);
  EXPECT_EQ(exact.hard.true_positives, 1);
  EXPECT_EQ(exact.hard.false_positives, 2);
  EXPECT_EQ(exact.missed_cuts, (std::vector<int64_t>{30, 137}));
  const auto near = scenes::score_boundaries(truth(), reported, 1);
  EXPECT_EQ(near.hard.true_positives, 3);
  EXPECT_EQ(near.hard.f1(), 1.0);
  EXPECT_EQ(near.gradual.false_negatives, 1);  // the fade was not reported
  EXPECT_NEAR(near.overall.recall(), 0.75, 1e-12);
}

TEST(SceneEval, MatchingIsOneToOneAndGreedyInOrder) {
  // Two reports next to one cut: the first takes it, the second is a false positive.
  const auto s = scenes::score_boundaries(truth(), {{29}, {30}, {76}, {137}}, 1);
  EXPECT_EQ(s.hard.true_positives, 3);
  EXPECT_EQ(s.overall.false_positives, 1);
  EXPECT_EQ(s.false_positives, (std::vector<int64_t>{30}));
}

TEST(SceneEval, GradualTransitionCountsOnceWithinOneFrameOfItsInterval) {
  const auto s = scenes::score_boundaries(truth(), {{179, CutKind::dissolve}, {190, CutKind::dissolve}}, 1);
  EXPECT_EQ(s.gradual.true_positives, 1);
  EXPECT_EQ(s.gradual.false_positives, 1);
  EXPECT_EQ(s.overall.false_positives, 1);
  const auto outside = scenes::score_boundaries(truth(), {{178, CutKind::dissolve}}, 1);
  EXPECT_EQ(outside.gradual.true_positives, 0);
}

TEST(SceneEval, CutsInsideAFlashAreFlashFalsePositives) {
  const auto s = scenes::score_boundaries(truth(), {{30}, {76}, {137}, {250}, {252}}, 1);
  EXPECT_EQ(s.flash_false_positives, 2);
  EXPECT_EQ(s.overall.false_positives, 2);
  EXPECT_NEAR(s.hard.precision(), 0.6, 1e-12);
}

TEST(SceneEval, ReadsTruthAndSceneListFiles) {
  pressreel::testing::TempDir dir;
  std::ofstream(dir / "t.json") << R"({"clip": "t.mp4", "frames": 90, "fps": "25/1", "cuts": [40, 20],
                                       "gradual": [[50, 60]], "flashes": []})";
  const auto t = scenes::read_truth(dir / "t.json");
  EXPECT_EQ(t.cuts, (std::vector<int64_t>{20, 40}));
  ASSERT_EQ(t.gradual.size(), 1u);
  EXPECT_EQ(t.gradual[0], (scenes::FrameRange{50, 60}));
  std::ofstream(dir / "d.json") << R"({"cuts": [{"frame": 20, "kind": "cut"}, {"frame": 61, "kind": "fade"}]})";
  const auto d = scenes::read_reported(dir / "d.json");
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[1].kind, CutKind::fade);
  EXPECT_EQ(scenes::score_boundaries(t, d, 0).overall.true_positives, 2);
  std::ofstream(dir / "bad.json") << "{";
  EXPECT_THROW(scenes::read_truth(dir / "bad.json"), std::runtime_error);
}

}  // namespace
