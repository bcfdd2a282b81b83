// The teaser's animated WebP, encoded in parts side by side and joined.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <fstream>

extern "C" {
#include <libavutil/frame.h>
}

#include "pressreel/media/av_ptr.hpp"
#include "pressreel/media/error.hpp"
#include "pressreel/media/probe.hpp"
#include "pressreel/preview/teaser.hpp"
#include "preview/webp_animation.hpp"
#include "preview/webp_budget.hpp"
#include "test_preview_readback.hpp"
#include "test_support.hpp"

namespace {

using namespace pressreel;
using pressreel::testing::TempDir;

// A flat grey YUV 4:2:0 picture at limited-range luma `level`.
media::FramePtr grey(cv::Size size, int level) {
  media::FramePtr f = media::make_frame();
  f->format = AV_PIX_FMT_YUV420P;
  f->width = size.width;
  f->height = size.height;
  EXPECT_EQ(av_frame_get_buffer(f.get(), 0), 0);
  std::memset(f->data[0], level, static_cast<size_t>(f->linesize[0]) * size.height);
  for (int plane : {1, 2}) std::memset(f->data[plane], 128, static_cast<size_t>(f->linesize[plane]) * (size.height / 2));
  return f;
}

// The full-range grey a browser shows for limited-range luma `level`.
int shown_grey(int level) { return std::clamp((level - 16) * 255 / 219, 0, 255); }

pressreel::testing::WebpAnimation decode(const std::vector<uint8_t>& webp, const std::filesystem::path& file) {
  std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(webp.data()), static_cast<std::streamsize>(webp.size()));
  return pressreel::testing::read_webp_animation(file);
}

std::vector<uint8_t> still_part(cv::Size size, int level) {
  preview::WebpPart part(size, {}, "test");
  part.add(*grey(size, level), 0);
  return part.finish(40);
}

TEST(WebpParts, StillPartsJoinIntoOneLoopingAnimationWithTheirDurations) {
  TempDir dir;
  const cv::Size size(64, 48);
  const std::vector<std::vector<uint8_t>> parts = {still_part(size, 60), still_part(size, 180)};
  const std::vector<int64_t> durations = {300, 500};
  const auto webp = decode(preview::join_webp_parts(parts, durations, "test"), dir / "joined.webp");
  ASSERT_TRUE(webp.read);
  EXPECT_EQ(webp.width, 64);
  EXPECT_EQ(webp.height, 48);
  EXPECT_EQ(webp.loop_count, 0);
  ASSERT_EQ(webp.frames.size(), 2u);
  EXPECT_EQ(webp.end_ms, (std::vector<int>{300, 800}));
  EXPECT_NEAR(webp.frames[0].at<cv::Vec3b>(24, 32)[1], shown_grey(60), 4);
  EXPECT_NEAR(webp.frames[1].at<cv::Vec3b>(24, 32)[1], shown_grey(180), 4);
}

TEST(WebpParts, AnAnimatedPartKeepsItsFramesAndItsLastLastsUntilTheNextPart) {
  TempDir dir;
  const cv::Size size(64, 48);
  preview::WebpPart moving(size, {}, "test");
  moving.add(*grey(size, 40), 0);
  moving.add(*grey(size, 100), 80);
  moving.add(*grey(size, 160), 200);
  const std::vector<std::vector<uint8_t>> parts = {moving.finish(240), still_part(size, 220)};
  const std::vector<int64_t> durations = {330, 120};  // the first part's last frame: 330 - 200 ms
  const auto webp = decode(preview::join_webp_parts(parts, durations, "test"), dir / "joined.webp");
  ASSERT_TRUE(webp.read);
  ASSERT_EQ(webp.frames.size(), 4u);
  EXPECT_EQ(webp.end_ms, (std::vector<int>{80, 200, 330, 450}));
  const std::vector<int> levels = {40, 100, 160, 220};
  for (size_t i = 0; i < levels.size(); ++i) {
    EXPECT_NEAR(webp.frames[i].at<cv::Vec3b>(24, 32)[1], shown_grey(levels[i]), 4) << "frame " << i;
  }
}

