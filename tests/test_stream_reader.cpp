// media::StreamReader, the one reader of a clip: what it keeps, and how it ends.
#include <gtest/gtest.h>

#include <atomic>

#include "media/stream_reader.hpp"
#include "pressreel/media/error.hpp"
#include "test_support.hpp"

namespace {

namespace media = pressreel::media;
using pressreel::testing::TempDir;

media::ReaderStreams video_and_audio(const media::ProbeResult& probe) {
  media::ReaderStreams streams;
  streams.video = probe.main_video();
  streams.audio = probe.main_audio()->index;
  streams.stage = "teaser";
  return streams;
}

std::filesystem::path clip_with_audio(const TempDir& dir, const std::string& name = "clip.mp4") {
  std::vector<std::string> args = {"-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25", "-f", "lavfi",
                                   "-i", "sine", "-t", "2", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"};
  pressreel::testing::ffmpeg(args, dir / name);
  return dir / name;
}

TEST(StreamReader, DecodesTheKeptStreamsToTheEndOfTheFile) {
  TempDir dir;
  const media::ProbeResult probe = media::probe(clip_with_audio(dir));
  media::StreamReader reader(probe.path, video_and_audio(probe), {});
  size_t video = 0, audio = 0;
  for (bool more = true; more;) {
    more = reader.decode_next();
    for (; !reader.video_frames().empty(); reader.video_frames().pop_front()) ++video;
    for (; !reader.audio_frames().empty(); reader.audio_frames().pop_front()) ++audio;
  }
  EXPECT_EQ(video, 50u);
  EXPECT_GE(audio, 86u);  // 2 s of 1024-sample AAC frames at 44.1 kHz
  EXPECT_EQ(reader.cut_off(), "");
  EXPECT_EQ(reader.audio_error(), "");
}

TEST(StreamReader, ACancelledReadFailsInsteadOfEndingTheInput) {
  TempDir dir;
  const media::ProbeResult probe = media::probe(clip_with_audio(dir));
  std::atomic<bool> cancel = false;
  media::InputPolicy policy;
  policy.cancel = &cancel;
  media::StreamReader reader(probe.path, video_and_audio(probe), policy);
  ASSERT_NE(reader.read(), nullptr);
  cancel = true;
  try {
    reader.read();
    FAIL() << "a cancelled read passed for the end of the file";
  } catch (const media::MediaError& e) {
    EXPECT_EQ(e.stage(), "teaser");
    EXPECT_NE(std::string(e.what()).find("cancelled"), std::string::npos) << e.what();
  }
}

}  // namespace
