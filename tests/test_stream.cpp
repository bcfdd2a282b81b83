// HLS and DASH over the same CMAF segments, packaged from written renditions and checked against the
// specs a player relies on: RFC 8216 for the playlists, DASH-IF IOP for the MPD. (Apple's
// mediastreamvalidator is not available here; tests/browser/stream.test.js plays the result in
// Chromium with hls.js.)
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "pressreel/media/decode_pass.hpp"
#include "pressreel/media/error.hpp"
#include "pressreel/media/probe.hpp"
#include "pressreel/preview/rendition_encoder.hpp"
#include "pressreel/preview/stream_packager.hpp"
#include "test_preview_readback.hpp"
#include "test_support.hpp"

namespace {

using namespace pressreel;
using pressreel::testing::read_text;
using pressreel::testing::TempDir;
namespace fs = std::filesystem;

// The renditions as the preview stage writes them (closed 2 s GOPs, AAC), from a generated clip.
std::vector<fs::path> write_renditions(const fs::path& folder, bool audio, double seconds = 9.0) {
  const fs::path source = folder / "source.mp4";
  std::vector<std::string> args = {"-f", "lavfi", "-i", fmt::format("testsrc2=size=640x360:rate=25:duration={}", seconds)};
  if (audio) {
    args.insert(args.end(), {"-f", "lavfi", "-i", fmt::format("sine=frequency=440:duration={}", seconds), "-c:a", "aac"});
  }
  args.insert(args.end(), {"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"});
  pressreel::testing::ffmpeg(args, source);
  preview::PreviewOptions options;
  options.renditions = {{.name = "360p", .height = 360, .maxrate = 1500000, .bufsize = 3000000},
                        {.name = "240p", .height = 240, .maxrate = 600000, .bufsize = 1200000}};
  const media::ProbeResult probe = media::probe(source);
  preview::RenditionEncoder encoder(folder, options);
  media::FrameSink* sinks[] = {&encoder};
  media::run_decode_pass(probe, sinks);
  return {folder / "preview-360p.mp4", folder / "preview-240p.mp4"};
}

std::vector<std::string> lines_of(const fs::path& file) {
  std::istringstream in(read_text(file));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The attribute list of an HLS tag line ("#EXT-X-STREAM-INF:BANDWIDTH=1,CODECS=\"a,b\""), unquoted.
std::map<std::string, std::string> attributes(const std::string& line) {
  std::map<std::string, std::string> out;
  static const std::regex attribute(R"(([A-Z0-9-]+)=("[^"]*"|[^,]*))");
  const std::string list = line.substr(line.find(':') + 1);
  for (std::sregex_iterator it(list.begin(), list.end(), attribute), end; it != end; ++it) {
    std::string value = (*it)[2];
    if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
    out[(*it)[1]] = value;
  }
  return out;
}

// The first video packet of one CMAF segment, read as a player does: the init segment, then it.
struct SegmentStart {
  bool keyframe = false;
  double time = -1.0;
};
SegmentStart first_video_packet(const fs::path& init, const fs::path& segment, const fs::path& scratch) {
  pressreel::testing::write_text(scratch, read_text(init) + read_text(segment));
  media::FormatContextPtr input = media::open_input(scratch);
  const int index = av_find_best_stream(input.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  media::PacketPtr packet = media::make_packet();
  SegmentStart start;
  while (av_read_frame(input.get(), packet.get()) >= 0) {
    if (packet->stream_index == index) {
      start = {(packet->flags & AV_PKT_FLAG_KEY) != 0, packet->pts * av_q2d(input->streams[index]->time_base)};
      break;
    }
    av_packet_unref(packet.get());
  }
  return start;
}

// ISO 8601 durations as the MPD writes them ("PT9.0S", "PT1M4.5S").
double iso_seconds(const std::string& text) {
  std::smatch m;
  static const std::regex duration(R"(PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)");
  if (!std::regex_match(text, m, duration)) return -1.0;
  return (m[1].matched ? std::stod(m[1]) * 3600 : 0) + (m[2].matched ? std::stod(m[2]) * 60 : 0) +
         (m[3].matched ? std::stod(m[3]) : 0);
}

class Stream : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    renditions_ = new std::vector<fs::path>(write_renditions(*dir_ / "clip", true));
    report_ = new nlohmann::json(preview::package_stream(*dir_ / "clip", *renditions_, {}, "clip.mp4"));
  }
  static void TearDownTestSuite() {
    delete report_;
    delete renditions_;
    delete dir_;
  }
  static fs::path stream(const std::string& name) { return *dir_ / "clip" / "stream" / name; }

  static inline TempDir* dir_ = nullptr;
  static inline std::vector<fs::path>* renditions_ = nullptr;
  static inline nlohmann::json* report_ = nullptr;
};

TEST_F(Stream, MasterPlaylistNamesEveryRenditionWithItsCodecsSizeBandwidthAndTheAudioGroup) {
  const auto lines = lines_of(stream("master.m3u8"));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], "#EXTM3U");  // RFC 8216 4.3.1.1: the first line
  EXPECT_EQ(std::count_if(lines.begin(), lines.end(), [](const auto& l) { return l.starts_with("#EXT-X-VERSION:"); }), 1);
  EXPECT_NE(std::find(lines.begin(), lines.end(), "#EXT-X-INDEPENDENT-SEGMENTS"), lines.end());

  std::set<std::string> audio_groups;
  for (const auto& line : lines) {
    if (!line.starts_with("#EXT-X-MEDIA:")) continue;
    auto a = attributes(line);
    EXPECT_EQ(a["TYPE"], "AUDIO");
    EXPECT_FALSE(a["NAME"].empty());  // 4.3.4.1: TYPE, GROUP-ID and NAME are required
    ASSERT_FALSE(a["GROUP-ID"].empty());
    EXPECT_TRUE(fs::is_regular_file(stream(a["URI"]))) << a["URI"];
    audio_groups.insert(a["GROUP-ID"]);
  }
  ASSERT_EQ(audio_groups.size(), 1u) << "the audio is one group, taken once";

  std::vector<std::pair<int, int>> sizes;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!lines[i].starts_with("#EXT-X-STREAM-INF:")) continue;
    auto a = attributes(lines[i]);
    EXPECT_GT(std::stoll(a["BANDWIDTH"]), 0);  // 4.3.4.2: required, the peak segment bit rate
    EXPECT_TRUE(a["CODECS"].starts_with("avc1.64")) << a["CODECS"];  // H.264 High
    EXPECT_NE(a["CODECS"].find("mp4a.40.2"), std::string::npos) << a["CODECS"];
    EXPECT_EQ(a["AUDIO"], *audio_groups.begin());
    int width = 0, height = 0;
    ASSERT_EQ(std::sscanf(a["RESOLUTION"].c_str(), "%dx%d", &width, &height), 2) << a["RESOLUTION"];
    sizes.emplace_back(width, height);
    // The URI line follows the tag.
    ASSERT_LT(i + 1, lines.size());
    EXPECT_TRUE(fs::is_regular_file(stream(lines[i + 1]))) << lines[i + 1];
  }
  EXPECT_EQ(sizes, (std::vector<std::pair<int, int>>{{640, 360}, {426, 240}}));
}

