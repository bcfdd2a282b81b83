// Stills from the decode pass: the candidate keeper picks per shot what a photo editor would, and
// the poster and its crops come out upright, in proportion and with the subject whole.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <set>
#include <thread>

#include "pressreel/media/decode_pass.hpp"
#include "pressreel/stills/candidate_keeper.hpp"
#include "pressreel/stills/poster.hpp"
#include "test_support.hpp"

namespace {

using namespace pressreel;
using pressreel::testing::TempDir;

// Feeds the keeper as the batch layer does: each cut arrives `latency` frames after its frame, as a
// scene detector with that much lookahead would deliver it. Also watches the keeper's memory.
class LiveCuts : public media::FrameSink {
 public:
  LiveCuts(stills::CandidateKeeper& keeper, std::vector<scenes::Cut> cuts, int64_t latency)
      : keeper_(keeper), cuts_(std::move(cuts)), latency_(latency) {}
  std::string_view name() const override { return "live-cuts"; }
  void on_frame(const media::VideoFrame& frame, std::any&) override {
    while (next_ < cuts_.size() && cuts_[next_].frame + latency_ <= frame.index) {
      if (wait_for_faces) settle_faces();
      keeper_.on_cut(cuts_[next_++]);
    }
    most_held = std::max(most_held, keeper_.held_candidates());
    most_full_resolution = std::max(most_full_resolution, keeper_.held_full_resolution());
    last_shot_images = keeper_.held_shot_images();
  }
  size_t most_held = 0, most_full_resolution = 0, last_shot_images = 0;
  // Lets every face task finish before the next cut, so what the keeper holds does not depend on how
  // fast the machine runs them.
  bool wait_for_faces = false;

