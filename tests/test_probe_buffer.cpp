// Probing clips held in memory: the same answer as probing the file, and the same refusals.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "pressreel/media/error.hpp"
#include "pressreel/media/probe_buffer.hpp"
#include "test_support.hpp"

namespace {

using namespace pressreel;
using pressreel::testing::ffmpeg;
using pressreel::testing::TempDir;

std::vector<std::uint8_t> read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::vector<std::uint8_t> bytes_of(const std::string& text) {
  return {text.begin(), text.end()};
}

// The stage and cause of the MediaError that probing `bytes` throws; fails the test when it does not throw.
std::string probe_error(const std::vector<std::uint8_t>& bytes, const media::InputPolicy& policy = {}) {
  try {
    media::probe_buffer(bytes, "upload", policy);
  } catch (const media::MediaError& e) {
    return e.stage() + ": " + e.cause();
  }
  ADD_FAILURE() << "probe_buffer accepted the input";
  return {};
}

class ProbeBufferContainers : public ::testing::TestWithParam<std::vector<std::string>> {};

TEST_P(ProbeBufferContainers, SameResultAsProbingTheFile) {
  TempDir dir;
  const std::vector<std::string>& encode = GetParam();
  const auto clip = dir / ("clip." + encode.front());
  std::vector<std::string> args = {"-f", "lavfi", "-i",        "testsrc2=size=320x180:rate=25",
                                   "-f", "lavfi", "-i",        "sine=frequency=440:sample_rate=48000",
                                   "-t", "1",     "-metadata", "title=Trailer 2"};
  args.insert(args.end(), encode.begin() + 1, encode.end());
  ffmpeg(args, clip);

  const nlohmann::json from_file = media::to_json(media::probe(clip));
  const nlohmann::json from_memory = media::to_json(media::probe_buffer(read_bytes(clip), clip.string()));
  EXPECT_EQ(from_memory, from_file);
  EXPECT_EQ(from_memory["video"].size(), 1u);
  EXPECT_EQ(from_memory["audio"].size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Containers, ProbeBufferContainers,
                         ::testing::Values(std::vector<std::string>{"mp4", "-c:v", "libx264", "-preset", "ultrafast",
                                                                    "-pix_fmt", "yuv420p", "-c:a", "aac"},
                                           std::vector<std::string>{"mkv", "-c:v", "libx264", "-preset", "ultrafast",
                                                                    "-c:a", "libopus"},
                                           std::vector<std::string>{"ts", "-c:v", "mpeg2video", "-c:a", "mp2"}),
                         [](const auto& info) { return info.param.front(); });

TEST(ProbeBuffer, RefusesAnHlsPlaylist) {
  const std::string playlist =
      "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\nfile:///etc/passwd\n"
      "#EXTINF:10.0,\nhttp://127.0.0.1:9/segment.ts\n#EXT-X-ENDLIST\n";
  EXPECT_EQ(probe_error(bytes_of(playlist)),
            "open: refused demuxer 'hls': it opens other files or URLs (allow it in the recipe's [input] "
            "allow_demuxers to use it)");
}

TEST(ProbeBuffer, AnAllowedPlaylistStillOpensNothing) {
  // Even with the hls demuxer allowed, an in-memory input has no protocol to open its segments with:
  // a real clip on disk named by the playlist stays unread.
  TempDir dir;
  const auto segment = dir / "segment.ts";
  ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25", "-t", "1", "-c:v", "mpeg2video"}, segment);
  const std::string playlist =
      "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\n" + segment.string() + "\n#EXT-X-ENDLIST\n";
  media::InputPolicy policy;
  policy.allow_demuxers = {"hls"};
  try {
    const media::ProbeResult result = media::probe_buffer(bytes_of(playlist), "upload.m3u8", policy);
    FAIL() << "the playlist opened: " << media::to_json(result).dump(1);
  } catch (const media::MediaError& e) {
    EXPECT_EQ(e.stage(), "open") << e.what();
  }
}

TEST(ProbeBuffer, RefusesAConcatList) {
  const std::string list = "ffconcat version 1.0\nfile '/etc/passwd'\n";
  EXPECT_EQ(probe_error(bytes_of(list)).substr(0, 31), "open: refused demuxer 'concat':");
}

TEST(ProbeBuffer, NamesEmptyAndUnrecognisedInput) {
  EXPECT_EQ(probe_error({}), "open: empty input (0 bytes)");
  EXPECT_EQ(probe_error(bytes_of("just some text, not a clip\n")).substr(0, 42),
            "open: not a media file FFmpeg recognises (");
}

TEST(ProbeBuffer, ATruncatedClipIsAnErrorOrAShorterClip) {
  TempDir dir;
  const auto clip = dir / "clip.mkv";
  ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25", "-t", "2", "-c:v", "libx264", "-preset", "ultrafast"},
         clip);
  std::vector<std::uint8_t> bytes = read_bytes(clip);
  ASSERT_GT(bytes.size(), 2000u);
  for (const size_t keep : {size_t{16}, size_t{300}, bytes.size() / 2}) {
    const std::vector<std::uint8_t> head(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(keep));
    try {
      const media::ProbeResult result = media::probe_buffer(head, "upload");
      EXPECT_EQ(result.size_bytes, keep);
    } catch (const media::MediaError& e) {
      EXPECT_EQ(e.clip(), "upload");
    }
  }
}

}  // namespace
