// FrameGrabber::keyframe_at, the cheap look `thumbs` takes at many places of a clip: the keyframe at
// or before a time, one picture decoded, the same picture a decode from that keyframe starts with.
#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include "media/frame_grabber.hpp"
#include "pressreel/media/scaler.hpp"
#include "test_support.hpp"

namespace {

using namespace pressreel;
using pressreel::testing::TempDir;

cv::Mat pixels(const media::VideoFrame& f) {
  media::Scaler scaler;
  return scaler.to_bgr(f.picture.get(), {160, 90});
}

// 3 s at 25 fps, a keyframe every 10 frames (0.4 s), B-frames: the decoder reorders.
std::filesystem::path gop10_clip(const TempDir& dir) {
  const auto clip = dir / "gop10.mp4";
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-frames:v", "75", "-c:v",
                              "libx264", "-preset", "ultrafast", "-bf", "2", "-g", "10", "-keyint_min", "10",
                              "-sc_threshold", "0", "-pix_fmt", "yuv420p"},
                             clip);
  return clip;
}

TEST(FrameGrabberKeyframes, DecodesOnlyTheKeyframeBeforeTheTime) {
  TempDir dir;
  const auto clip = gop10_clip(dir);
  const media::ProbeResult probe = media::probe(clip);
  media::FrameGrabber grabber(probe);
  const AVRational tb = grabber.duration().time_base();
  for (const double seconds : {0.0, 0.39, 0.4, 1.3, 2.95}) {
    const std::optional<media::VideoFrame> key = grabber.keyframe_at(media::RationalTime::from_seconds(seconds, tb));
    ASSERT_TRUE(key.has_value()) << seconds;
    EXPECT_EQ(key->index, static_cast<int64_t>(seconds * 25) / 10 * 10) << seconds;
    // The same picture, and time, as the first frame of a decode from there.
    media::VideoFrame first;
    grabber.decode_from(media::RationalTime::from_seconds(seconds, tb), [&](const media::VideoFrame& f) {
      first = f;
      return false;
    });
    EXPECT_EQ(first.index, key->index);
    EXPECT_EQ(first.time, key->time);
    EXPECT_EQ(cv::norm(pixels(first), pixels(*key), cv::NORM_INF), 0.0) << seconds;
  }
  // A keyframe already seen (frame 30) is not decoded again.
  EXPECT_FALSE(grabber.keyframe_at(media::RationalTime::from_seconds(1.3, tb), 30).has_value());
  EXPECT_TRUE(grabber.keyframe_at(media::RationalTime::from_seconds(1.3, tb), 20).has_value());
}

// Reused across seeks without decoding anything twice: the first keyframe, decoded at the open, is
// not decoded again, and a second grabber of the same clip (another thread's) takes the first's time
// origin instead of decoding the first frame itself, giving the same frames at the same times.
TEST(FrameGrabberKeyframes, TheFirstFrameIsDecodedOnceAndASecondGrabberSharesIt) {
  TempDir dir;
  const auto clip = gop10_clip(dir);
  const media::ProbeResult probe = media::probe(clip);
  media::FrameGrabber grabber(probe);
  const AVRational tb = grabber.duration().time_base();
  const auto at = [&](double seconds) { return media::RationalTime::from_seconds(seconds, tb); };

  const std::optional<media::VideoFrame> first = grabber.keyframe_at(at(0.2));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->index, 0);
  EXPECT_EQ(first->time, media::RationalTime(0, tb));
  EXPECT_EQ(grabber.frames_decoded(), 0) << "the first frame was decoded again";

  media::FrameGrabber second(media::open_input(clip), probe, {}, {}, grabber);
  EXPECT_EQ(second.frames_decoded(), 0);
  for (const double seconds : {2.5, 0.0, 1.3}) {  // backwards too: the same decoder after each seek
    const std::optional<media::VideoFrame> mine = grabber.keyframe_at(at(seconds));
    const std::optional<media::VideoFrame> theirs = second.keyframe_at(at(seconds));
    ASSERT_TRUE(mine.has_value() && theirs.has_value()) << seconds;
    EXPECT_EQ(theirs->index, mine->index) << seconds;
    EXPECT_EQ(theirs->time, mine->time) << seconds;
    EXPECT_EQ(cv::norm(pixels(*theirs), pixels(*mine), cv::NORM_INF), 0.0) << seconds;
  }
  EXPECT_EQ(second.frames_decoded(), 2);  // 2.4 s and 1.2 s; frame 0 came from the open
  // Frame-exact reads agree as well, frame times counted from the same origin.
  const media::VideoFrame a = grabber.frame_at(at(1.77));
  const media::VideoFrame b = second.frame_at(at(1.77));
  EXPECT_EQ(a.index, 44);
  EXPECT_EQ(b.index, a.index);
  EXPECT_EQ(b.time, a.time);
  EXPECT_EQ(cv::norm(pixels(a), pixels(b), cv::NORM_INF), 0.0);
}

}  // namespace