 private:
  void settle_faces() const {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (keeper_.shots_awaiting_faces() > 0 && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  stills::CandidateKeeper& keeper_;
  std::vector<scenes::Cut> cuts_;
  int64_t latency_;
  size_t next_ = 0;
};

scenes::Cut cut_at(int64_t frame, double fps) {
  scenes::Cut c;
  c.frame = c.first_frame = c.last_frame = frame;
  c.time = media::RationalTime::from_seconds(frame / fps, AVRational{1, 1000});
  c.transition = {c.time, c.time};
  return c;
}

scenes::Cut fade_between(int64_t first, int64_t last, double fps) {
  scenes::Cut c = cut_at(last, fps);
  c.kind = scenes::CutKind::fade;
  c.first_frame = first;
  c.transition.start = media::RationalTime::from_seconds(first / fps, AVRational{1, 1000});
  return c;
}

// The scene list a detector would return for these boundaries.
scenes::SceneList scene_list(const std::vector<scenes::Cut>& cuts, int64_t frames) {
  scenes::SceneList list;
  list.frames = frames;
  list.cuts = cuts;
  int64_t start = 0;
  for (const scenes::Cut& c : cuts) {
    if (c.frame > start) list.shots.push_back({start, c.frame - 1, {}});
    start = c.frame;
  }
  list.shots.push_back({start, frames - 1, {}});
  return list;
}

struct KeptStills {
  std::vector<stills::ShotStill> stills;
  size_t most_held = 0, most_full_resolution = 0;
  size_t shot_images_at_end = 0;  // moderate JPEGs held for closed shots on the pass's last frame
  size_t finalists_looked_at = 0;  // by the face detector
};

KeptStills keep(const std::filesystem::path& clip, const std::vector<scenes::Cut>& cuts, int64_t frames,
                stills::KeeperOptions options = {}, const media::DecodePassOptions& decode = {},
                bool wait_for_faces = false) {
  options.latency_frames = 10;
  stills::CandidateKeeper keeper(options);
  LiveCuts live(keeper, cuts, options.latency_frames);
  live.wait_for_faces = wait_for_faces;
  media::FrameSink* sinks[] = {&keeper, &live};
  media::run_decode_pass(media::probe(clip), sinks, decode);
  KeptStills kept;
  kept.stills = keeper.finish(scene_list(cuts, frames));
  kept.most_held = live.most_held;
  kept.most_full_resolution = live.most_full_resolution;
  kept.shot_images_at_end = live.last_shot_images;
  kept.finalists_looked_at = keeper.finalists_looked_at();
  return kept;
}

double mean_saturation(const cv::Mat& bgr) {
  cv::Mat hsv;
  cv::cvtColor(bgr, hsv, cv::COLOR_BGR2HSV);
  return cv::mean(hsv)[1];
}

TEST(CandidateKeeper, PicksTheSharpHalfOfAShotWithABlurredHalf) {
  TempDir dir;
  const auto clip = dir / "half-blurred.mp4";
  // 4 s of one shot; the first two seconds heavily blurred.
  pressreel::testing::ffmpeg(
      {"-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-frames:v", "100", "-vf", "boxblur=8:2:enable='lt(t,2)'",
       "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"},
      clip);
  const KeptStills kept = keep(clip, {}, 100);
  ASSERT_EQ(kept.stills.size(), 1u);
  const stills::ShotStill& still = kept.stills.front();
  EXPECT_GE(still.frame, 50) << "picked a blurred frame";
  EXPECT_EQ(still.shot, 0);
  // It says why: the signals and their weighted breakdown are in the JSON.
  const nlohmann::json j = stills::to_json(still);
  EXPECT_GT(j["signals"]["sharpness"].get<double>(), 0);
  EXPECT_TRUE(j["breakdown"].contains("sharpness"));
  EXPECT_EQ(j["alternates"].size(), 2u);
  for (const auto& alternate : j["alternates"]) EXPECT_LE(alternate["score"].get<double>(), still.score());
}

TEST(CandidateKeeper, NeverPicksBlackOrFadeFramesNorFramesNextToACut) {
  TempDir dir;
  const auto clip = dir / "fades.mp4";
  // 0-1 s fade in from black, 1-3 s picture, hard cut at 3 s to a second source, 4-5 s fade to
  // black, 5-6 s black.
  pressreel::testing::ffmpeg(
      {"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=3", "-f", "lavfi", "-i",
       "mandelbrot=size=320x240:rate=25:end_scale=0.5", "-filter_complex",
       "[0:v]fade=in:0:25,setsar=1[a];[1:v]trim=duration=3,fade=out:st=1:d=1,setsar=1[b];[a][b]concat=n=2:v=1[v]",
       "-map", "[v]", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"},
      clip);
  const double fps = 25;
  // What a scene detector reports: the fade in, the cut, the fade out (to the end).
  const std::vector<scenes::Cut> cuts = {fade_between(0, 25, fps), cut_at(75, fps), fade_between(100, 125, fps)};
  const KeptStills kept = keep(clip, cuts, 150);
  ASSERT_GE(kept.stills.size(), 2u);
  for (const stills::ShotStill& s : kept.stills) {
    const int64_t f = s.frame;
    EXPECT_FALSE(stills::is_near_uniform(s.signals)) << "frame " << f;
    EXPECT_TRUE((f >= 25 + 3 && f <= 75 - 4) || (f >= 75 + 3 && f <= 100 - 4))
        << "frame " << f << " is in a fade or next to a cut";
    EXPECT_GT(s.signals.mean_luma, 40) << "frame " << f;
  }
  // And without any scene list, the black frames are still never chosen.
  for (const stills::ShotStill& s : keep(clip, {}, 150).stills) EXPECT_FALSE(stills::is_near_uniform(s.signals));
}

TEST(CandidateKeeper, RealFootageStillsStayOutOfTransitionsAndBlack) {
  PRESSREEL_SHARED_CLIP_OR_SKIP(clip, "fades-and-cuts.mp4");
  std::ifstream truth_file(pressreel::testing::shared_truth("fades-and-cuts"));
  const nlohmann::json truth = nlohmann::json::parse(truth_file);
  const double fps = 30000.0 / 1001.0;
  // The boundaries as a scene detector reports them, from the truth file.
  std::vector<scenes::Cut> cuts;
  std::vector<std::pair<int64_t, int64_t>> transitions;
  for (const auto& c : truth["cuts"]) cuts.push_back(cut_at(c.get<int64_t>(), fps));
  for (const auto& g : truth["gradual"]) {
    cuts.push_back(fade_between(g[0].get<int64_t>(), g[1].get<int64_t>(), fps));
    transitions.emplace_back(g[0].get<int64_t>(), g[1].get<int64_t>());
  }
  std::sort(cuts.begin(), cuts.end(), [](const scenes::Cut& a, const scenes::Cut& b) { return a.frame < b.frame; });
  const int64_t frames = truth["frames"].get<int64_t>();
  const KeptStills kept = keep(clip, cuts, frames);
  ASSERT_FALSE(kept.stills.empty());
  for (const stills::ShotStill& s : kept.stills) {
    EXPECT_FALSE(stills::is_near_uniform(s.signals)) << "frame " << s.frame;
    for (const scenes::Cut& c : cuts) {
      EXPECT_TRUE(s.frame < c.first_frame - 3 || s.frame > c.last_frame + 3)
          << "frame " << s.frame << " by the boundary at " << c.frame;
    }
  }
  TempDir dir;
  const nlohmann::json files = stills::write_shot_stills(kept.stills, dir / "stills");
  ASSERT_EQ(files.size(), kept.stills.size());
  for (const auto& f : files) EXPECT_TRUE(std::filesystem::exists(dir / "stills" / f["file"].get<std::string>()));
}

TEST(CandidateKeeper, MemoryStaysBoundedOnALongClipWithManyShots) {
  TempDir dir;
  const auto clip = dir / "long.mp4";
  // 40 s with a cut reported every second: 40 shots.
  pressreel::testing::make_test_clip(clip, 1000, "25", {}, 160, 90);
  std::vector<scenes::Cut> cuts;
  for (int64_t f = 25; f < 1000; f += 25) cuts.push_back(cut_at(f, 25));
  stills::KeeperOptions options;
  options.open_shot_candidates = 4;
  const KeptStills kept = keep(clip, cuts, 1000, options, {}, true);
  EXPECT_EQ(kept.stills.size(), 40u);
  // Settled candidates of the open shot, plus those a late cut could still reach (latency + margin +
  // two seconds of possible transition at 4 samples a second).
  EXPECT_LE(kept.most_held, options.open_shot_candidates + 16);
  EXPECT_LE(kept.most_full_resolution, options.full_resolution_copies);
  // Closed shots are judged as soon as their faces are known, keeping only the winner's image: 38
  // judged shots and the last one closed, still waiting for its faces, instead of 3 finalists for each
  // of the 39 shots closed during the pass (117).
  EXPECT_LE(kept.shot_images_at_end, 38u + options.finalists);
  for (const auto& s : kept.stills) EXPECT_FALSE(s.image_jpeg.empty());
}

TEST(SamePicture, GrainIsTheSamePictureAndAFaceSizedChangeIsNot) {
  cv::Mat a(36, 64, CV_8UC1);
  cv::randu(a, 30, 220);
  cv::Mat grain(a.size(), CV_8UC1), b;
  cv::randu(grain, 0, 3);
  cv::add(a, grain, b);
  EXPECT_TRUE(stills::same_picture(a, a));
  EXPECT_TRUE(stills::same_picture(a, b));
  // A part a tenth of the width across, 30 grey levels brighter: a face come into the picture.
  cv::Mat c = b.clone();
  c(cv::Rect(20, 10, 6, 6)) += cv::Scalar(30);
  EXPECT_FALSE(stills::same_picture(a, c));
  EXPECT_FALSE(stills::same_picture(a, cv::Mat()));
  cv::Mat wider;
  cv::resize(a, wider, cv::Size(64, 48));
  EXPECT_FALSE(stills::same_picture(a, wider));
}

// A still shot's finalists show one picture: once the best is found to hold no face, the others are
// not looked at. A moving picture's finalists differ, and each that could win is looked at.
TEST(CandidateKeeper, LooksForFacesOnceInAStillShotWithoutAFace) {
  TempDir dir;
  const std::filesystem::path still = dir / "still.mp4";
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "smptehdbars=size=320x180:rate=25", "-vf",
                              "noise=alls=3:allf=t,format=yuv420p", "-frames:v", "150", "-c:v", "libx264"},
                             still);
  const std::filesystem::path moving = pressreel::testing::make_test_clip(dir / "moving.mp4", 150, "25", {}, 320, 180);
  const std::vector<scenes::Cut> cuts = {cut_at(50, 25), cut_at(100, 25)};
  const KeptStills still_kept = keep(still, cuts, 150);
  const KeptStills moving_kept = keep(moving, cuts, 150);
  ASSERT_EQ(still_kept.stills.size(), 3u);
  ASSERT_EQ(moving_kept.stills.size(), 3u);
  EXPECT_EQ(still_kept.finalists_looked_at, 3u);
  EXPECT_GT(moving_kept.finalists_looked_at, 3u);
}

TEST(FaceDetector, LooksForFacesOfAtLeastASeventeenthOfTheWidth) {
  const std::filesystem::path photo = "/usr/share/doc/opencv-doc/examples/data/basketball1.png";
  if (!std::filesystem::exists(photo)) GTEST_SKIP() << photo << " is absent (Debian package opencv-doc)";
  // The man's face is 40 px of the 640 px photo (30 of the 480 px search copy); shrunk to 85% on the
  // same canvas it is 25 px of 480, under the 28 px (1/17 of the width) a still's face must have.
  // These are the Haar fallback's numbers; test_faces.cpp checks the same limit with BlazeFace.
  const cv::Mat original = cv::imread(photo.string());
  stills::FaceDetector detector = stills::FaceDetector::haar();
  EXPECT_EQ(detector.detect(original).size(), 1u);
  cv::Mat canvas(original.size(), CV_8UC3, cv::Scalar(40, 40, 40)), smaller;
  cv::resize(original, smaller, {}, 0.85, 0.85, cv::INTER_AREA);
  smaller.copyTo(canvas(cv::Rect(0, 0, smaller.cols, smaller.rows)));
  EXPECT_TRUE(detector.detect(canvas).empty());
}

TEST(Poster, EveryCropKeepsTheFaceWhole) {
  const std::filesystem::path photo = "/usr/share/doc/opencv-doc/examples/data/basketball1.png";
  if (!std::filesystem::exists(photo)) GTEST_SKIP() << photo << " is absent (Debian package opencv-doc)";
  TempDir dir;
  const auto clip = dir / "photo.mp4";
  // A still photo as a 2 s clip: a man on the left, far from the centre every crop would take.
  pressreel::testing::ffmpeg({"-loop", "1", "-i", photo.string(), "-t", "2", "-r", "25", "-c:v", "libx264", "-preset",
                              "ultrafast", "-pix_fmt", "yuv420p"},
                             clip);
  const KeptStills kept = keep(clip, {}, 50);
  ASSERT_EQ(kept.stills.size(), 1u);
  const stills::ShotStill& still = kept.stills.front();
  ASSERT_FALSE(still.signals.faces.empty()) << "no face found in the photo";
  EXPECT_GT(still.breakdown.faces, 0.0);

  const nlohmann::json poster = stills::write_poster(kept.stills, dir / "poster");
  ASSERT_TRUE(poster.is_object());
  EXPECT_TRUE(poster["full_resolution"].get<bool>());
  EXPECT_EQ(poster["width"], 640);
  EXPECT_EQ(poster["height"], 480);
  const cv::Rect face = stills::scale_faces(still.signals.faces, still.analysis_size, {640, 480}).front().box;
  ASSERT_EQ(poster["crops"].size(), stills::standard_crops().size());
  for (const auto& crop : poster["crops"]) {
    const auto& w = crop["window"];
    const cv::Rect window(w["x"], w["y"], w["width"], w["height"]);
    EXPECT_EQ(window & face, face) << crop["name"] << ": the face is cut";
    EXPECT_TRUE(crop["faces_whole"].get<bool>()) << crop["name"];
    // The source is 640x480: nothing is upscaled, and the file says the size it really has.
    const cv::Mat written = cv::imread((dir / "poster" / crop["file"].get<std::string>()).string());
    ASSERT_FALSE(written.empty()) << crop["file"];
    EXPECT_EQ(written.cols, crop["width"].get<int>());
    EXPECT_EQ(written.rows, crop["height"].get<int>());
    EXPECT_LE(written.cols, 640);
    EXPECT_LE(written.rows, 480);
    EXPECT_TRUE(crop["upscale_refused"].get<bool>()) << crop["name"];
  }
  // The 9:16 window cannot be central and hold the man on the left.
  const auto& tall = poster["crops"][5]["window"];
  EXPECT_LT(tall["x"].get<int>() + tall["width"].get<int>() / 2, 320 - 40);
}

TEST(Poster, RotatedPhoneClipGivesAnUprightPoster) {
  TempDir dir;
  // A red band along the top of the picture as it should be seen; stored turned on its side with a
  // display matrix saying how to turn it back, as phones record.
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-frames:v", "50", "-vf",
                              "drawbox=x=0:y=0:w=iw:h=ih/4:color=red:t=fill,transpose=clock", "-c:v", "libx264",
                              "-preset", "ultrafast", "-pix_fmt", "yuv420p"},
                             dir / "sideways.mp4");
  pressreel::testing::ffmpeg({"-i", (dir / "sideways.mp4").string(), "-c", "copy", "-metadata:s:v:0", "rotate=90"},
                             dir / "phone.mp4");
  const KeptStills kept = keep(dir / "phone.mp4", {}, 50);
  ASSERT_EQ(kept.stills.size(), 1u);
  const cv::Mat poster = kept.stills.front().full_resolution;
  ASSERT_EQ(poster.size(), cv::Size(320, 240));
  const cv::Scalar top = cv::mean(poster(cv::Rect(0, 0, 320, 40)));
  EXPECT_GT(top[2], 200);  // red (BGR)
  EXPECT_LT(top[0], 60);
}