TEST_F(Stream, MediaPlaylistsAreCompleteFmp4PlaylistsWithinTheirTargetDuration) {
  int playlists = 0;
  for (const auto& entry : fs::directory_iterator(stream(""))) {
    if (entry.path().extension() != ".m3u8" || entry.path().filename() == "master.m3u8") continue;
    ++playlists;
    SCOPED_TRACE(entry.path().filename().string());
    const auto lines = lines_of(entry.path());
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines[0], "#EXTM3U");
    EXPECT_EQ(lines.back(), "#EXT-X-ENDLIST");
    int version = 0, target = -1, maps = 0;
    double total = 0.0;
    std::vector<double> durations;
    for (size_t i = 0; i < lines.size(); ++i) {
      const std::string& line = lines[i];
      EXPECT_FALSE(line.starts_with("#EXT-X-PROGRAM-DATE-TIME")) << "a wall-clock date makes every run differ";
      if (line.starts_with("#EXT-X-VERSION:")) version = std::stoi(line.substr(15));
      if (line.starts_with("#EXT-X-TARGETDURATION:")) target = std::stoi(line.substr(22));
      if (line.starts_with("#EXT-X-MAP:")) {
        ++maps;
        EXPECT_TRUE(fs::is_regular_file(stream(attributes(line)["URI"])));
      }
      if (line.starts_with("#EXTINF:")) {
        const double d = std::stod(line.substr(8));
        durations.push_back(d);
        total += d;
        ASSERT_LT(i + 1, lines.size());
        EXPECT_TRUE(fs::is_regular_file(stream(lines[i + 1]))) << lines[i + 1];
      }
    }
    EXPECT_GE(version, 6);  // 4.3.2.5 / 7: EXT-X-MAP in a playlist without I-FRAMES-ONLY needs version 6
    EXPECT_EQ(maps, 1);     // fMP4 segments need their initialisation section
    EXPECT_NE(std::find(lines.begin(), lines.end(), "#EXT-X-PLAYLIST-TYPE:VOD"), lines.end());
    ASSERT_GT(target, 0);
    ASSERT_EQ(durations.size(), 3u);  // 9 s in 4 s segments
    for (double d : durations) EXPECT_LE(std::lround(d), target) << "4.3.3.1: every EXTINF rounded <= target";
    EXPECT_NEAR(total, 9.0, 0.1);
  }
  EXPECT_EQ(playlists, 3);  // two renditions and the audio
}