TEST(WebpParts, ASingleStillPartStaysAStill) {
  const std::vector<std::vector<uint8_t>> parts = {still_part({32, 32}, 90)};
  const std::vector<int64_t> durations = {1000};
  EXPECT_EQ(preview::join_webp_parts(parts, durations, "test"), parts.front());
}

TEST(WebpParts, WhatIsNotAWebpIsRefused) {
  const std::vector<std::vector<uint8_t>> parts = {still_part({32, 32}, 90), {'R', 'I', 'F', 'F', 0, 0, 0, 0}};
  const std::vector<int64_t> durations = {100, 100};
  EXPECT_THROW(preview::join_webp_parts(parts, durations, "test"), media::MediaError);
  preview::WebpPart part({32, 32}, {}, "test");
  EXPECT_THROW(part.add(*grey({16, 16}, 90), 0), media::MediaError);  // not the canvas size
  EXPECT_THROW(part.finish(100), media::MediaError);                  // nothing added
}

// 12 s at 25 fps whose frame n is flat grey at level_of(n), so the WebP's frames tell which of the
// clip's they are.
int level_of(int n) { return 16 + (7 * n) % 220; }

// Three pieces, each a part of the WebP encoded on its own: every frame, decoded as a browser
// shows it (the parts one after another on one canvas), is the clip's frame at that time of the
// teaser, and the WebP lasts exactly as long as the MP4.
TEST(WebpParts, ATeaserOfSeveralPiecesShowsEachPiecesFramesAtTheirTimes) {
  TempDir dir;
  const auto clip = dir / "numbered.mp4";
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "color=black:size=320x240:rate=25:duration=12", "-vf",
                              "geq=lum='16+mod(7*N,220)':cb=128:cr=128", "-pix_fmt", "yuv420p", "-c:v", "libx264",
                              "-preset", "ultrafast", "-qp", "0", "-g", "25"},
                             clip);
  const auto at = [](double s) { return media::RationalTime::from_seconds(s, AVRational{1, 1000}); };
  const std::vector<preview::TeaserPiece> pieces = {{at(1), at(2.5)}, {at(5), at(6)}, {at(8), at(10)}};
  const nlohmann::json report = preview::make_teaser(media::probe(clip), pieces, dir / "out");
  // Each piece from its first whole frame to the end of its last: 38, 25 and 50 frames.
  EXPECT_NEAR(report["seconds"].get<double>(), 4.52, 1e-9);
  const auto webp = pressreel::testing::read_webp_animation(dir / "out" / "teaser.webp");
  ASSERT_TRUE(webp.read);
  ASSERT_GT(webp.frames.size(), 40u);  // about 12 a second
  EXPECT_EQ(webp.end_ms.back(), 4520);
  // Where each piece starts in the teaser (s) and its first frame in the clip.
  const std::vector<std::pair<double, int>> spans = {{0.0, 25}, {1.52, 125}, {2.52, 200}};
  for (size_t i = 0; i < webp.frames.size(); ++i) {
    const double shown_from = i == 0 ? 0.0 : webp.end_ms[i - 1] / 1000.0;
    size_t k = spans.size() - 1;
    while (spans[k].first > shown_from + 1e-6) --k;
    const int frame = spans[k].second + static_cast<int>(std::lround((shown_from - spans[k].first) * 25));
    EXPECT_NEAR(webp.frames[i].at<cv::Vec3b>(120, 160)[1], shown_grey(level_of(frame)), 6)
        << "WebP frame " << i << " shown from " << shown_from << " s: clip frame " << frame;
  }
}

