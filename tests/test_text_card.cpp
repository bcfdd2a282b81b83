// Title cards, credits and screens against pictures: the card signal alone on generated frames and
// real ones, then its use by `thumbs`, which shares the frame scorer with the candidate keeper.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "pressreel/media/decode_pass.hpp"
#include "pressreel/media/probe.hpp"
#include "pressreel/stills/candidate_keeper.hpp"
#include "pressreel/stills/frame_score.hpp"
#include "pressreel/stills/poster.hpp"
#include "pressreel/stills/thumbs.hpp"
#include "stills/text_card.hpp"
#include "test_support.hpp"

namespace {

using namespace pressreel;
using pressreel::testing::TempDir;

// A picture with detail at several scales, like foliage or a crowd: smoothed noise, in colour.
cv::Mat natural_picture(cv::Size size, uint64_t seed, double finest_blur) {
  cv::RNG rng(seed);
  cv::Mat sum(size, CV_32FC3, cv::Scalar::all(0));
  for (const double sigma : {finest_blur, 4 * finest_blur, 16 * finest_blur}) {
    cv::Mat noise(size, CV_32FC3);
    rng.fill(noise, cv::RNG::NORMAL, 0, 1);
    cv::GaussianBlur(noise, noise, {0, 0}, sigma);
    cv::normalize(noise, noise, -1, 1, cv::NORM_MINMAX);
    sum += noise;
  }
  cv::Mat picture;
  sum.convertTo(picture, CV_8UC3, 45, 120);
  return picture;
}

cv::Mat gradient(cv::Size size, cv::Scalar from, cv::Scalar to) {
  cv::Mat g(size, CV_8UC3);
  for (int y = 0; y < size.height; ++y) {
    const double t = static_cast<double>(y) / (size.height - 1);
    g.row(y).setTo(from * (1 - t) + to * t);
  }
  return g;
}

// Lines of text as a title card sets them: centred, large, in one colour.
cv::Mat with_text(cv::Mat background, const std::vector<std::string>& lines, double scale, cv::Scalar colour,
                  int thickness) {
  const int font = cv::FONT_HERSHEY_DUPLEX;
  int baseline = 0;
  const int line_height = cv::getTextSize("Ag", font, scale, thickness, &baseline).height * 2;
  int y = (background.rows - line_height * static_cast<int>(lines.size())) / 2 + line_height;
  for (const std::string& line : lines) {
    const cv::Size text = cv::getTextSize(line, font, scale, thickness, &baseline);
    cv::putText(background, line, {(background.cols - text.width) / 2, y}, font, scale, colour, thickness, cv::LINE_AA);
    y += line_height;
  }
  return background;
}

double card_of(const cv::Mat& bgr) {
  return stills::card_likelihood(stills::measure_frame(bgr));
}

const cv::Size frame_size(640, 360);

TEST(TextCard, TitlesOverFlatGradientAndSoftPicturesAreCards) {
  const cv::Mat soft_picture = [] {
    cv::Mat p = natural_picture(frame_size, 7, 2);
    cv::GaussianBlur(p, p, {0, 0}, 6);
    return p;
  }();
  const std::vector<std::pair<std::string, cv::Mat>> cards = {
      {"release date on black", with_text(cv::Mat(frame_size, CV_8UC3, cv::Scalar::all(0)), {"AB 4. JULI", "IM KINO"},
                                          2.0, {255, 255, 255}, 4)},
      {"credits on a gradient", with_text(gradient(frame_size, {90, 30, 20}, {20, 10, 5}),
                                          {"A FILM BY SOMEONE", "MUSIC BY SOMEONE ELSE", "PRODUCED BY A STUDIO"}, 1.0,
                                          {220, 220, 255}, 2)},
      {"title over a soft picture", with_text(soft_picture.clone(), {"BIG TITLE", "THE MOVIE"}, 2.6, {255, 255, 255}, 7)},
      {"dark title on white", with_text(cv::Mat(frame_size, CV_8UC3, cv::Scalar::all(245)), {"anakreon studio"}, 1.6,
                                        {40, 40, 40}, 3)},
  };
  for (const auto& [what, frame] : cards) {
    EXPECT_GE(card_of(frame), 0.6) << what << ": text_lines " << stills::measure_frame(frame).text_lines;
  }
  // The same soft picture without its title is no card.
  EXPECT_LT(card_of(soft_picture), 0.1);
}

TEST(TextCard, GeneratedPicturesAreNotCards) {
  for (const double finest : {1.0, 2.0, 4.0}) {
    EXPECT_LT(card_of(natural_picture(frame_size, 11, finest)), 0.1) << "detail from " << finest << " px";
  }
  // A flat frame is a plain card (is_near_uniform), not a text card; a smooth gradient is neither.
  EXPECT_EQ(card_of(cv::Mat(frame_size, CV_8UC3, cv::Scalar(30, 60, 90))), 0.0);
  EXPECT_EQ(card_of(gradient(frame_size, {0, 0, 0}, {255, 200, 100})), 0.0);
}

// Frames of the shared footage looked at by eye: faces, a city at night, a meadow, flowers, a bird.
TEST(TextCard, RealPicturesAreNotCardsAndBigBuckBunnysTitleIs) {
  PRESSREEL_SHARED_CLIP_OR_SKIP(bunny, "big-buck-bunny-0-30.webm");
  TempDir dir;
  const auto frame = [&](const std::filesystem::path& clip, double seconds) {
    const auto png = dir / (clip.stem().string() + "-" + std::to_string(seconds) + ".png");
    pressreel::testing::ffmpeg({"-ss", std::to_string(seconds), "-i", clip.string(), "-frames:v", "1"}, png);
    return cv::imread(png.string());
  };
  const struct {
    std::string clip;
    double seconds;
  } pictures[] = {{"big-buck-bunny-0-30.webm", 9.5},  {"big-buck-bunny-0-30.webm", 14.5},
                  {"big-buck-bunny-0-30.webm", 18.5}, {"megamind-trailer.avi", 9.0},
                  {"megamind-trailer.avi", 2.0},      {"city-cc0.mpg", 2.0},
                  {"bikes.mp4", 1.0},                 {"fades-and-cuts.mp4", 4.0}};
  for (const auto& p : pictures) {
    EXPECT_LT(card_of(frame(pressreel::testing::shared_clip(p.clip), p.seconds)), 0.5) << p.clip << " at " << p.seconds;
  }
  for (const double title : {27.5, 28.5}) EXPECT_GE(card_of(frame(bunny, title)), 0.8) << "title at " << title;
}

// Two seconds of a title over a soft picture, then two of a clean shot that pans slowly. Without the
// card penalty the title's letters make it the sharpest, most contrasty frame of the clip.
std::filesystem::path make_card_then_shot(const std::filesystem::path& dir) {
  cv::Mat soft = natural_picture(frame_size, 3, 2);
  cv::GaussianBlur(soft, soft, {0, 0}, 5);
  const cv::Mat card = with_text(soft, {"THE TITLE", "IN CINEMAS 4 JULY"}, 2.2, {255, 255, 255}, 6);
  cv::Mat shot = natural_picture(frame_size, 5, 3);
  cv::GaussianBlur(shot, shot, {0, 0}, 1.2);
  for (int i = 0; i < 100; ++i) {
    cv::Mat f = card;
    if (i >= 50) {
      cv::warpAffine(shot, f, cv::Mat_<double>({2, 3}, {1, 0, -(i - 50) * 0.5, 0, 1, 0}), frame_size, cv::INTER_LINEAR,
                     cv::BORDER_REFLECT);
    }
    cv::imwrite((dir / cv::format("f%03d.png", i)).string(), f);
  }
  const auto clip = dir / "card-then-shot.mp4";
  pressreel::testing::ffmpeg({"-framerate", "25", "-i", (dir / "f%03d.png").string(), "-c:v", "libx264", "-preset",
                              "ultrafast", "-g", "25", "-pix_fmt", "yuv420p"},
                             clip);
  return clip;
}

TEST(TextCard, ThumbsTakesTheShotOverASharperTitleCard) {
  TempDir dir;
  const auto clip = make_card_then_shot(dir.path());
  stills::ThumbsOptions options;
  options.crops = {stills::parse_crop("1x1-360")};
  stills::ThumbsOptions blind = options;
  blind.weights.text_card = 0;
  const nlohmann::json before = stills::make_thumbs(clip, dir / "blind", blind);
  ASSERT_LT(before["poster"]["time"]["seconds"].get<double>(), 2.0) << "the card no longer outscores the shot";
  const nlohmann::json after = stills::make_thumbs(clip, dir / "art", options);
  EXPECT_GE(after["poster"]["time"]["seconds"].get<double>(), 2.0);
  EXPECT_LT(after["poster"]["signals"]["card"].get<double>(), 0.2);
}

// The run's keeper scores with the same scorer: the card shot keeps its still, marked by its card
// likelihood, and the poster is the shot.
TEST(TextCard, TheKeepersPosterIsTheShotAndTheCardKeepsItsStill) {
  TempDir dir;
  const auto clip = make_card_then_shot(dir.path());
  scenes::Cut cut;
  cut.frame = cut.first_frame = cut.last_frame = 50;
  cut.time = media::RationalTime(2, AVRational{1, 1});
  cut.transition = {cut.time, cut.time};
  scenes::SceneList list;
  list.frames = 100;
  list.cuts = {cut};
  list.shots = {{0, 49, {}}, {50, 99, {}}};
  const auto stills_with = [&](const stills::ScoreWeights& weights) {
    stills::KeeperOptions options;
    options.weights = weights;
    stills::CandidateKeeper keeper(options);
    media::FrameSink* sinks[] = {&keeper};
    media::run_decode_pass(media::probe(clip), sinks, {});
    return keeper.finish(list);
  };
  stills::ScoreWeights blind;
  blind.text_card = 0;
  const std::vector<stills::ShotStill> before = stills_with(blind);
  ASSERT_EQ(before.size(), 2u);
  ASSERT_EQ(stills::choose_poster(before).poster->shot, 0) << "the card no longer outscores the shot";
  const std::vector<stills::ShotStill> after = stills_with({});
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(stills::choose_poster(after).poster->shot, 1);
  EXPECT_GE(stills::card_likelihood(after[0].signals), 0.6);
  EXPECT_GE(stills::to_json(after[0])["signals"]["card"].get<double>(), 0.6);
}

// Shots of the given lengths in frames, each a still picture panning slowly, and the scene list a
// detector would return for them.
struct ShotsClip {
  std::filesystem::path path;
  scenes::SceneList scenes;
};

ShotsClip make_shots_clip(const std::filesystem::path& dir, const std::vector<cv::Mat>& shots,
                          const std::vector<int>& lengths) {
  ShotsClip clip{dir / "shots.mp4", {}};
  int n = 0;
  for (size_t s = 0; s < shots.size(); ++s) {
    const int64_t start = n;
    for (int i = 0; i < lengths.at(s); ++i) {
      cv::Mat f;
      cv::warpAffine(shots[s], f, cv::Mat_<double>({2, 3}, {1, 0, -i * 0.5, 0, 1, 0}), frame_size, cv::INTER_LINEAR,
                     cv::BORDER_REFLECT);
      cv::imwrite((dir / cv::format("s%03d.png", n++)).string(), f);
    }
    clip.scenes.shots.push_back({start, n - 1, {}});
    if (s > 0) {
      scenes::Cut cut;
      cut.frame = cut.first_frame = cut.last_frame = start;
      cut.time = media::RationalTime(start, AVRational{1, 25});
      cut.transition = {cut.time, cut.time};
      clip.scenes.cuts.push_back(cut);
    }
  }
  clip.scenes.frames = n;
  pressreel::testing::ffmpeg({"-framerate", "25", "-i", (dir / "s%03d.png").string(), "-c:v", "libx264", "-preset",
                              "ultrafast", "-g", "25", "-pix_fmt", "yuv420p"},
                             clip.path);
  return clip;
}

// Gives the keeper each cut as the scene detector would in a run: a few frames after it.
class CutsAsTheyCome : public media::FrameSink {
 public:
  CutsAsTheyCome(stills::CandidateKeeper& keeper, std::vector<scenes::Cut> cuts)
      : keeper_(keeper), cuts_(std::move(cuts)) {}
  std::string_view name() const override { return "cuts"; }
  void on_frame(const media::VideoFrame& frame, std::any&) override {
    while (next_ < cuts_.size() && cuts_[next_].frame + latency <= frame.index) keeper_.on_cut(cuts_[next_++]);
  }
  static constexpr int64_t latency = 5;