TEST_F(Stream, MpdIsAStaticLiveProfileManifestWithOneVideoSetOfTheRenditionsAndOneAudioSet) {
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_file(stream("manifest.mpd").c_str()));
  const pugi::xml_node mpd = doc.child("MPD");
  EXPECT_STREQ(mpd.attribute("type").value(), "static");
  EXPECT_NE(std::string(mpd.attribute("profiles").value()).find("urn:mpeg:dash:profile:isoff-live:2011"), std::string::npos);
  EXPECT_NEAR(iso_seconds(mpd.attribute("mediaPresentationDuration").value()), 9.0, 0.1);
  EXPECT_GT(iso_seconds(mpd.attribute("minBufferTime").value()), 0.0);
  // DASH-IF IOP: a static presentation carries no availability or publish times.
  EXPECT_TRUE(mpd.attribute("availabilityStartTime").empty());
  EXPECT_TRUE(mpd.attribute("publishTime").empty());

  const auto periods = mpd.children("Period");
  ASSERT_EQ(std::distance(periods.begin(), periods.end()), 1);
  std::map<std::string, std::vector<pugi::xml_node>> sets;
  for (const pugi::xml_node set : mpd.child("Period").children("AdaptationSet")) {
    sets[set.attribute("contentType").value()].push_back(set);
  }
  ASSERT_EQ(sets["video"].size(), 1u);
  ASSERT_EQ(sets["audio"].size(), 1u);
  for (const auto& [type, list] : sets) {
    const pugi::xml_node set = list.front();
    SCOPED_TRACE(type);
    // IOP 3.2.2: segments aligned and starting with a stream access point, so a player switches anywhere.
    EXPECT_STREQ(set.attribute("segmentAlignment").value(), "true");
    EXPECT_STREQ(set.attribute("startWithSAP").value(), "1");
    for (const pugi::xml_node rep : set.children("Representation")) {
      EXPECT_GT(rep.attribute("bandwidth").as_llong(), 0);
      const std::string codecs = rep.attribute("codecs").value();
      EXPECT_TRUE(type == "video" ? codecs.starts_with("avc1.64") : codecs == "mp4a.40.2") << codecs;
      const pugi::xml_node tmpl = rep.child("SegmentTemplate");
      ASSERT_TRUE(tmpl);
      const std::string id = rep.attribute("id").value();
      const auto expand = [&](std::string name, int number) {
        name = std::regex_replace(name, std::regex(R"(\$RepresentationID\$)"), id);
        return std::regex_replace(name, std::regex(R"(\$Number%05d\$)"), fmt::format("{:05d}", number));
      };
      EXPECT_TRUE(fs::is_regular_file(stream(expand(tmpl.attribute("initialization").value(), 0))));
      // Every segment of the timeline exists: S@r repeats an S r more times.
      int number = tmpl.attribute("startNumber").as_int(1), segments = 0;
      for (const pugi::xml_node s : tmpl.child("SegmentTimeline").children("S")) {
        for (int r = 0; r <= s.attribute("r").as_int(0); ++r, ++number, ++segments) {
          EXPECT_TRUE(fs::is_regular_file(stream(expand(tmpl.attribute("media").value(), number)))) << number;
        }
      }
      EXPECT_EQ(segments, 3);
    }
  }
  const auto video = sets["video"].front().children("Representation");
  EXPECT_EQ(std::distance(video.begin(), video.end()), 2);
}