TEST(Poster, AnamorphicClipKeepsItsProportions) {
  TempDir dir;
  // 480x360 stored pixels, each 4:3 wide: a 640x360 picture.
  pressreel::testing::make_test_clip(dir / "anamorphic.mp4", 50, "25", {"-vf", "setsar=4/3"}, 480, 360);
  const KeptStills kept = keep(dir / "anamorphic.mp4", {}, 50);
  ASSERT_EQ(kept.stills.size(), 1u);
  EXPECT_EQ(kept.stills.front().full_resolution.size(), cv::Size(640, 360));
  EXPECT_EQ(kept.stills.front().analysis_size, cv::Size(640, 360));
  EXPECT_EQ(kept.stills.front().image().size(), cv::Size(640, 360));

  // What `pressreel run` writes for the clip: stills/ and poster/, described in JSON.
  TempDir out;
  const nlohmann::json written = stills::write_clip_stills(kept.stills, out.path());
  ASSERT_EQ(written["stills"]["files"].size(), 1u);
  EXPECT_EQ(written["stills"]["files"][0]["file"], "shot-001.jpg");
  const cv::Mat poster = cv::imread((out / "poster/poster.jpg").string());
  EXPECT_EQ(poster.size(), cv::Size(640, 360));
  EXPECT_EQ(written["poster"]["crops"].size(), 6u);
  EXPECT_TRUE(std::filesystem::exists(out / "poster/og-1200x630.jpg"));
}

