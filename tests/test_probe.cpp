#include <gtest/gtest.h>
#include "pressreel/media/probe.hpp"
#include "test_support.hpp"
TEST(Probe, Smoke) {
  pressreel::testing::TempDir dir;
  auto clip = pressreel::testing::make_test_clip(dir / "a.mp4", 10, "25");
  auto p = pressreel::media::probe(clip);
  EXPECT_EQ(p.video.size(), 1u);
}
