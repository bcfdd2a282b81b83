// The probe, on clips generated with exactly known properties.
#include <gtest/gtest.h>

#include <fstream>

#include "pressreel/media/error.hpp"
#include "pressreel/media/probe.hpp"
#include "test_support.hpp"

namespace {

using namespace pressreel;
using pressreel::testing::ffmpeg;
using pressreel::testing::make_test_clip;
using pressreel::testing::TempDir;

TEST(Probe, ReportsContainerStreamsAndTiming) {
  TempDir dir;
  const auto clip = dir / "clip.mp4";
  ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
          "-frames:v", "50", "-t", "2", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "6",
          "-metadata", "title=Dolor y gloria — tráiler", "-metadata:s:v:0", "language=spa"},
         clip);
  const media::ProbeResult p = media::probe(clip);
  EXPECT_EQ(p.container, "mov,mp4,m4a,3gp,3g2,mj2");
  EXPECT_EQ(p.metadata.at("title"), "Dolor y gloria — tráiler");
  ASSERT_EQ(p.streams.size(), 2u);
  const media::VideoStreamInfo* v = p.main_video();
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->codec, "h264");
  EXPECT_EQ(v->profile, "High");
  EXPECT_EQ(v->width, 320);
  EXPECT_EQ(v->height, 240);
  EXPECT_EQ(v->display_aspect, (media::Rational{4, 3}));
  EXPECT_EQ(v->frame_rate, (media::Rational{25, 1}));
  EXPECT_FALSE(v->variable_frame_rate);
  EXPECT_EQ(v->pixel_format, "yuv420p");
  EXPECT_EQ(v->bit_depth, 8);
  EXPECT_EQ(v->frame_count, 50);
  EXPECT_EQ(v->rotation, 0);
  EXPECT_EQ(v->metadata.at("language"), "spa");
  const media::AudioStreamInfo* a = p.main_audio();
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->codec, "aac");
  EXPECT_EQ(a->channels, 6);
  EXPECT_EQ(a->channel_layout, "5.1");
  EXPECT_EQ(a->sample_rate, 48000);
  EXPECT_NEAR(p.duration_seconds, 2.0, 0.05);
}

TEST(Probe, ReadsRotationFromTheDisplayMatrix) {
  TempDir dir;
  const auto plain = make_test_clip(dir / "plain.mp4", 10, "25", {}, 320, 240);
  const auto rotated = dir / "rotated.mp4";
  ffmpeg({"-i", plain.string(), "-c", "copy", "-metadata:s:v:0", "rotate=90"}, rotated);
  const auto v = *media::probe(rotated).main_video();
  EXPECT_TRUE(v.rotation == 90 || v.rotation == 270) << v.rotation;
  EXPECT_EQ(v.display_width, 240);
  EXPECT_EQ(v.display_height, 320);
}

TEST(Probe, AppliesSampleAspectRatioToTheDisplaySize) {
  TempDir dir;
  const auto clip = make_test_clip(dir / "anamorphic.mp4", 10, "25", {"-vf", "setsar=4/3"}, 360, 240);
  const auto v = *media::probe(clip).main_video();
  EXPECT_EQ(v.sample_aspect, (media::Rational{4, 3}));
  EXPECT_EQ(v.display_aspect, (media::Rational{2, 1}));
  EXPECT_EQ(v.display_width, 480);
  EXPECT_EQ(v.display_height, 240);
}

TEST(Probe, FlagsVariableFrameRate) {
  TempDir dir;
  // Frame durations alternate between 1 and 3 ticks of 1/50 s.
  const auto clip = make_test_clip(dir / "vfr.mkv", 40, "25",
                                   {"-vf", "settb=1/50,setpts='N+floor(N/2)*2'", "-fps_mode", "passthrough",
                                    "-enc_time_base", "1:50"});
  EXPECT_TRUE(media::probe(clip).main_video()->variable_frame_rate);
  const auto cfr = make_test_clip(dir / "cfr.mkv", 40, "25");
  EXPECT_FALSE(media::probe(cfr).main_video()->variable_frame_rate);
}