TEST(Poster, TenBitPqClipIsNotWashedOut) {
  TempDir dir;
  const std::string source = "testsrc2=size=640x360:rate=25";
  pressreel::testing::make_test_clip(dir / "sdr.mp4", 50, "25", {}, 640, 360);
  // The same picture mastered as HDR10: BT.2020 primaries, PQ transfer, 10-bit.
  pressreel::testing::ffmpeg(
      {"-f",
       "lavfi",
       "-i",
       source,
       "-frames:v",
       "50",
       "-vf",
       "zscale=tin=bt709:min=bt709:pin=bt709:rin=tv:t=smpte2084:m=bt2020nc:p=bt2020:r=tv:npl=100,"
       "format=yuv420p10le",
       "-c:v",
       "libx265",
       "-preset",
       "ultrafast",
       "-x265-params",
       "log-level=error",
       "-color_trc",
       "smpte2084",
       "-color_primaries",
       "bt2020",
       "-colorspace",
       "bt2020nc"},
      dir / "pq.mp4");
  media::DecodePassOptions as_if_sdr;
  as_if_sdr.decoder.tone_map = false;
  const KeptStills sdr = keep(dir / "sdr.mp4", {}, 50);
  const KeptStills pq = keep(dir / "pq.mp4", {}, 50);
  const KeptStills naive = keep(dir / "pq.mp4", {}, 50, {}, as_if_sdr);
  ASSERT_EQ(sdr.stills.size(), 1u);
  ASSERT_EQ(pq.stills.size(), 1u);
  ASSERT_EQ(naive.stills.size(), 1u);
  const cv::Mat hdr = pq.stills.front().full_resolution;
  ASSERT_FALSE(hdr.empty());
  // Read as if SDR, PQ code values give grey, flat pictures (what users report of other
  // thumbnailers); tone-mapped they keep their colour and most of their contrast.
  const double saturation = mean_saturation(hdr);
  EXPECT_GT(saturation, 1.3 * mean_saturation(naive.stills.front().full_resolution));
  EXPECT_GT(saturation, 0.6 * mean_saturation(sdr.stills.front().full_resolution));
  EXPECT_GT(pq.stills.front().signals.colourfulness, 0.5 * sdr.stills.front().signals.colourfulness);
  EXPECT_GT(pq.stills.front().signals.contrast, 0.45 * sdr.stills.front().signals.contrast);
}

TEST(Poster, FilmPosterIsTheBestOfItsClips) {
  const std::vector<nlohmann::json> clips = {{{"score", 0.41}}, nullptr, {{"score", 0.73}}, {{"score", 0.52}}};
  EXPECT_EQ(stills::choose_film_poster(clips), 2u);
  EXPECT_FALSE(stills::choose_film_poster({nullptr}).has_value());
}

TEST(Crops, NamesGiveTheSizeAndBadNamesAreRefused) {
  EXPECT_EQ(stills::parse_crop("1x1-1080").size, cv::Size(1080, 1080));
  EXPECT_EQ(stills::parse_crop("og-1200x630").size, cv::Size(1200, 630));
  EXPECT_EQ(stills::parse_crop_list("16x9-1280x720,9x16-1080x1920").size(), 2u);
  EXPECT_EQ(stills::parse_crop_list("all").size(), 6u);
  EXPECT_THROW(stills::parse_crop("wide"), std::invalid_argument);
  EXPECT_THROW(stills::parse_crop("1x1-4"), std::invalid_argument);
}

