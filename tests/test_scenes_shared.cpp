// The acceptance bar on the shared development footage (skipped where it is absent): F1 = 1.0 at a
// tolerance of one frame, every gradual transition found once, no cut inside a flash.
#include <gtest/gtest.h>

#include <algorithm>

#include "pressreel/media/decode_pass.hpp"
#include "pressreel/scenes/scene_detector.hpp"
#include "pressreel/scenes/scene_eval.hpp"
#include "test_support.hpp"

namespace {

using namespace pressreel;

class SharedFootage : public ::testing::TestWithParam<std::string> {};

TEST_P(SharedFootage, ScoresPerfectlyAtOneFrameTolerance) {
  const std::string clip_name = GetParam();
  PRESSREEL_SHARED_CLIP_OR_SKIP(clip, clip_name);
  const scenes::SceneTruth truth = scenes::read_truth(pressreel::testing::shared_truth(clip.stem().string()));
  scenes::SceneDetector detector;
  media::FrameSink* sinks[] = {&detector};
  media::run_decode_pass(media::probe(clip), sinks);
  const scenes::ToleranceScore score =
      scenes::score_boundaries(truth, scenes::reported_boundaries(detector.result()), 1);
  EXPECT_EQ(score.overall.f1(), 1.0) << "missed cuts " << ::testing::PrintToString(score.missed_cuts)
                                     << ", false positives " << ::testing::PrintToString(score.false_positives);
  EXPECT_EQ(score.gradual.false_negatives, 0);
  EXPECT_EQ(score.flash_false_positives, 0);
}

INSTANTIATE_TEST_SUITE_P(Clips, SharedFootage,
                         ::testing::Values("bikes.mp4", "megamind-trailer.avi", "big-buck-bunny-0-30.webm",
                                           "city-cc0.mpg", "broken-audio.mp4"),
                         [](const auto& info) {
                           std::string name = info.param.substr(0, info.param.find('.'));
                           for (char& c : name) c = (c == '-') ? '_' : c;
                           return name;
                         });

}  // namespace

namespace {

// The truth of fades-and-cuts lists two cuts and three fades but not the cross-dissolve from the
// stone to the tyre tread (frames 529-558, plainly visible): every listed boundary must be
// found, and the only extra one allowed is that dissolve.
TEST(SharedFootageFades, FindsEveryListedBoundaryAndNothingButTheUnlistedDissolve) {
  PRESSREEL_SHARED_CLIP_OR_SKIP(clip, "fades-and-cuts.mp4");
  const scenes::SceneTruth truth = scenes::read_truth(pressreel::testing::shared_truth("fades-and-cuts"));
  scenes::SceneDetector detector;
  media::FrameSink* sinks[] = {&detector};
  media::run_decode_pass(media::probe(clip), sinks);
  const scenes::SceneList found = detector.result();
  const scenes::ToleranceScore score = scenes::score_boundaries(truth, scenes::reported_boundaries(found), 1);
  EXPECT_EQ(score.overall.recall(), 1.0);
  for (const scenes::Cut& c : found.cuts) {
    const bool unlisted = std::find(score.false_positives.begin(), score.false_positives.end(), c.frame) !=
                          score.false_positives.end();
    if (unlisted) {
      EXPECT_EQ(c.kind, scenes::CutKind::dissolve) << c.frame;
      EXPECT_GE(c.first_frame, 525);
      EXPECT_LE(c.frame, 560);
    }
  }
}

}  // namespace
