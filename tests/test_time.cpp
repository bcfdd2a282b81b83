// media::RationalTime and media::TimeRange: exact sums in the finer base, and half-open ranges.
#include <gtest/gtest.h>

#include "pressreel/media/time.hpp"

namespace {

namespace media = pressreel::media;
using media::RationalTime;
using media::TimeRange;

constexpr AVRational ntsc{1001, 30000};
constexpr AVRational pal{1, 25};
constexpr AVRational ms{1, 1000};

bool same_base(AVRational a, AVRational b) { return av_cmp_q(a, b) == 0; }

TEST(RationalTime, SumsAndDifferencesKeepTheFinerBaseWhicheverSideItIsOn) {
  // A plain zero (base 1/1, as a clip's first shot starts) plus an NTSC frame: the frame's base, not 1/1.
  const RationalTime frame(1, ntsc);
  for (const RationalTime& sum : {RationalTime(0, {1, 1}) + frame, frame + RationalTime(0, {1, 1})}) {
    EXPECT_TRUE(same_base(sum.time_base(), {1, 30000})) << sum.time_base().num << "/" << sum.time_base().den;
    EXPECT_EQ(sum, frame);
  }
  // 1 s at 1/1 minus one NTSC frame: 1 - 1001/30000 exactly, in either order of bases.
  const RationalTime left = RationalTime(1, {1, 1}) - frame;
  EXPECT_EQ(left.fraction(), "28999/30000");
  EXPECT_EQ((RationalTime(30, ntsc) - RationalTime(1, {1, 1})).fraction(), "1/1000");
  // 1/25 and 1/30: both are whole multiples of 1/150.
  const RationalTime mixed = RationalTime(3, pal) + RationalTime(1, {1, 30});
  EXPECT_TRUE(same_base(mixed.time_base(), {1, 150}));
  EXPECT_EQ(mixed.ticks(), 18 + 5);
}

TEST(TimeRange, IsHalfOpenARangeEndingAtTDoesNotContainT) {
  const TimeRange shot{RationalTime(25, pal), RationalTime(50, pal)};
  EXPECT_TRUE(shot.contains(RationalTime(25, pal)));
  EXPECT_TRUE(shot.contains(RationalTime(49, pal)));
  EXPECT_FALSE(shot.contains(RationalTime(50, pal)));
  EXPECT_TRUE(shot.contains(RationalTime(1999, ms)));   // 1.999 s: the last millisecond before the end
  EXPECT_TRUE(shot.contains(RationalTime(1000, ms)));   // the start, in another base
  EXPECT_FALSE(shot.contains(RationalTime(2000, ms)));  // the end, in another base
  EXPECT_FALSE(shot.contains(RationalTime(999, ms)));
}

TEST(TimeRange, AdjacentShotsShareNoInstant) {
  const TimeRange first{RationalTime(0, {1, 1}), RationalTime(60, pal)};
  const TimeRange second{RationalTime(60, pal), RationalTime(180, pal)};
  const RationalTime meeting = first.end;
  EXPECT_FALSE(first.contains(meeting));
  EXPECT_TRUE(second.contains(meeting));
  // Every frame time of the clip is in exactly one of them.
  for (int64_t frame = 0; frame < 180; ++frame) {
    const RationalTime t(frame, pal);
    EXPECT_NE(first.contains(t), second.contains(t)) << "frame " << frame;
  }
}

TEST(TimeRange, EmptyWhenItEndsWhereItStarts) {
  const RationalTime t(2, {1, 1});
  EXPECT_TRUE((TimeRange{t, t}).empty());
  EXPECT_FALSE((TimeRange{t, t}).contains(t));
  EXPECT_TRUE((TimeRange{t, RationalTime(1, {1, 1})}).empty());  // backwards is empty too
  EXPECT_TRUE((TimeRange{RationalTime(2000, ms), RationalTime(50, pal)}).empty());  // the same instant, two bases
  EXPECT_FALSE((TimeRange{t, RationalTime(2001, ms)}).empty());
}

TEST(TimeRange, DurationIsExactWithMixedBases) {
  // From a plain zero to 100 NTSC frames: exactly 100 frames, in the frames' base.
  const TimeRange first_shot{RationalTime(0, {1, 1}), RationalTime(100, ntsc)};
  EXPECT_EQ(first_shot.duration(), RationalTime(100, ntsc));
  EXPECT_EQ(first_shot.duration().fraction(), "1001/300");
  // 1/25 to 1/30: 1.2 s - 1/30 s = 35/30 s, which neither base alone holds.
  const TimeRange mixed{RationalTime(1, {1, 30}), RationalTime(30, pal)};
  EXPECT_EQ(mixed.duration().fraction(), "7/6");
  EXPECT_EQ(mixed.duration(), RationalTime(35, {1, 30}));
}

}  // namespace