TEST(Crops, TheSizeHasTheAspectOfTheName) {
  // ASPECT-W: the height follows from the aspect.
  EXPECT_EQ(stills::parse_crop("2x1-2000").size, cv::Size(2000, 1000));
  EXPECT_EQ(stills::parse_crop("4x3-800").size, cv::Size(800, 600));
  EXPECT_EQ(stills::parse_crop("16x9-1280").size, cv::Size(1280, 720));
  EXPECT_EQ(stills::parse_crop("og-1200").size, cv::Size(1200, 630));
  EXPECT_EQ(stills::parse_crop("9x16-1080").size, cv::Size(1080, 1920));
  EXPECT_EQ(stills::parse_crop("16x9-1000").size, cv::Size(1000, 563));  // 562.5, to the nearest pixel
  EXPECT_EQ(stills::parse_crop("16x9-1000x562").size, cv::Size(1000, 562));
  // Every standard crop's full name is consistent.
  for (const auto& spec : stills::standard_crops()) EXPECT_EQ(stills::parse_crop(spec.name).size, spec.size);
  // A size of another shape, a zero side, a unit that is not a number: refused, naming the expected form.
  for (const char* bad : {"2x1-2000x2000", "4x3-800x800", "16x9-1280x1280", "og-1200x1200", "0x1-100", "1x0-100",
                          "16x9", "16x9-", "16:9-1280x720", "16x9-1280x720x3", "ogx-1200", "-1200x630"}) {
    try {
      stills::parse_crop(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("ASPECT-WIDTHxHEIGHT or ASPECT-WIDTH"), std::string::npos) << e.what();
    }
  }
}

TEST(Crops, CropsComeOutInTheAspectOfTheirName) {
  const cv::Mat frame(1080, 1920, CV_8UC3, cv::Scalar(90, 120, 150));
  const cv::Mat subject(frame.size(), CV_32F, cv::Scalar(1.0f));
  for (const char* name : {"2x1-960", "4x3-800", "1x1-500", "og-1200", "9x16-540"}) {
    const stills::CropSpec spec = stills::parse_crop(name);
    const stills::Crop crop = stills::make_crop(frame, spec, {}, subject);
    EXPECT_EQ(crop.image.size(), spec.size) << name;
    EXPECT_NEAR(static_cast<double>(crop.window.width) / crop.window.height,
                static_cast<double>(spec.size.width) / spec.size.height, 0.01)
        << name;
  }
}

// A sharp picture: fine random detail over the whole frame, which any blur would flatten.
cv::Mat detailed_frame(cv::Size size) {
  cv::Mat frame(size, CV_8UC3);
  cv::RNG rng(22);
  rng.fill(frame, cv::RNG::UNIFORM, cv::Scalar::all(40), cv::Scalar::all(216));
  return frame;
}

double laplacian_variance(const cv::Mat& bgr) {
  cv::Mat gray, lap;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  cv::Laplacian(gray, lap, CV_32F);
  cv::Scalar mean, stddev;
  cv::meanStdDev(lap, mean, stddev);
  return stddev[0] * stddev[0];
}

TEST(Crops, FacesAtOppositeEdgesGiveABlurredFillThatKeepsBothWhole) {
  const cv::Mat frame = detailed_frame({1920, 1080});
  // Two faces at the far left and far right: no 9:16 window (608 px of 1920) holds both.
  const std::vector<stills::FaceBox> faces = {{{80, 400, 220, 260}, 2}, {{1620, 380, 220, 260}, 2}};
  const cv::Mat subject = stills::subject_map(frame, faces);
  const stills::Crop crop = stills::make_crop(frame, stills::parse_crop("9x16-540x960"), faces, subject);
  ASSERT_TRUE(crop.blurred_fill);
  EXPECT_TRUE(crop.faces_whole);
  EXPECT_FALSE(crop.upscale_refused);
  ASSERT_EQ(crop.image.size(), cv::Size(540, 960));
  EXPECT_EQ(crop.window, cv::Rect(0, 0, 1920, 1080));
  // The whole frame, fitted to the width and centred: 540x304 in the middle.
  EXPECT_EQ(crop.placed, cv::Rect(0, 328, 540, 304));
  // Both faces, mapped into the crop, lie inside the fitted frame.
  const double s = 540.0 / 1920.0;
  for (const stills::FaceBox& f : faces) {
    const cv::Rect mapped(static_cast<int>(f.box.x * s), 328 + static_cast<int>(f.box.y * s),
                          static_cast<int>(f.box.width * s), static_cast<int>(f.box.height * s));
    EXPECT_EQ(mapped & crop.placed, mapped);
  }
  // The centre is the frame itself, sharp; the fill above and below is blurred (and darker).
  cv::Mat expected;
  cv::resize(frame, expected, crop.placed.size(), 0, 0, cv::INTER_AREA);
  EXPECT_LT(cv::norm(crop.image(crop.placed), expected, cv::NORM_L1) / static_cast<double>(expected.total() * 3), 1.0);
  const cv::Mat top = crop.image(cv::Rect(0, 0, 540, 300));
  const cv::Mat bottom = crop.image(cv::Rect(0, 660, 540, 300));
  const double sharp = laplacian_variance(crop.image(crop.placed));
  EXPECT_LT(laplacian_variance(top), 2.0) << "sharp frame: " << sharp;
  EXPECT_LT(laplacian_variance(bottom), 2.0) << "sharp frame: " << sharp;
  EXPECT_GT(sharp, 100.0);
  EXPECT_LT(cv::mean(top)[0], cv::mean(crop.image(crop.placed))[0] * 0.8);

  // The manifest says which crops are fitted and which are windows.
  TempDir dir;
  const nlohmann::json j = stills::write_poster_files(
      frame, faces, dir.path(), {stills::parse_crop("9x16-540"), stills::parse_crop("og-1200x630")});
  EXPECT_EQ(j["crops"][0]["fit"], "blurred_fill");
  EXPECT_EQ(j["crops"][0]["placed"]["height"], 304);
  EXPECT_EQ(j["crops"][1]["fit"], "window");
  const cv::Mat written = cv::imread((dir / j["crops"][0]["file"].get<std::string>()).string());
  EXPECT_EQ(written.size(), cv::Size(540, 960));
  // A size the source cannot give: the fill is as large as a window would be (608x1080), no larger.
  const stills::Crop full = stills::make_crop(frame, stills::parse_crop("9x16-1080x1920"), faces, subject);
  EXPECT_TRUE(full.blurred_fill);
  EXPECT_TRUE(full.upscale_refused);
  EXPECT_EQ(full.image.size(), cv::Size(608, 1080));
}