 private:
  stills::CandidateKeeper& keeper_;
  std::vector<scenes::Cut> cuts_;
  size_t next_ = 0;
};

std::vector<stills::ShotStill> keep_stills(const ShotsClip& clip) {
  stills::KeeperOptions options;
  options.latency_frames = CutsAsTheyCome::latency;
  stills::CandidateKeeper keeper(options);
  CutsAsTheyCome cuts(keeper, clip.scenes.cuts);
  media::FrameSink* sinks[] = {&keeper, &cuts};
  media::run_decode_pass(media::probe(clip.path), sinks, {});
  return keeper.finish(clip.scenes);
}

// The card is judged against the clip's other shots: a title among pictures is far above them.
TEST(TextCard, ATitleAmongPictureShotsIsMarkedAndNeverThePoster) {
  TempDir dir;
  cv::Mat soft = natural_picture(frame_size, 3, 2);  // as make_card_then_shot's title
  cv::GaussianBlur(soft, soft, {0, 0}, 5);
  std::vector<cv::Mat> shots;
  for (const uint64_t seed : {21, 22}) shots.push_back(natural_picture(frame_size, seed, 3));
  shots.push_back(with_text(soft, {"THE TITLE", "IN CINEMAS 4 JULY"}, 2.2, {255, 255, 255}, 6));
  for (const uint64_t seed : {23, 24}) shots.push_back(natural_picture(frame_size, seed, 3));
  const std::vector<stills::ShotStill> stills = keep_stills(make_shots_clip(dir.path(), shots, std::vector<int>(shots.size(), 25)));
  ASSERT_EQ(stills.size(), shots.size());
  for (const stills::ShotStill& s : stills) {
    EXPECT_EQ(s.card, s.shot == 2) << "shot " << s.shot << ", card likelihood " << stills::card_likelihood(s.signals);
    EXPECT_EQ(stills::to_json(s)["card"].get<bool>(), s.card);
  }
  const stills::PosterChoice choice = stills::choose_poster(stills, stills.size() - 1);
  ASSERT_NE(choice.poster, nullptr);
  EXPECT_NE(choice.poster->shot, 2);
  EXPECT_EQ(choice.alternates.back()->shot, 2) << "the card is the last choice";
  // Among clips too: a clip whose poster is a card loses the film poster to one whose poster is a picture.
  nlohmann::json card_clip = {{"score", 0.9}, {"card", true}}, picture_clip = {{"score", 0.4}, {"card", false}};
  EXPECT_EQ(stills::choose_film_poster({card_clip, picture_clip}), 1u);
}

// Where every shot is text-like (a screencast, a railing scene, a page of captions), text is the
// clip's picture: none of its shots is a card, and none is penalised for what all of them have.
TEST(TextCard, AClipWhoseShotsAllLookLikeTextHasNoCard) {
  TempDir dir;
  std::vector<cv::Mat> shots;
  for (const uint64_t seed : {31, 32, 33, 34}) {
    cv::Mat page(frame_size, CV_8UC3, cv::Scalar(70, 60, 50));
    page = with_text(page, {"Displays  Settings", "Resolution 1920 x 1080", "Scale 100 %  Apply"}, 1.1,
                     {235, 235, 235}, 2);
    cv::Mat picture = natural_picture({200, 120}, seed, 2);  // a thumbnail in a corner: each screen differs
    picture.copyTo(page(cv::Rect(20, 20, 200, 120)));
    shots.push_back(page);
  }
  for (const cv::Mat& shot : shots) ASSERT_GE(stills::card_likelihood(stills::measure_frame(shot)), 0.5);
  const std::vector<stills::ShotStill> stills = keep_stills(make_shots_clip(dir.path(), shots, std::vector<int>(shots.size(), 25)));
  ASSERT_EQ(stills.size(), shots.size());
  for (const stills::ShotStill& s : stills) {
    EXPECT_FALSE(s.card) << "shot " << s.shot;
    EXPECT_LT(s.breakdown.text_card, 0.2) << "shot " << s.shot;
  }
}

// What the clip is most of its running time sets the baseline, not the count of shots: a screencast's
// short glimpses of desktop between long dialog shots do not make the dialogs cards.
TEST(TextCard, LongTextShotsAmongShortPictureShotsAreNotCards) {
  TempDir dir;
  std::vector<cv::Mat> shots;
  std::vector<int> lengths;
  for (const uint64_t seed : {41, 42, 43, 44, 45}) {
    const bool dialog = seed % 2 == 0;
    cv::Mat shot = natural_picture(frame_size, seed, 3);
    if (dialog) {
      cv::Mat thumbnail = natural_picture({200, 120}, seed, 2);  // a screen is never one flat colour
      shot = with_text(cv::Mat(frame_size, CV_8UC3, cv::Scalar(70, 60, 50)),
                       {"Displays  Settings", "Resolution 1920 x 1080", "Scale 100 %  Apply"}, 1.1, {235, 235, 235}, 2);
      thumbnail.copyTo(shot(cv::Rect(20, 20, 200, 120)));
    }
    shots.push_back(shot);
    lengths.push_back(dialog ? 75 : 15);  // 2 dialogs of 3 s, 3 pictures of 0.6 s
  }
  const std::vector<stills::ShotStill> stills = keep_stills(make_shots_clip(dir.path(), shots, lengths));
  int dialogs = 0;
  for (const stills::ShotStill& s : stills) {
    EXPECT_FALSE(s.card) << "shot " << s.shot;
    if (s.shot % 2 == 1) {
      ++dialogs;
      EXPECT_GE(stills::card_likelihood(s.signals), 0.5) << "dialog shot " << s.shot;
    }
  }
  EXPECT_EQ(dialogs, 2);
}

// A clip that is all card still gets its card: a penalty, not a ban.
TEST(TextCard, AClipOfOnlyACardStillGetsAPoster) {
  TempDir dir;
  const cv::Mat card = with_text(cv::Mat(frame_size, CV_8UC3, cv::Scalar::all(0)), {"AB 4. JULI", "IM KINO"}, 2.0,
                                 {255, 255, 255}, 4);
  cv::imwrite((dir / "card.png").string(), card);
  const auto clip = dir / "card.mp4";
  pressreel::testing::ffmpeg({"-loop", "1", "-framerate", "25", "-i", (dir / "card.png").string(), "-frames:v", "50",
                              "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"},
                             clip);
  stills::ThumbsOptions options;
  options.crops = {stills::parse_crop("1x1-360")};
  const nlohmann::json j = stills::make_thumbs(clip, dir / "art", options);
  EXPECT_GE(j["poster"]["signals"]["card"].get<double>(), 0.6);
  EXPECT_TRUE(std::filesystem::exists(dir / "art" / "poster.jpg"));
}

// Big Buck Bunny's title card was its thumbs poster; its meadow, flowers and bird are better.
TEST(TextCard, BigBuckBunnysThumbsPosterIsNotItsTitle) {
  PRESSREEL_SHARED_CLIP_OR_SKIP(bunny, "big-buck-bunny-0-30.webm");
  TempDir dir;
  stills::ThumbsOptions options;
  options.crops = {stills::parse_crop("1x1-360")};
  const nlohmann::json j = stills::make_thumbs(bunny, dir / "art", options);
  EXPECT_LT(j["poster"]["signals"]["card"].get<double>(), 0.5);
  const double seconds = j["poster"]["time"]["seconds"].get<double>();
  EXPECT_FALSE(seconds >= 25.5 && seconds <= 30.0) << "the title, at " << seconds << " s";
}

}  // namespace
