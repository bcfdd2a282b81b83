// Footage at a lower rate than its container's shows each picture two or three times. Each change
// between pictures then sits beside repeats that change nothing; judged against them it stood out as
// a cut. Busy motion shown twice or 2:3 must give no cut, and a real cut in it is found at the first
// frame of the new picture.
#include <gtest/gtest.h>

#include <vector>

#include "pressreel/media/decode_pass.hpp"
#include "pressreel/scenes/scene_detector.hpp"
#include "scenes/repeated_pictures.hpp"
#include "test_support.hpp"

namespace {

using namespace pressreel;
using pressreel::testing::ffmpeg;
using pressreel::testing::TempDir;

// A history whose frames repeat the picture before them where `repeats` says so.
scenes::FrameHistory history_of(const std::vector<bool>& repeats) {
  scenes::FrameHistory history(repeats.size() + 4);
  for (size_t i = 0; i < repeats.size(); ++i) {
    scenes::FrameRecord r;
    r.index = static_cast<int64_t>(i);
    r.diff.repeat = repeats[i];
    history.push(r);
  }
  return history;
}

TEST(RepeatedPictures, NeighboursSkipHeldRepeats) {
  // Pictures shown twice: frames 1, 3, 5 ... repeat the one before.
  const auto history = history_of({false, true, false, true, false, true, false, true, false, true, false, true});
  const scenes::DistinctNeighbours n = scenes::distinct_neighbours(history, 6, 2);
  EXPECT_EQ(n.before, (std::vector<int64_t>{4, 2}));
  EXPECT_EQ(n.after, (std::vector<int64_t>{8, 10}));
}

TEST(RepeatedPictures, TwoRepeatsInARowAreHeldButMoreAreAStill) {
  // 2:3: frames 3 and 4 repeat 2. Then a still from frame 7 on: its nothing is the change there is.
  const auto history = history_of({false, false, false, true, true, false, false, true, true, true, true, true});
  EXPECT_TRUE(scenes::held_repeat(history, 3));
  EXPECT_TRUE(scenes::held_repeat(history, 4));
  EXPECT_FALSE(scenes::held_repeat(history, 8));
  const scenes::DistinctNeighbours n = scenes::distinct_neighbours(history, 6, 2);
  EXPECT_EQ(n.before, (std::vector<int64_t>{5, 2}));
  EXPECT_EQ(n.after, (std::vector<int64_t>{7, 8}));
}

TEST(RepeatedPictures, FootageWithoutRepeatsHasItsPlainNeighbours) {
  const auto history = history_of(std::vector<bool>(10, false));
  const scenes::DistinctNeighbours n = scenes::distinct_neighbours(history, 1, 2);
  EXPECT_EQ(n.before, std::vector<int64_t>{});  // frame 0 has no difference to compare
  EXPECT_EQ(n.after, (std::vector<int64_t>{2, 3}));
}

std::vector<int64_t> cut_frames(const std::filesystem::path& clip) {
  scenes::SceneDetector detector;
  media::FrameSink* sinks[] = {&detector};
  media::run_decode_pass(media::probe(clip), sinks, {});
  std::vector<int64_t> frames;
  for (const scenes::Cut& cut : detector.result().cuts) frames.push_back(cut.frame);
  return frames;
}

void encode(std::vector<std::string> args, const std::filesystem::path& clip) {
  for (const char* a : {"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"}) args.emplace_back(a);
  ffmpeg(args, clip);
}

// A hand-held camera shaking hard over a still picture, 60 frames at 25 fps, each picture shown twice.
// The same shake with a new picture every frame is no cut either (a check that it is motion).
const std::string kShakeTwice =
    "mandelbrot=s=640x360:r=25,trim=end_frame=1,loop=loop=59:size=1,setpts=N/25/TB,"
    "crop=320:180:x='150+140*sin(floor(n/2)*1.3)':y='90+80*sin(floor(n/2)*0.7)'";
// A pan over a zooming fractal made at 10 fps, shown 2:3 in 25 fps.
const std::string kPanTwoThree = "mandelbrot=s=320x180:r=10,trim=end_frame=24,scroll=h=0.04:v=0.02,fps=25";

TEST(SceneDetector, MotionWithEveryPictureShownTwiceIsNotACut) {
  TempDir dir;
  const auto clip = dir / "shake-twice.mp4";
  encode({"-f", "lavfi", "-i", kShakeTwice}, clip);
  EXPECT_EQ(cut_frames(clip), std::vector<int64_t>{});
  const auto every_frame = dir / "shake.mp4";
  std::string shake = kShakeTwice;
  for (size_t at; (at = shake.find("floor(n/2)")) != std::string::npos;) shake.replace(at, 10, "n");
  encode({"-f", "lavfi", "-i", shake}, every_frame);
  EXPECT_EQ(cut_frames(every_frame), std::vector<int64_t>{});
}

TEST(SceneDetector, ACutInFootageShownTwiceIsAtTheNewPicturesFirstFrame) {
  TempDir dir;
  const auto clip = dir / "shake-twice-cut.mp4";
  encode({"-f", "lavfi", "-i", kShakeTwice, "-f", "lavfi", "-i", "testsrc2=s=320x180:r=12.5:d=2,fps=25",
          "-filter_complex", "[0][1]concat=n=2:v=1"},
         clip);
  EXPECT_EQ(cut_frames(clip), std::vector<int64_t>{60});
}

TEST(SceneDetector, MotionShownTwoThreeIsNotACut) {
  TempDir dir;
  const auto clip = dir / "pan-2-3.mp4";
  encode({"-f", "lavfi", "-i", kPanTwoThree}, clip);
  EXPECT_EQ(cut_frames(clip), std::vector<int64_t>{});
}

TEST(SceneDetector, ACutInFootageShownTwoThreeIsAtTheNewPicturesFirstFrame) {
  TempDir dir;
  const auto clip = dir / "pan-2-3-cut.mp4";
  encode({"-f", "lavfi", "-i", kPanTwoThree, "-f", "lavfi", "-i", "testsrc2=s=320x180:r=10:d=1.6,fps=25",
          "-filter_complex", "[0][1]concat=n=2:v=1"},
         clip);
  EXPECT_EQ(cut_frames(clip), std::vector<int64_t>{60});
}

}  // namespace