TEST(Crops, OneCentredFaceGivesAWindowThatHoldsIt) {
  const cv::Mat frame = detailed_frame({1920, 1080});
  const std::vector<stills::FaceBox> faces = {{{860, 380, 200, 240}, 2}};
  const cv::Mat subject = stills::subject_map(frame, faces);
  for (const char* name : {"9x16-1080x1920", "1x1-1080", "4x5-1080x1350"}) {
    const stills::Crop crop = stills::make_crop(frame, stills::parse_crop(name), faces, subject);
    EXPECT_FALSE(crop.blurred_fill) << name;
    EXPECT_TRUE(crop.faces_whole) << name;
    EXPECT_EQ(crop.window & faces[0].box, faces[0].box) << name;
    EXPECT_EQ(crop.window.height, 1080) << name;
    EXPECT_EQ(crop.placed, cv::Rect({0, 0}, crop.size)) << name;
  }
}

TEST(Crops, ASubjectWiderThanTheWindowIsFittedAndANarrowOneFramed) {
  // No faces: saliency is the subject. Bright shapes on a plain grey ground, as a rocket and its
  // flames against the sky: a subject over most of the width cannot be held by a 9:16 window.
  cv::Mat wide(1080, 1920, CV_8UC3, cv::Scalar::all(110));
  for (const int x : {330, 650, 960, 1270, 1590}) cv::circle(wide, {x, 540}, 110, cv::Scalar(40, 200, 250), cv::FILLED);
  const stills::Crop fitted = stills::make_crop(wide, stills::parse_crop("9x16-540"), {}, stills::subject_map(wide, {}));
  EXPECT_TRUE(fitted.blurred_fill);
  cv::Mat narrow(1080, 1920, CV_8UC3, cv::Scalar::all(110));
  cv::circle(narrow, {1350, 540}, 140, cv::Scalar(40, 200, 250), cv::FILLED);
  const cv::Rect object(1210, 400, 281, 281);
  const stills::Crop framed =
      stills::make_crop(narrow, stills::parse_crop("9x16-540"), {}, stills::subject_map(narrow, {}));
  EXPECT_FALSE(framed.blurred_fill);
  EXPECT_EQ(framed.window & object, object);
}

TEST(Crops, TextIsWholeOrAbsentNeverSliced) {
  cv::Mat frame = detailed_frame({1920, 1080});
  cv::GaussianBlur(frame, frame, {0, 0}, 6.0);  // a soft picture, as titles are set on
  // A title line across most of the width: no 9:16 window holds it whole, and one that crossed it
  // would slice its letters; a 16:9 crop holds it whole.
  cv::putText(frame, "RELEASE DATE 4 JULY", {150, 560}, cv::FONT_HERSHEY_DUPLEX, 4.0, cv::Scalar::all(255), 10);
  const std::vector<cv::Rect> lines = stills::text_lines_of(frame);
  ASSERT_FALSE(lines.empty()) << "the title was not seen as text";
  const cv::Mat subject = stills::subject_map(frame, {});
  const stills::Crop tall = stills::make_crop(frame, stills::parse_crop("9x16-1080x1920"), {}, subject, lines);
  EXPECT_TRUE(tall.blurred_fill);
  const stills::Crop wide = stills::make_crop(frame, stills::parse_crop("og-1200x630"), {}, subject, lines);
  EXPECT_FALSE(wide.blurred_fill);
  for (const cv::Rect& line : lines) {
    const cv::Rect inside = line & wide.window;
    EXPECT_TRUE(inside.empty() || inside == line) << "a text line is sliced by the og crop";
  }
}

}  // namespace