// fit_webp_budget against a model of libwebp's sizes: bytes = a * exp(slope * quality), times the
// canvas's area, over the frame step. It records every trial it was asked to encode.
struct SizeModel {
  explicit SizeModel(double bytes_at_60, double slope = 0.015) : bytes_at_60(bytes_at_60), slope(slope) {}
  double bytes_at_60, slope;
  std::vector<preview::WebpTrial> trials;
  std::vector<uint8_t> operator()(const preview::WebpTrial& t) {
    trials.push_back(t);
    const double bytes = bytes_at_60 * std::exp(slope * (t.quality - 60)) * t.scale * t.scale / t.frame_step;
    return std::vector<uint8_t>(static_cast<size_t>(bytes));
  }
  preview::FittedWebp fit(const preview::WebpBudget& budget) {
    std::vector<uint8_t> first = (*this)({});
    trials.clear();
    return preview::fit_webp_budget({}, std::move(first), budget, std::ref(*this));
  }
};

TEST(WebpBudget, AWebpWithinItsBudgetIsEncodedOnce) {
  SizeModel model{900'000};
  const preview::FittedWebp fitted = model.fit({1'000'000});
  EXPECT_TRUE(model.trials.empty());
  EXPECT_EQ(fitted.encodes, 1);
  EXPECT_EQ(fitted.trial, preview::WebpTrial{});
  EXPECT_EQ(fitted.bytes.size(), 900'000u);
}

// Whatever the curve's slope and how far over the first encode is: at most two more encodes, and a
// quality close to the best that fits (the highest whole quality within the budget).
TEST(WebpBudget, QualityReachesTheBudgetInAtMostTwoMoreEncodes) {
  for (double slope : {0.008, 0.015, 0.03, 0.05}) {
    for (double over : {1.05, 1.3, 1.8}) {
      if (over > std::exp(slope * 40)) continue;  // not within reach of the lowest quality
      SizeModel model{over * 1'000'000, slope};
      const preview::FittedWebp fitted = model.fit({1'000'000});
      const double best = std::floor(60 - std::log(over) / slope);
      SCOPED_TRACE(::testing::Message() << "slope " << slope << ", " << over << " x over; best quality " << best);
      EXPECT_LE(fitted.bytes.size(), 1'000'000u);
      EXPECT_LE(fitted.encodes, 3);
      EXPECT_EQ(fitted.trial.scale, 1.0);
      EXPECT_EQ(fitted.trial.frame_step, 1);
      EXPECT_LE(fitted.trial.quality, best);
      EXPECT_GE(fitted.trial.quality, best - 10);
      EXPECT_FALSE(fitted.over_budget);
    }
  }
}

// Twice over at the lowest quality: a smaller canvas at that quality, about as large as fits.
TEST(WebpBudget, OverAtTheLowestQualityTheCanvasShrinks) {
  SizeModel model{2'000'000 * std::exp(0.015 * 40)};  // 2 MB at quality 20
  const preview::FittedWebp fitted = model.fit({1'000'000});
  EXPECT_LE(fitted.bytes.size(), 1'000'000u);
  EXPECT_EQ(fitted.trial.quality, 20.0f);
  EXPECT_LT(fitted.trial.scale, std::sqrt(0.5));
  EXPECT_GT(fitted.trial.scale, 0.6);
  EXPECT_EQ(fitted.trial.frame_step, 1);
  EXPECT_LE(fitted.encodes, 4);
}

// Far over at the first encode (twice over even at the lowest quality, by the prior slope): the second
// encode already takes the lowest quality on a canvas the prediction sizes, and fits. With a steeper
// curve than the prior the canvas comes out smaller than needed, never over.
TEST(WebpBudget, FarOverTheSecondEncodeShrinksTheCanvasAtTheLowestQuality) {
  for (double slope : {0.015, 0.02, 0.03}) {
    SCOPED_TRACE(::testing::Message() << "slope " << slope);
    SizeModel model{2'000'000 * std::exp(0.015 * 40), slope};
    const preview::FittedWebp fitted = model.fit({1'000'000});
    EXPECT_EQ(fitted.encodes, 2);
    EXPECT_LE(fitted.bytes.size(), 1'000'000u);
    EXPECT_EQ(fitted.trial.quality, 20.0f);
    EXPECT_LT(fitted.trial.scale, std::sqrt(0.5));
    EXPECT_GT(fitted.trial.scale, 0.6);
  }
}

// A budget the smallest canvas cannot meet: fewer frames; one nothing can meet is reported as over.
TEST(WebpBudget, ThenFewerFramesAndAnImpossibleBudgetIsReportedOver) {
  preview::WebpBudget budget{20'000};
  budget.largest_frame_step = 24;
  SizeModel thinned{4'000'000};  // 0.25 MB at the smallest canvas (1/4 of the sides), 0.55 of it at 20
  const preview::FittedWebp fitted = thinned.fit(budget);
  EXPECT_LE(fitted.bytes.size(), 20'000u);
  EXPECT_EQ(fitted.trial.scale, budget.smallest_scale);
  EXPECT_GT(fitted.trial.frame_step, 1);
  EXPECT_FALSE(fitted.over_budget);

  SizeModel impossible{40'000'000};  // 57 kB at the smallest canvas, quality 20 and one frame of 24
  const preview::FittedWebp over = impossible.fit(budget);
  EXPECT_TRUE(over.over_budget);
  EXPECT_EQ(over.trial.frame_step, budget.largest_frame_step);
  EXPECT_EQ(over.trial, impossible.trials.back());  // the smallest it tried
  EXPECT_LT(impossible.trials.size(), 30u);
}

// The teaser projects the first trial's size from one part and encodes the other parts at the trial
// the search takes next: next_webp_trial must be that trial, wherever the search goes (quality,
// canvas at the lowest quality, canvas, frames), and nothing when the first fits or nothing is left.
TEST(WebpBudget, NextTrialIsTheSearchsSecondEncode) {
  preview::WebpBudget budget{1'000'000};
  budget.largest_frame_step = 12;
  for (double bytes_at_60 : {1.2e6, 2.5e6, std::floor(2e6 * std::exp(0.015 * 40)), 3e7}) {  // whole bytes, as encoded
    SCOPED_TRACE(::testing::Message() << bytes_at_60 << " bytes at the first trial");
    SizeModel model{bytes_at_60};
    model.fit(budget);
    ASSERT_FALSE(model.trials.empty());
    const auto next = preview::next_webp_trial({}, bytes_at_60, budget);
    ASSERT_TRUE(next.has_value());
    EXPECT_EQ(*next, model.trials.front());
  }
  EXPECT_FALSE(preview::next_webp_trial({}, 900'000, budget).has_value());
  preview::WebpBudget nothing_left{1'000'000, 20.0f, 1.0, 1};
  EXPECT_FALSE(preview::next_webp_trial({20.0f}, 2e6, nothing_left).has_value());
}

// A first size projected rather than encoded: the same trials as after a whole encode of that size,
// with one encode fewer, and the same WebP.
TEST(WebpBudget, AProjectedFirstSizeTakesTheSameStepsWithoutItsEncode) {
  preview::WebpBudget budget{1'000'000};
  budget.largest_frame_step = 12;
  for (double bytes_at_60 : {1.2e6, 2.5e6, std::floor(2e6 * std::exp(0.015 * 40)), 3e7}) {  // whole bytes, as encoded
    SCOPED_TRACE(::testing::Message() << bytes_at_60 << " bytes at the first trial");
    SizeModel whole{bytes_at_60};
    const preview::FittedWebp encoded = whole.fit(budget);
    SizeModel projected{bytes_at_60};
    const preview::FittedWebp fitted =
        preview::fit_webp_budget_projected({}, bytes_at_60, budget, std::ref(projected));
    EXPECT_EQ(projected.trials, whole.trials);
    EXPECT_EQ(fitted.trial, encoded.trial);
    EXPECT_EQ(fitted.encodes, encoded.encodes - 1);
    EXPECT_EQ(fitted.bytes.size(), encoded.bytes.size());
  }
  // Projected within the budget: the first trial is encoded whole after all, and kept when it fits.
  SizeModel fits{900'000};
  const preview::FittedWebp kept = preview::fit_webp_budget_projected({}, 900'000, budget, std::ref(fits));
  EXPECT_EQ(fits.trials, std::vector<preview::WebpTrial>{preview::WebpTrial{}});
  EXPECT_EQ(kept.encodes, 1);
}

}  // namespace