// The timing check reads packets in decode order. With B-frames, the last packets read can be a
// P-frame whose B-frames come after the window: their missing timestamps must not look like a gap.
TEST(Probe, ConstantRateWithBFramesIsNotVariable) {
  TempDir dir;
  // A fixed P B B B pattern: the 400th packet read is a P-frame two B-frames short of its group.
  const auto clip = make_test_clip(dir / "bframes.mp4", 500, "25",
                                   {"-c:v", "libx264", "-preset", "ultrafast", "-bf", "3", "-x264-params",
                                    "b-adapt=0:scenecut=0:keyint=1000"},
                                   160, 90);
  EXPECT_FALSE(media::probe(clip).main_video()->variable_frame_rate);
}

TEST(Probe, ReportsBitDepthFieldOrderAndHdr) {
  TempDir dir;
  const auto ten_bit_pq = make_test_clip(dir / "pq.mp4", 5, "25",
                                         {"-c:v", "libx264", "-pix_fmt", "yuv420p10le", "-color_primaries", "bt2020",
                                          "-color_trc", "smpte2084", "-colorspace", "bt2020nc"});
  const auto pq = *media::probe(ten_bit_pq).main_video();
  EXPECT_EQ(pq.bit_depth, 10);
  EXPECT_EQ(pq.hdr, "HDR10");
  EXPECT_EQ(pq.color_primaries, "bt2020");
  EXPECT_EQ(pq.color_transfer, "smpte2084");

  const auto hlg_clip = make_test_clip(dir / "hlg.mp4", 5, "25",
                                       {"-c:v", "libx264", "-pix_fmt", "yuv420p10le", "-color_trc", "arib-std-b67"});
  EXPECT_EQ(media::probe(hlg_clip).main_video()->hdr, "HLG");

  const auto interlaced = make_test_clip(dir / "tv.mpg", 10, "25",
                                         {"-c:v", "mpeg2video", "-flags", "+ilme+ildct", "-top", "1", "-vf", "setfield=tff"});
  const auto tv = *media::probe(interlaced).main_video();
  EXPECT_TRUE(tv.interlaced);
  EXPECT_EQ(tv.field_order, "tt");
}

TEST(Probe, HandlesOddSizesAndAudioOnlyFiles) {
  TempDir dir;
  const auto odd = make_test_clip(dir / "odd.mkv", 5, "25", {"-c:v", "ffv1", "-vf", "scale=321:181,format=yuv444p"});
  const auto v = *media::probe(odd).main_video();
  EXPECT_EQ(v.width, 321);
  EXPECT_EQ(v.height, 181);

  const auto audio = dir / "audio.wav";
  ffmpeg({"-f", "lavfi", "-i", "sine=sample_rate=44100", "-t", "1"}, audio);
  const auto p = media::probe(audio);
  EXPECT_EQ(p.main_video(), nullptr);
  ASSERT_NE(p.main_audio(), nullptr);
  EXPECT_EQ(p.main_audio()->sample_rate, 44100);
}

TEST(Probe, RejectsWhatIsNotMediaWithAClearCause) {
  TempDir dir;
  const auto text = dir / "trailer.mp4";
  { std::ofstream(text) << "this is not a video\n"; }
  try {
    media::probe(text);
    FAIL() << "a text file probed as media";
  } catch (const media::MediaError& e) {
    EXPECT_EQ(e.stage(), "open");
    EXPECT_NE(std::string(e.what()).find("trailer.mp4"), std::string::npos);
  }

  const auto empty = dir / "empty.mp4";
  { std::ofstream{empty}; }
  EXPECT_THROW(media::probe(empty), media::MediaError);
  EXPECT_THROW(media::probe(dir / "missing.mp4"), media::MediaError);
}

TEST(Probe, RefusesDemuxersThatOpenOtherFiles) {
  TempDir dir;
  make_test_clip(dir / "part.mp4", 5, "25");
  const auto list = dir / "list.mp4";  // a concat list disguised by its name
  { std::ofstream(list) << "ffconcat version 1.0\nfile 'part.mp4'\nfile '/etc/passwd'\n"; }
  try {
    media::probe(list);
    FAIL() << "a concat list was opened";
  } catch (const media::MediaError& e) {
    EXPECT_NE(std::string(e.what()).find("refused demuxer"), std::string::npos) << e.what();
  }
  const auto playlist = dir / "playlist.m3u8";
  { std::ofstream(playlist) << "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n"; }
  EXPECT_THROW(media::probe(playlist), media::MediaError);
}

}  // namespace