namespace {

// Shots of 50, 8, 10, 8, 3 and 50 frames at 25 fps, each from another source so every boundary is a
// hard cut: the short ones hold no sampled frame clear of their cuts (one frame in six is sampled,
// none within three frames of a cut), and the 3-frame one no sampled frame at all.
std::filesystem::path make_short_shots_clip(const std::filesystem::path& clip, int width, int height) {
  const std::vector<std::pair<std::string, int>> shots = {
      {"testsrc2", 50}, {"yuvtestsrc", 8}, {"smptebars", 10}, {"testsrc", 8}, {"rgbtestsrc", 3}, {"cellauto", 50}};
  std::vector<std::string> args;
  std::string graph;
  for (size_t i = 0; i < shots.size(); ++i) {
    args.insert(args.end(), {"-f", "lavfi", "-i", fmt::format("{}=size={}x{}:rate=25", shots[i].first, width, height)});
    graph += fmt::format("[{}:v]trim=end_frame={},setpts=PTS-STARTPTS,setsar=1,format=yuv420p[s{}];", i, shots[i].second, i);
  }
  for (size_t i = 0; i < shots.size(); ++i) graph += fmt::format("[s{}]", i);
  graph += fmt::format("concat=n={}:v=1[v]", shots.size());
  args.insert(args.end(), {"-filter_complex", graph, "-map", "[v]", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25",
                           "-pix_fmt", "yuv420p"});
  pressreel::testing::ffmpeg(args, clip);
  return clip;
}

TEST(CandidateKeeper, EveryShotGetsAStillOrIsListedAsOmitted) {
  TempDir dir;
  const auto clip = make_short_shots_clip(dir / "short-shots.mp4", 320, 180);
  const std::vector<scenes::Cut> cuts = {cut_at(50, 25), cut_at(58, 25), cut_at(68, 25), cut_at(76, 25), cut_at(79, 25)};
  stills::KeeperOptions options;
  options.latency_frames = 10;
  stills::CandidateKeeper keeper(options);
  LiveCuts live(keeper, cuts, options.latency_frames);
  media::FrameSink* sinks[] = {&keeper, &live};
  media::run_decode_pass(media::probe(clip), sinks, {});
  const scenes::SceneList list = scene_list(cuts, 129);
  const std::vector<stills::ShotStill> kept = keeper.finish(list);

  std::map<int, const stills::ShotStill*> by_shot;
  for (const auto& s : kept) by_shot[s.shot] = &s;
  for (int shot : {0, 1, 2, 3, 5}) {
    ASSERT_TRUE(by_shot.contains(shot)) << "shot " << shot << " has no still";
    const stills::ShotStill& s = *by_shot[shot];
    EXPECT_GE(s.frame, list.shots[shot].start_frame) << "shot " << shot;
    EXPECT_LE(s.frame, list.shots[shot].end_frame) << "shot " << shot;
    EXPECT_FALSE(s.image_jpeg.empty());
  }
  // The 8-frame shots have only frames next to a cut: one of them, marked; the 10-frame shot has a
  // sampled frame five frames from each cut, a still like any other.
  EXPECT_TRUE(by_shot[1]->near_cut);
  EXPECT_TRUE(by_shot[3]->near_cut);
  EXPECT_FALSE(by_shot[2]->near_cut);
  EXPECT_FALSE(by_shot[0]->near_cut);
  // The 3-frame shot holds no sampled frame: listed, with the reason.
  EXPECT_FALSE(by_shot.contains(4));
  ASSERT_EQ(keeper.omitted().size(), 1u);
  EXPECT_EQ(keeper.omitted()[0].shot, 4);
  EXPECT_EQ(keeper.omitted()[0].brief, "too short");
  EXPECT_NE(keeper.omitted()[0].reason.find("3 frames"), std::string::npos) << keeper.omitted()[0].reason;
  // A still next to a cut is the poster only when nothing else is.
  const stills::PosterChoice choice = stills::choose_poster(kept);
  ASSERT_NE(choice.poster, nullptr);
  EXPECT_FALSE(choice.poster->near_cut);
}

// The batch run accounts for every shot the detector found in the manifest and on the sheet, and
// writes the poster and crops at the source's full resolution.
TEST(ClipStills, RunAccountsForEveryShotAndWritesFullResolutionArt) {
  TempDir dir;
  make_short_shots_clip(dir / "in" / "film" / "short-shots.mp4", 1280, 720);
  pressreel::testing::write_text(dir / "stills.toml",
                                 "[outputs]\nscenes = true\nstills = true\nposter = true\ncontact_sheet = true\n"
                                 "storyboard = false\npreviews = false\nteaser = false\n"
                                 "[contact_sheet]\nmin_shots = 1\n");
  std::string log;
  ASSERT_EQ(pressreel::testing::run_command(
                fmt::format("{} --quiet run '{}' -o '{}' --pipeline '{}' 2>&1", pressreel::testing::cli(),
                            (dir / "in").string(), (dir / "out").string(), (dir / "stills.toml").string()),
                &log),
            0)
      << log;
  const auto manifest = pressreel::testing::read_json(dir / "out" / "film" / "short-shots" / "manifest.json");
  const auto& outputs = manifest["outputs"];
  const int shots = outputs["scenes"]["shots"].get<int>();
  EXPECT_GE(shots, 5) << "the detector merged the short shots; the test needs them apart";
  const auto& files = outputs["stills"]["files"];
  const auto& omitted = outputs["stills"]["omitted"];
  EXPECT_EQ(static_cast<int>(files.size() + omitted.size()), shots);
  std::set<int> accounted;
  for (const auto& f : files) accounted.insert(f["shot"].get<int>());
  for (const auto& o : omitted) {
    accounted.insert(o["shot"].get<int>());
    EXPECT_FALSE(o["reason"].get<std::string>().empty());
  }
  EXPECT_EQ(static_cast<int>(accounted.size()), shots);
  // One tile per shot, those without a still included (blank, saying why).
  EXPECT_EQ(outputs["contact_sheet"]["tiles"].get<int>(), shots);
  EXPECT_EQ(outputs["contact_sheet"]["omitted"].get<int>(), 0);

  const auto& poster = outputs["poster"];
  EXPECT_TRUE(poster["full_resolution"].get<bool>());
  EXPECT_EQ(cv::imread((dir / "out" / "film" / "short-shots" / "poster" / poster["file"].get<std::string>()).string()).size(),
            cv::Size(1280, 720));
  for (const auto& crop : poster["crops"]) {
    if (crop["name"] != "og-1200x630") continue;
    EXPECT_EQ(crop["width"].get<int>(), 1200);
    EXPECT_EQ(crop["height"].get<int>(), 630);
    EXPECT_EQ(cv::imread((dir / "out" / "film" / "short-shots" / "poster" / crop["file"].get<std::string>()).string()).size(),
              cv::Size(1200, 630));
  }
}

}  // namespace

