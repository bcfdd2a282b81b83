// media::StreamReader, the one reader of a clip: what it keeps, and how it ends.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>

#include "media/stream_reader.hpp"
#include "pressreel/media/error.hpp"
#include "test_support.hpp"

extern "C" {
#include <libavformat/avformat.h>
#include <libavformat/avio.h>
}

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

// A clip's bytes read through a custom AVIOContext whose reads fail with EIO from byte `fail_at` on:
// a disk or network read failing in the middle of the file. Seeks still work (as they would on a
// failing disk: the demuxer's index is already read).
class FailingInput {
 public:
  FailingInput(const std::filesystem::path& clip, int64_t fail_at) : fail_at_(fail_at) {
    std::ifstream in(clip, std::ios::binary);
    bytes_.assign(std::istreambuf_iterator<char>(in), {});
    auto* buffer = static_cast<unsigned char*>(av_malloc(buffer_size));
    io_ = avio_alloc_context(buffer, buffer_size, 0, this, &FailingInput::read, nullptr, &FailingInput::seek);
  }
  ~FailingInput() {
    if (io_ != nullptr) av_freep(&io_->buffer);
    avio_context_free(&io_);
  }
  FailingInput(const FailingInput&) = delete;
  FailingInput& operator=(const FailingInput&) = delete;

  int64_t size() const { return static_cast<int64_t>(bytes_.size()); }
  // A demuxer on these bytes, opened as media::open_input would (stream info read). The caller's
  // reader must go before this object, which owns the I/O context.
  media::FormatContextPtr open() {
    AVFormatContext* raw = avformat_alloc_context();
    raw->pb = io_;  // custom I/O: avformat_close_input leaves it to us
    EXPECT_GE(avformat_open_input(&raw, nullptr, nullptr, nullptr), 0);
    media::FormatContextPtr input(raw);
    EXPECT_GE(avformat_find_stream_info(input.get(), nullptr), 0);
    return input;
  }

 private:
  static constexpr int buffer_size = 4096;

  static int read(void* opaque, uint8_t* buf, int size) {
    auto& self = *static_cast<FailingInput*>(opaque);
    if (self.pos_ >= self.fail_at_) return AVERROR(EIO);
    if (self.pos_ >= self.size()) return AVERROR_EOF;
    const int64_t n = std::min({int64_t{size}, self.fail_at_ - self.pos_, self.size() - self.pos_});
    std::memcpy(buf, self.bytes_.data() + self.pos_, static_cast<size_t>(n));
    self.pos_ += n;
    return static_cast<int>(n);
  }
  static int64_t seek(void* opaque, int64_t offset, int whence) {
    auto& self = *static_cast<FailingInput*>(opaque);
    if (whence & AVSEEK_SIZE) return self.size();
    whence &= ~AVSEEK_FORCE;
    const int64_t base = whence == SEEK_CUR ? self.pos_ : whence == SEEK_END ? self.size() : 0;
    if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END) return AVERROR(EINVAL);
    self.pos_ = base + offset;
    return self.pos_;
  }

  std::string bytes_;
  int64_t fail_at_;
  int64_t pos_ = 0;
  AVIOContext* io_ = nullptr;
};

// The index at the front, so that the demuxer opens from the first bytes and reads the rest in order.
std::filesystem::path faststart_clip(const TempDir& dir) {
  std::vector<std::string> args = {"-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25", "-f", "lavfi",
                                   "-i", "sine", "-t", "2", "-c:v", "libx264", "-preset", "ultrafast",
                                   "-c:a", "aac", "-movflags", "+faststart"};
  pressreel::testing::ffmpeg(args, dir / "faststart.mp4");
  return dir / "faststart.mp4";
}

TEST(StreamReader, AnIoErrorMidFileFailsNamingTheClipInsteadOfEndingTheInput) {
  TempDir dir;
  const media::ProbeResult probe = media::probe(faststart_clip(dir));
  FailingInput halfway(probe.path, static_cast<int64_t>(std::filesystem::file_size(probe.path)) / 2);
  media::StreamReader reader(halfway.open(), probe.path.string(), video_and_audio(probe), {});
  size_t video = 0;
  try {
    while (reader.decode_next()) {
      for (; !reader.video_frames().empty(); reader.video_frames().pop_front()) ++video;
    }
    FAIL() << "a read that failed with EIO after " << video << " frames passed for the end of the file";
  } catch (const media::MediaError& e) {
    EXPECT_EQ(e.clip(), probe.path.string());
    EXPECT_EQ(e.stage(), "teaser");
    EXPECT_NE(e.cause().find(media::av_error_string(AVERROR(EIO))), std::string::npos) << e.what();
  }
  EXPECT_GT(video, 5u) << "the error came in the middle of the file, not at its start";
  EXPECT_LT(video, 50u);
}

TEST(StreamReader, TheSameBytesReadWithoutAnErrorReachTheEndOfTheFile) {
  // The check on FailingInput itself: with no failure it gives the whole clip, with no error.
  TempDir dir;
  const media::ProbeResult probe = media::probe(faststart_clip(dir));
  FailingInput whole(probe.path, std::numeric_limits<int64_t>::max());
  media::StreamReader reader(whole.open(), probe.path.string(), video_and_audio(probe), {});
  size_t video = 0;
  while (reader.decode_next()) {
    for (; !reader.video_frames().empty(); reader.video_frames().pop_front()) ++video;
  }
  for (; !reader.video_frames().empty(); reader.video_frames().pop_front()) ++video;
  EXPECT_EQ(video, 50u);
  EXPECT_EQ(reader.cut_off(), "");
}

}  // namespace
