#include <fmt/format.h>
#include <gtest/gtest.h>

#include <vector>

#include "pressreel/media/decode_pass.hpp"
#include "pressreel/scenes/scene_detector.hpp"
#include "test_support.hpp"

namespace {

using namespace pressreel;
using pressreel::testing::ffmpeg;
using pressreel::testing::TempDir;

const std::vector<std::string> kH264 = {"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"};

std::vector<std::string> with_h264(std::vector<std::string> args) {
  args.insert(args.end(), kH264.begin(), kH264.end());
  return args;
}

struct Detection {
  scenes::SceneList scenes;
  std::vector<scenes::Cut> heard;       // what the cut listener was told, in order
  std::vector<int64_t> heard_at;        // the frame being delivered when it was told
  int64_t max_latency = 0;
};

Detection detect(const std::filesystem::path& clip, scenes::SceneOptions options = {},
                 media::VideoDecoderOptions decoder = {}) {
  Detection d;
  scenes::SceneDetector detector(options);
  int64_t current = 0;
  detector.set_cut_listener([&](const scenes::Cut& cut) {
    d.heard.push_back(cut);
    d.heard_at.push_back(current);
  });
  media::DecodePassOptions pass;
  pass.decoder = decoder;
  pass.on_progress = [&](const media::VideoFrame& frame) { current = frame.index + 1; };
  media::FrameSink* sinks[] = {&detector};
  media::run_decode_pass(media::probe(clip), sinks, pass);
  d.scenes = detector.result();
  d.max_latency = detector.max_latency_frames();
  return d;
}

std::vector<int64_t> frames_of(const scenes::SceneList& scenes) {
  std::vector<int64_t> out;
  for (const auto& c : scenes.cuts) out.push_back(c.frame);
  return out;
}

// Six shots at 25 fps: test pattern, colour bars, two different framings of the same fractal (a
// quiet cut between similar shots), a 6-frame shot, RGB bars.
std::filesystem::path make_cuts_clip(const TempDir& dir) {
  const auto clip = dir / "cuts.mp4";
  ffmpeg(with_h264({"-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=1.2",
                    "-f", "lavfi", "-i", "smptebars=s=320x180:r=25:d=1",
                    "-f", "lavfi", "-i", "mandelbrot=s=640x360:r=25,trim=end_frame=30,crop=320:180:0:0",
                    "-f", "lavfi", "-i", "mandelbrot=s=640x360:r=25,trim=end_frame=30,crop=320:180:200:120",
                    "-f", "lavfi", "-i", "testsrc=s=320x180:r=25:d=0.24",
                    "-f", "lavfi", "-i", "rgbtestsrc=s=320x180:r=25:d=1",
                    "-filter_complex", "[0][1][2][3][4][5]concat=n=6:v=1"}),
         clip);
  return clip;
}

// A test pattern that turns into colour bars by ffmpeg's xfade `transition`, starting at frame 40
// (1.6 s at 25 fps) and lasting `seconds`.
std::filesystem::path make_xfade_clip(const TempDir& dir, const std::string& name, const std::string& transition,
                                      double seconds) {
  const auto clip = dir / name;
  ffmpeg(with_h264({"-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=2.4", "-f", "lavfi", "-i",
                    "smptebars=s=320x180:r=25:d=3", "-filter_complex",
                    fmt::format("[0][1]xfade=transition={}:duration={}:offset=1.6", transition, seconds)}),
         clip);
  return clip;
}

TEST(SceneDetector, FindsHardCutsAtTheFirstFrameOfEachShot) {
  TempDir dir;
  const Detection d = detect(make_cuts_clip(dir));
  EXPECT_EQ(frames_of(d.scenes), (std::vector<int64_t>{30, 55, 85, 115, 121}));
  for (const auto& c : d.scenes.cuts) {
    EXPECT_EQ(c.kind, scenes::CutKind::cut);
    EXPECT_EQ(c.first_frame, c.frame);
    EXPECT_EQ(c.time, media::RationalTime(c.frame, AVRational{1, 25})) << "cut at " << c.frame;
  }
  EXPECT_EQ(d.scenes.frames, 146);
  ASSERT_EQ(d.scenes.shots.size(), 6u);
  EXPECT_EQ(d.scenes.shots[0].start_frame, 0);
  EXPECT_EQ(d.scenes.shots[0].end_frame, 29);
  EXPECT_EQ(d.scenes.shots[4].end_frame - d.scenes.shots[4].start_frame + 1, 6);
  EXPECT_EQ(d.scenes.shots.back().end_frame, 145);
  EXPECT_NEAR(d.scenes.shots.back().time.end.seconds(), 146 / 25.0, 1e-9);
}

// `pressreel scenes` decodes without deblocking and, where the codec can, at a reduced size: the same
// cuts at the same frames, in H.264 and in MPEG-4 Part 2 decoded at half size.
TEST(SceneDetector, FindsTheSameCutsOnAnAnalysisOnlyDecode) {
  TempDir dir;
  const auto h264 = make_cuts_clip(dir);
  const auto mpeg4 = dir / "cuts.avi";
  ffmpeg({"-i", h264.string(), "-vf", "scale=800:450", "-c:v", "mpeg4", "-q:v", "4"}, mpeg4);
  media::VideoDecoderOptions analysis_only;
  analysis_only.analysis_only_width = scenes::SceneOptions{}.analysis_width;
  for (const auto& clip : {h264, mpeg4}) {
    const Detection d = detect(clip, {}, analysis_only);
    EXPECT_EQ(frames_of(d.scenes), (std::vector<int64_t>{30, 55, 85, 115, 121})) << clip.filename();
    EXPECT_EQ(d.scenes.frames, 146);
  }
}

TEST(SceneDetector, TellsTheListenerEachCutInOrderWithinItsLatency) {
  TempDir dir;
  const Detection d = detect(make_cuts_clip(dir));
  ASSERT_EQ(d.heard.size(), d.scenes.cuts.size());
  for (size_t i = 0; i < d.heard.size(); ++i) {
    EXPECT_EQ(d.heard[i].frame, d.scenes.cuts[i].frame);
    if (i > 0) {
      EXPECT_GT(d.heard[i].frame, d.heard[i - 1].frame);
    }
    // Told while decoding, no later than its latency promises (or at the end of the clip).
    EXPECT_TRUE(d.heard_at[i] <= d.heard[i].frame + d.max_latency + 1 || d.heard_at[i] == d.scenes.frames)
        << "cut " << d.heard[i].frame << " told at frame " << d.heard_at[i];
  }
}

TEST(SceneDetector, CutsBetweenTwoFramingsOfOneStillPicture) {
  TempDir dir;
  const auto clip = dir / "still.mp4";
  // One still chart, then a framing of it 2% tighter from frame 40: the change is below the usual
  // minimum score, but where nothing else moves it is a cut.
  ffmpeg(with_h264({"-f", "lavfi", "-i", "smptehdbars=s=640x360:r=25:d=1.6,crop=320:180:40:40", "-f", "lavfi", "-i",
                    "smptehdbars=s=640x360:r=25:d=1.6,crop=314:177:43:41,scale=320:180,setsar=1", "-filter_complex",
                    "[0][1]concat=n=2:v=1"}),
         clip);
  EXPECT_EQ(frames_of(detect(clip).scenes), (std::vector<int64_t>{40}));
}

// The minimum shot length (SceneOptions::min_shot_seconds) applies to the first shot and to every
// boundary that is not a decisive hard cut; a decisive cut may follow 5 frames after the previous
// boundary, since trailers cut shots of a handful of frames.
TEST(SceneDetector, MinimumShotLengthHoldsForTheFirstShotButNotAfterDecisiveCuts) {
  TempDir dir;
  scenes::SceneOptions options;
  options.min_shot_seconds = 2.0;  // 50 frames
  const Detection d = detect(make_cuts_clip(dir), options);
  // The cut at 30 would end a 30-frame first shot: dropped. 55, 85, 115 and 121 (a 6-frame shot) are
  // decisive cuts: kept.
  EXPECT_EQ(frames_of(d.scenes), (std::vector<int64_t>{55, 85, 115, 121}));
}

TEST(SceneDetector, MinimumShotLengthDropsATransitionTooSoonAfterACut) {
  TempDir dir;
  const auto clip = dir / "cut-then-dissolve.mp4";
  // A hard cut at frame 60, then a dissolve starting at frame 80 (3.2 s), 20 frames after it.
  ffmpeg(with_h264({"-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=2.4", "-f", "lavfi", "-i",
                    "smptebars=s=320x180:r=25:d=1.6", "-f", "lavfi", "-i", "rgbtestsrc=s=320x180:r=25:d=2",
                    "-filter_complex",
                    "[0][1]concat=n=2:v=1,settb=1/25[ab];[ab][2]xfade=transition=fade:duration=0.64:offset=3.2"}),
         clip);
  const Detection loose = detect(clip);  // 0.4 s: the dissolve is a shot of its own
  ASSERT_EQ(loose.scenes.cuts.size(), 2u) << ::testing::PrintToString(frames_of(loose.scenes));
  EXPECT_EQ(loose.scenes.cuts[0].frame, 60);
  EXPECT_EQ(loose.scenes.cuts[0].kind, scenes::CutKind::cut);
  EXPECT_EQ(loose.scenes.cuts[1].kind, scenes::CutKind::dissolve);

  scenes::SceneOptions options;
  options.min_shot_seconds = 2.0;  // 50 frames: the dissolve comes 20 after the cut
  EXPECT_EQ(frames_of(detect(clip, options).scenes), (std::vector<int64_t>{60}));
}

TEST(SceneDetector, ReportsACrossDissolveOnceWithItsExtent) {
  TempDir dir;
  // 16-frame dissolve from frame 40 (1.6 s) to frame 56.
  const Detection d = detect(make_xfade_clip(dir, "dissolve.mp4", "fade", 0.64));
  ASSERT_EQ(d.scenes.cuts.size(), 1u);
  const scenes::Cut& c = d.scenes.cuts[0];
  EXPECT_EQ(c.kind, scenes::CutKind::dissolve);
  EXPECT_EQ(c.first_frame, 41);
  EXPECT_EQ(c.frame, 56);
  EXPECT_EQ(c.last_frame, 55);
}

TEST(SceneDetector, FindsASevenFrameDissolveWithItsExactFrames) {
  TempDir dir;
  // xfade from frame 40 (1.6 s) over 7 frames: frames 41-46 are mixed, 47 is the new shot whole.
  const Detection d = detect(make_xfade_clip(dir, "short-dissolve.mp4", "fade", 0.28));
  ASSERT_EQ(d.scenes.cuts.size(), 1u);
  const scenes::Cut& c = d.scenes.cuts[0];
  EXPECT_EQ(c.kind, scenes::CutKind::dissolve);
  EXPECT_EQ(c.first_frame, 41);
  EXPECT_EQ(c.last_frame, 46);
  EXPECT_EQ(c.frame, 47);
}

TEST(SceneDetector, FindsADissolveBetweenTwoFramingsOfOneScene) {
  TempDir dir;
  const auto clip = dir / "similar-dissolve.mp4";
  // The same fractal, framed two ways (as two cameras on one scene), dissolving over 12 frames from
  // frame 40: frames 41-51 are mixed, 52 is the second framing whole.
  ffmpeg(with_h264({"-f", "lavfi", "-i", "mandelbrot=s=640x360:r=25,trim=end_frame=60,crop=320:180:0:0", "-f",
                    "lavfi", "-i", "mandelbrot=s=640x360:r=25,trim=end_frame=60,crop=320:180:200:120",
                    "-filter_complex", "[0][1]xfade=transition=fade:duration=0.48:offset=1.6"}),
         clip);
  const Detection d = detect(clip);
  ASSERT_EQ(d.scenes.cuts.size(), 1u);
  const scenes::Cut& c = d.scenes.cuts[0];
  EXPECT_EQ(c.kind, scenes::CutKind::dissolve);
  EXPECT_EQ(c.first_frame, 41);
  EXPECT_EQ(c.frame, 52);
}

TEST(SceneDetector, AQuickWipeIsOneShortTransition) {
  TempDir dir;
  // A wipe over 5 frames from frame 40: not a mix of its ends, nor a hard cut. The new shot is whole
  // at frame 45.
  const Detection d = detect(make_xfade_clip(dir, "wipe.mp4", "wipeleft", 0.2));
  ASSERT_EQ(d.scenes.cuts.size(), 1u);
  EXPECT_NEAR(static_cast<double>(d.scenes.cuts[0].frame), 45, 1);
}

TEST(SceneDetector, FadeOutAndInThroughBlackIsOneTransition) {
  TempDir dir;
  const auto clip = dir / "fade.mp4";
  // Fade out over frames 30-39, black 40-59, fade in over 60-69: the new shot is whole at 70.
  ffmpeg(with_h264({"-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=2", "-f", "lavfi", "-i",
                    "smptebars=s=320x180:r=25:d=2", "-filter_complex",
                    "[0]fade=t=out:st=1.2:d=0.4[a];[1]fade=t=in:st=0.4:d=0.4[b];[a][b]concat=n=2:v=1"}),
         clip);
  const Detection d = detect(clip);
  ASSERT_EQ(d.scenes.cuts.size(), 1u);
  const scenes::Cut& c = d.scenes.cuts[0];
  EXPECT_EQ(c.kind, scenes::CutKind::fade);
  EXPECT_EQ(c.frame, 70);
  EXPECT_NEAR(static_cast<double>(c.first_frame), 30, 1);
  EXPECT_EQ(c.last_frame, 69);
}

TEST(SceneDetector, DipToWhiteIsOneTransition) {
  TempDir dir;
  const auto clip = dir / "white.mp4";
  // Fade out to white over frames 30-39, white 40-49, fade in over 50-59: the new shot is whole at 60.
  ffmpeg(with_h264({"-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=1.8", "-f", "lavfi", "-i",
                    "smptebars=s=320x180:r=25:d=2", "-filter_complex",
                    "[0]fade=t=out:st=1.2:d=0.4:c=white[a];[1]fade=t=in:st=0.2:d=0.4:c=white[b];[a][b]concat=n=2:v=1"}),
         clip);
  const Detection d = detect(clip);
  ASSERT_EQ(d.scenes.cuts.size(), 1u);
  const scenes::Cut& c = d.scenes.cuts[0];
  EXPECT_EQ(c.kind, scenes::CutKind::fade);
  EXPECT_EQ(c.frame, 60);
  EXPECT_NEAR(static_cast<double>(c.first_frame), 30, 1);
}

TEST(SceneDetector, ThreeFrameAndPartialFlashesAreNotCuts) {
  TempDir dir;
  const auto clip = dir / "flashes.mp4";
  // A 3-frame white flash at 30-32 and a 2-frame flash at 80% strength at 70-71, over a moving shot.
  ffmpeg(with_h264({"-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=4", "-vf",
                    "drawbox=c=white:t=fill:enable='between(n,30,32)',"
                    "drawbox=c=white@0.8:t=fill:enable='between(n,70,71)'"}),
         clip);
  EXPECT_TRUE(detect(clip).scenes.cuts.empty());
}

TEST(SceneDetector, WhiteFlashesInsideAShotAreNotCuts) {
  TempDir dir;
  const auto clip = dir / "flash.mp4";
  ffmpeg(with_h264({"-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=4", "-vf",
                    "drawbox=c=white:t=fill:enable='eq(n,30)+between(n,60,61)'"}),
         clip);
  EXPECT_TRUE(detect(clip).scenes.cuts.empty());

  scenes::SceneOptions unfiltered;
  unfiltered.filter_flashes = false;
  unfiltered.min_shot_seconds = 0;
  EXPECT_FALSE(detect(clip, unfiltered).scenes.cuts.empty()) << "the flashes are visible changes the filter removes";
}

// A montage: shot A, `between` for two frames, shot B. Each shot has its own picture and motion.
std::filesystem::path make_insert_clip(const TempDir& dir, const std::string& name, const std::string& between) {
  const auto clip = dir / name;
  ffmpeg(with_h264({"-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=1.2", "-f", "lavfi", "-i", between, "-f", "lavfi",
                    "-i", "smptebars=s=320x180:r=25:d=1.2", "-filter_complex", "[0][1][2]concat=n=3:v=1"}),
         clip);
  return clip;
}

TEST(SceneDetector, ATwoFrameInsertOfAnotherPictureIsAShotOfItsOwn) {
  TempDir dir;
  const auto clip = make_insert_clip(dir, "insert.mp4", "mandelbrot=s=640x360:r=25,trim=end_frame=2,crop=320:180:0:0");
  EXPECT_EQ(frames_of(detect(clip).scenes), (std::vector<int64_t>{30, 32}));
}

TEST(SceneDetector, AOneFrameInsertOfAnotherPictureIsAShotOfItsOwn) {
  TempDir dir;
  const auto clip = make_insert_clip(dir, "insert1.mp4", "mandelbrot=s=640x360:r=25,trim=end_frame=1,crop=320:180:0:0");
  EXPECT_EQ(frames_of(detect(clip).scenes), (std::vector<int64_t>{30, 31}));
}

// Its middle frame a mix of the two shots, a soft cut changes over two frames: one cut, not an insert.
TEST(SceneDetector, ACutSoftenedByOneMixedFrameIsOneCut) {
  TempDir dir;
  const Detection d = detect(make_xfade_clip(dir, "soft.mp4", "fade", 0.08));
  ASSERT_EQ(d.scenes.cuts.size(), 1u) << ::testing::PrintToString(frames_of(d.scenes));
}

// A logo intro's montage: a small picture moving fast on white, then for two frames another small
// picture elsewhere on the white, then the first again. Each edge of the insert changes little of the
// frame, about three times what the motion changes a frame; averaged with its neighbours, the other
// edge hid it as much as it stood out itself.
TEST(SceneDetector, ATwoFrameInsertOnWhiteNextToMotionIsAShotOfItsOwn) {
  TempDir dir;
  const auto clip = dir / "insert-on-white.mp4";
  ffmpeg(with_h264({"-f", "lavfi", "-i", "color=c=white:s=320x180:r=25:d=2", "-f", "lavfi", "-i",
                    "testsrc2=s=96x72:r=25:d=2", "-f", "lavfi", "-i", "smptebars=s=80x60:r=25:d=2", "-filter_complex",
                    "[0][1]overlay=x='10+5*n':y=50:enable='not(between(n,30,31))'[a];"
                    "[a][2]overlay=x=200:y=60:enable='between(n,30,31)'"}),
         clip);
  EXPECT_EQ(frames_of(detect(clip).scenes), (std::vector<int64_t>{30, 32}));
}

// The edges of a two-frame flash over a fast pan look like an insert's, and the pan moves too far in
// three frames for the flash filter to see the picture come back; yet the flash is the panning
// picture washed out, which the motion predicts.
TEST(SceneDetector, ATwoFrameFlashOverFastMotionIsNotAnInsert) {
  TempDir dir;
  const auto clip = dir / "flash-over-pan.mp4";
  ffmpeg(with_h264({"-f", "lavfi", "-i", "mandelbrot=s=320x180:r=25,trim=end_frame=80", "-vf",
                    "scroll=h=0.04:v=0.02,lutrgb=r='val*0.25+191':g='val*0.25+191':b='val*0.25+191'"
                    ":enable='between(n,40,41)'"}),
         clip);
  EXPECT_EQ(frames_of(detect(clip).scenes), std::vector<int64_t>{});
}

TEST(SceneDetector, TwoBlankFramesBetweenShotsAreOneCutNotAShot) {
  TempDir dir;
  const auto clip = make_insert_clip(dir, "blank.mp4", "color=c=white:s=320x180:r=25:d=0.08");
  EXPECT_EQ(detect(clip).scenes.cuts.size(), 1u);
}

TEST(SceneDetector, FastMotionIsNotACut) {
  TempDir dir;
  const auto clip = dir / "motion.mp4";
  ffmpeg(with_h264({"-f", "lavfi", "-i", "mandelbrot=s=320x180:r=25,trim=end_frame=100", "-vf",
                    "scroll=h=0.04:v=0.02"}),
         clip);
  EXPECT_TRUE(detect(clip).scenes.cuts.empty());
}

// A screen: a still desktop of panels on a grid, 2 s at 25 fps, with `change` drawn over it from frame 50.
std::filesystem::path make_screen_clip(const TempDir& dir, const std::string& name, const std::string& change) {
  const auto clip = dir / name;
  ffmpeg(with_h264({"-f", "lavfi", "-i",
                    "color=c=0x5a6a7a:s=320x180:r=25:d=4,drawgrid=w=40:h=30:t=1:c=0xd0d0d0,"
                    "drawbox=x=20:y=15:w=120:h=60:c=0x202020:t=2,drawbox=x=180:y=100:w=100:h=50:c=0xf0f0f0:t=3," +
                        change}),
         clip);
  return clip;
}

TEST(SceneDetector, ADialogOpeningOverAStillScreenIsNotACut) {
  TempDir dir;
  // A dark panel with a light border over 40% of the screen, from frame 50; the rest stays.
  const auto clip = make_screen_clip(
      dir, "dialog.mp4",
      "drawbox=x=70:y=40:w=190:h=110:c=0x303030:t=fill:enable='gte(n,50)',"
      "drawbox=x=70:y=40:w=190:h=110:c=0xe0e0e0:t=3:enable='gte(n,50)'");
  EXPECT_TRUE(detect(clip).scenes.cuts.empty());
}

TEST(SceneDetector, AWholeScreenSwitchToAnotherViewIsACut) {
  TempDir dir;
  // From frame 50 another view: other panels on another grid in other greys, over the whole screen.
  const auto clip = make_screen_clip(
      dir, "switch.mp4",
      "drawbox=x=0:y=0:w=320:h=180:c=0xc8c0b0:t=fill:enable='gte(n,50)',"
      "drawgrid=x=7:y=5:w=24:h=24:t=2:c=0x303030:enable='gte(n,50)',"
      "drawbox=x=200:y=10:w=100:h=140:c=0x101010:t=fill:enable='gte(n,50)'");
  EXPECT_EQ(frames_of(detect(clip).scenes), (std::vector<int64_t>{50}));
}

TEST(SceneDetector, AColourfulWindowOpeningOverHalfTheScreenIsNotACut) {
  TempDir dir;
  // An orange window with a light border, lines of text and a blue button over 47% of the screen from
  // frame 50: it changes the colours of the picture as much as a cut between two framings would.
  const std::string from50 = ":enable='gte(n,50)'";
  const auto clip = make_screen_clip(
      dir, "window.mp4",
      "drawbox=x=60:y=30:w=200:h=135:c=0xe07020:t=fill" + from50 + ",drawbox=x=60:y=30:w=200:h=135:c=0xf0f0f0:t=3" +
          from50 + ",drawbox=x=75:y=60:w=120:h=4:c=0x101010:t=fill" + from50 +
          ",drawbox=x=75:y=80:w=150:h=4:c=0x101010:t=fill" + from50 + ",drawbox=x=75:y=100:w=90:h=4:c=0x101010:t=fill" +
          from50 + ",drawbox=x=180:y=130:w=60:h=20:c=0x2040c0:t=fill" + from50);
  EXPECT_TRUE(detect(clip).scenes.cuts.empty());
}

TEST(SceneDetector, ASwitchToAnotherViewUnderATopBarThatStaysIsACut) {
  TempDir dir;
  // A top bar of text-like marks, a block tall at analysis size, stays; everything below it is
  // replaced at frame 50 by a dark view with another grid and a light panel.
  const std::string from50 = ":enable='gte(n,50)'";
  const auto clip = dir / "topbar.mp4";
  ffmpeg(with_h264({"-f", "lavfi", "-i",
                    "color=c=0x5a6a7a:s=320x180:r=25:d=4,drawgrid=w=40:h=30:t=1:c=0xd0d0d0,"
                    "drawbox=x=20:y=35:w=120:h=60:c=0x202020:t=2,drawbox=x=180:y=100:w=100:h=50:c=0xf0f0f0:t=3,"
                    "drawbox=x=0:y=20:w=320:h=160:c=0x1c2838:t=fill" + from50 +
                        ",drawgrid=x=7:y=25:w=24:h=24:t=2:c=0x8090a0" + from50 +
                        ",drawbox=x=30:y=40:w=60:h=120:c=0xd0d0d0:t=fill" + from50 +
                        ",drawbox=x=0:y=0:w=320:h=20:c=0x202020:t=fill,drawbox=x=6:y=6:w=40:h=8:c=0xe0e0e0:t=1,"
                        "drawbox=x=140:y=7:w=40:h=6:c=0xe0e0e0:t=fill,drawbox=x=250:y=5:w=10:h=10:c=0xe0e0e0:t=2,"
                        "drawbox=x=270:y=5:w=44:h=10:c=0xc0c0c0:t=1"}),
         clip);
  EXPECT_EQ(frames_of(detect(clip).scenes), (std::vector<int64_t>{50}));
}

TEST(SceneDetector, ACutInsideWideBlackBordersWithALogoIsACut) {
  TempDir dir;
  // Two still pictures at 36% of the frame inside black borders that stay, with a logo on the border:
  // most of the still picture is kept in place across the cut.
  const auto clip = dir / "boxed.mp4";
  ffmpeg(with_h264({"-f", "lavfi", "-i", "smptebars=s=192x108:r=25:d=2", "-f", "lavfi", "-i",
                    "mandelbrot=s=192x108:r=25,trim=end_frame=1,loop=loop=49:size=1", "-filter_complex",
                    "[0][1]concat=n=2:v=1,pad=320:180:64:36:black,drawbox=x=270:y=8:w=36:h=18:c=0xf0f0f0:t=2,"
                    "drawbox=x=276:y=14:w=24:h=6:c=0xf0f0f0:t=fill"}),
         clip);
  EXPECT_EQ(frames_of(detect(clip).scenes), (std::vector<int64_t>{50}));
}

TEST(SceneDetector, VariableFrameRateCutsCarryTheirRealTimes) {
  TempDir dir;
  const auto clip = dir / "vfr.mkv";
  // The cuts clip with its second part at 50 fps: frame 60 is at 2.4 s, frame 85 at 2.9 s.
  ffmpeg({"-i", make_cuts_clip(dir).string(), "-vf", "setpts='if(lt(N,60),N*2,120+(N-60))/50/TB'", "-fps_mode",
          "passthrough", "-enc_time_base", "1/1000", "-c:v", "libx264", "-preset", "ultrafast"},
         clip);
  const Detection d = detect(clip);
  ASSERT_EQ(frames_of(d.scenes), (std::vector<int64_t>{30, 55, 85, 115, 121}));
  EXPECT_DOUBLE_EQ(d.scenes.cuts[2].time.seconds(), 2.9);
  EXPECT_EQ(d.scenes.cuts[2].time.fraction(), "29/10");
  EXPECT_DOUBLE_EQ(d.scenes.cuts[3].time.seconds(), 3.5);
}

}  // namespace