namespace {

// A frame of `size` with picture `content` inside bars of `top`, `bottom`, `left`, `right` pixels
// (near-black and flat, as a decoder delivers them: 0 to 2 after compression).
cv::Mat with_bars(const cv::Mat& content, int top, int bottom, int left, int right) {
  cv::Mat frame(content.rows + top + bottom, content.cols + left + right, CV_8UC3);
  cv::randu(frame, cv::Scalar::all(0), cv::Scalar::all(3));
  content.copyTo(frame(cv::Rect(left, top, content.cols, content.rows)));
  return frame;
}

// Grainy picture: bright (a textured mid-grey scene) or dark (a night interior, mean luma ~35).
cv::Mat grainy(cv::Size size, bool dark, uint64_t seed) {
  cv::RNG rng(seed);
  cv::Mat picture(size, CV_8UC3);
  if (dark) {
    rng.fill(picture, cv::RNG::NORMAL, cv::Scalar::all(35), cv::Scalar::all(12));
  } else {
    rng.fill(picture, cv::RNG::UNIFORM, cv::Scalar::all(40), cv::Scalar::all(220));
  }
  return picture;
}

std::vector<stills::FrameBars> measure_all(const std::vector<cv::Mat>& frames) {
  std::vector<stills::FrameBars> bars;
  for (const cv::Mat& f : frames) bars.push_back(stills::measure_bars(f));
  return bars;
}

TEST(ActivePicture, FindsLetterboxAndPillarboxBarsOfSeveralWidthsOnBrightAndDarkPictures) {
  struct Case {
    int top, bottom, left, right;
  };
  for (const Case c : {Case{20, 20, 0, 0}, Case{45, 45, 0, 0}, Case{60, 58, 0, 0}, Case{0, 0, 80, 80},
                       Case{0, 0, 30, 32}, Case{24, 24, 40, 40}}) {
    for (const bool dark : {false, true}) {
      std::vector<cv::Mat> frames;
      const cv::Size picture(640 - c.left - c.right, 360 - c.top - c.bottom);
      for (uint64_t seed = 1; seed <= 4; ++seed) frames.push_back(with_bars(grainy(picture, dark, seed), c.top, c.bottom, c.left, c.right));
      const cv::Rect active = stills::active_picture(measure_all(frames));
      const cv::Rect inside(c.left, c.top, picture.width, picture.height);
      const std::string what = fmt::format("bars {}/{}/{}/{} on a {} picture", c.top, c.bottom, c.left, c.right,
                                           dark ? "dark" : "bright");
      // Every bar gone, and at most a line more of the picture on each barred side.
      EXPECT_EQ(active & inside, active) << what << ": " << active;
      EXPECT_GE(active.width, picture.width - (c.left > 0 ? 1 : 0) - (c.right > 0 ? 1 : 0)) << what;
      EXPECT_GE(active.height, picture.height - (c.top > 0 ? 1 : 0) - (c.bottom > 0 ? 1 : 0)) << what;
    }
  }
}

TEST(ActivePicture, ADarkSceneWithoutBarsKeepsItsFullFrame) {
  const cv::Size size(640, 360);
  // A night skyline: a flat black sky over the top third, buildings of uneven height with lit
  // windows, a dark street below. The sky is as black and flat as a bar, but ends in no straight edge.
  std::vector<cv::Mat> skyline;
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    cv::Mat frame = grainy(size, true, seed);
    cv::RNG rng(seed);
    frame(cv::Rect(0, 0, size.width, 120)).setTo(cv::Scalar::all(1));
    for (int x = 0; x < size.width; x += 40) {
      const int top = 50 + (x * 37 % 60);
      frame(cv::Rect(x, top, 32, 120 - top)).setTo(cv::Scalar::all(30));
      for (int y = top + 4; y < 116; y += 10) frame(cv::Rect(x + 6, y, 6, 4)).setTo(cv::Scalar(90, 180, 230));
    }
    skyline.push_back(frame);
  }
  EXPECT_EQ(stills::active_picture(measure_all(skyline)), cv::Rect({0, 0}, size));

  // A night sky that lightens slowly towards the horizon: dark and flat at the top, no edge.
  std::vector<cv::Mat> dusk;
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    cv::Mat frame = grainy(size, true, seed);
    for (int y = 0; y < 150; ++y) frame.row(y).setTo(cv::Scalar::all(y / 4));
    dusk.push_back(frame);
  }
  EXPECT_EQ(stills::active_picture(measure_all(dusk)), cv::Rect({0, 0}, size));

  // Black at the top of one frame only (a dark object passing): not a bar, which is in every frame.
  std::vector<cv::Mat> passing = {with_bars(grainy({640, 300}, false, 1), 30, 30, 0, 0),
                                  grainy(size, false, 2), grainy(size, false, 3)};
  EXPECT_EQ(stills::active_picture(measure_all(passing)), cv::Rect({0, 0}, size));

  // A frame that is black but for a band: a dark scene or a card, never a 90% letterbox.
  std::vector<cv::Mat> band = {with_bars(grainy({640, 40}, false, 1), 160, 160, 0, 0)};
  EXPECT_EQ(stills::active_picture(measure_all(band)), cv::Rect({0, 0}, size));
}

TEST(ActivePicture, StillsOfALetterboxedClipHaveNoBars) {
  TempDir dir;
  const auto clip = dir / "letterboxed.mp4";
  // A 2.4:1 picture in a 16:9 frame: 320x134 in 320x180, 23 rows of black above and below.
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=320x134:rate=25", "-frames:v", "75", "-vf",
                              "pad=320:180:0:23:black,setsar=1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt",
                              "yuv420p"},
                             clip);
  const KeptStills kept = keep(clip, {}, 75);
  ASSERT_EQ(kept.stills.size(), 1u);
  const stills::ShotStill& s = kept.stills.front();
  EXPECT_EQ(s.sampled_size, cv::Size(320, 180));
  const cv::Mat image = s.image();
  EXPECT_EQ(image.cols, 320);
  EXPECT_GE(image.rows, 130);
  EXPECT_LE(image.rows, 134);
  cv::Mat gray;
  cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  EXPECT_GT(cv::mean(gray.row(0))[0], 24) << "a bar's row is left at the top";
  EXPECT_GT(cv::mean(gray.row(gray.rows - 1))[0], 24) << "a bar's row is left at the bottom";
  // Its full-resolution copy (the poster's) is the same active picture.
  ASSERT_FALSE(s.full_resolution.empty());
  EXPECT_EQ(s.full_resolution.size(), image.size());
}

}  // namespace