TEST_F(Stream, EverySegmentOfEveryRenditionStartsWithAKeyframeAtTheSameTime) {
  for (int number = 1; number <= 3; ++number) {
    const std::string chunk = fmt::format("{:05d}.m4s", number);
    const SegmentStart first = first_video_packet(stream("init-0.m4s"), stream("chunk-0-" + chunk), *dir_ / "a.mp4");
    const SegmentStart second = first_video_packet(stream("init-1.m4s"), stream("chunk-1-" + chunk), *dir_ / "b.mp4");
    EXPECT_TRUE(first.keyframe && second.keyframe) << "segment " << number;
    EXPECT_NEAR(first.time, (number - 1) * 4.0, 0.001);
    EXPECT_NEAR(first.time, second.time, 1e-6) << "segment " << number;
  }
}

TEST_F(Stream, ReportNamesThePlaylistsAndEachRenditionsPeakBandwidth) {
  const nlohmann::json& r = *report_;
  EXPECT_EQ(r["hls"], "stream/master.m3u8");
  EXPECT_EQ(r["dash"], "stream/manifest.mpd");
  ASSERT_EQ(r["renditions"].size(), 2u);
  EXPECT_EQ(r["renditions"][0]["file"], "preview-360p.mp4");
  EXPECT_EQ(r["renditions"][0]["height"], 360);
  EXPECT_EQ(r["renditions"][0]["segments"], 3);
  // The peak over a segment is at least the file's average video rate (the whole file's less the audio's).
  const media::ProbeResult probe = media::probe(renditions_->front());
  ASSERT_NE(probe.main_audio(), nullptr);
  EXPECT_GE(r["renditions"][0]["bandwidth"].get<double>(), 0.99 * (probe.bit_rate - probe.main_audio()->bit_rate));
  EXPECT_EQ(r["audio"]["playlist"], "stream/media_2.m3u8");
  // The progressive MP4s stay.
  for (const auto& file : *renditions_) EXPECT_TRUE(fs::is_regular_file(file));
}

TEST_F(Stream, PackagingTheSameRenditionsAgainGivesTheSameBytes) {
  const fs::path again = *dir_ / "again";
  fs::create_directories(again);
  preview::package_stream(again, *renditions_, {}, "clip.mp4");
  int files = 0;
  for (const auto& entry : fs::directory_iterator(stream(""))) {
    ++files;
    EXPECT_EQ(read_text(entry.path()), read_text(again / "stream" / entry.path().filename()))
        << entry.path().filename();
  }
  EXPECT_EQ(files, 3 + 3 * 3 + 3 + 1 + 1);  // inits, segments, media playlists, master, MPD
}

TEST(StreamPackaging, VideoOnlyRenditionsGetNoAudioGroup) {
  TempDir dir;
  const auto renditions = write_renditions(dir / "clip", false, 5.0);
  const nlohmann::json report = preview::package_stream(dir / "clip", renditions, {}, "clip.mp4");
  EXPECT_TRUE(report["audio"].is_null());
  const std::string master = read_text(dir / "clip" / "stream" / "master.m3u8");
  EXPECT_EQ(master.find("#EXT-X-MEDIA:"), std::string::npos);
  EXPECT_EQ(master.find("AUDIO="), std::string::npos);
  EXPECT_NE(master.find("#EXT-X-STREAM-INF:"), std::string::npos);
}

TEST(StreamPackaging, AFailureNamesTheClipAndStageAndLeavesNoFolderBehind) {
  TempDir dir;
  const fs::path clip = dir / "clip";
  // A VP9 file is no H.264 rendition.
  pressreel::testing::make_test_clip(clip / "preview-720p.webm", 10, "25", {"-c:v", "libvpx-vp9"});
  try {
    preview::package_stream(clip, {clip / "preview-720p.webm"}, {}, "films/x.mp4");
    FAIL() << "packaged a VP9 file";
  } catch (const media::MediaError& e) {
    EXPECT_EQ(e.stage(), "stream");
    EXPECT_NE(std::string(e.what()).find("films/x.mp4: stream: preview-720p.webm: video is not H.264"), std::string::npos)
        << e.what();
  }
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(clip)) left.push_back(entry.path().filename().string());
  EXPECT_EQ(left, std::vector<std::string>{"preview-720p.webm"});
}

}  // namespace
