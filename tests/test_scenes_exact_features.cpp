// Shot detection's per-frame features and frame differences are computed in fused passes over the
// pixels, each frame's share once. Scene lists must not move by a frame for it: here every value is
// pinned, bit for bit, to the straightforward computation with one OpenCV call a step, on pictures of
// varied content, contrast and size.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>

#include <array>
#include <cmath>
#include <vector>

#include "pressreel/media/av_ptr.hpp"
#include "pressreel/media/scaler.hpp"
#include "pressreel/scenes/frame_features.hpp"
#include "scene_frames.hpp"
#include "scenes/layout_survival.hpp"
#include "scenes/motion_prediction.hpp"

namespace {

using namespace pressreel;

// Pictures to compare: textures, the same texture moved and darkened, flat ones (black, grey), noise,
// and a screen-like picture of sharp lines; at the analysis size and at odd sizes.
std::vector<cv::Mat> pictures(cv::Size size) {
  std::vector<cv::Mat> out;
  auto add = [&](const cv::Mat& bgr) {
    cv::Mat sized;
    cv::resize(bgr, sized, size, 0, 0, cv::INTER_AREA);
    out.push_back(sized);
  };
  const cv::Mat& a = pressreel::testing::texture(1);
  add(a);
  add(a(cv::Rect(6, 3, 360, 200)));  // moved
  add(a * 0.6);                      // darker
  add(pressreel::testing::texture(2));
  add(pressreel::testing::mix(a, pressreel::testing::texture(2), 0.5));
  add(cv::Mat(a.size(), CV_8UC3, cv::Scalar::all(0)));
  add(cv::Mat(a.size(), CV_8UC3, cv::Scalar(128, 100, 160)));
  cv::Mat noise(a.size(), CV_8UC3);
  cv::RNG(7).fill(noise, cv::RNG::UNIFORM, cv::Scalar::all(0), cv::Scalar::all(256));
  add(noise);
  cv::Mat lines(a.size(), CV_8UC3, cv::Scalar::all(20));
  for (int x = 0; x < lines.cols; x += 24) cv::line(lines, {x, 0}, {x, lines.rows}, cv::Scalar::all(240), 2);
  add(lines);
  cv::Mat moved_lines = lines.clone();
  cv::rectangle(moved_lines, {100, 60}, {250, 150}, cv::Scalar(30, 200, 90), cv::FILLED);
  add(moved_lines);
  return out;
}

// Odd sizes too, and one too small for motion flow (12x9). Pictures small enough for DIS to pick its
// own patch size and scales have a test of their own (APredictionDoesNotDependOnASmallPictureBeforeIt).
const std::array<cv::Size, 3> kSizes{cv::Size(192, 108), cv::Size(97, 33), cv::Size(12, 9)};

struct Statistics {
  double mean_luma = 0, black_ratio = 0, white_ratio = 0;
  std::array<float, scenes::kLumaBins + 2 * scenes::kChromaBins> histogram{};
};

// One pixel at a time, as the features were first computed.
Statistics statistics_of(const cv::Mat& ycrcb) {
  Statistics s;
  std::array<int, 256> counts{};
  std::array<int, scenes::kChromaBins> cr{}, cb{};
  double sum = 0;
  int black = 0, white = 0;
  for (int y = 0; y < ycrcb.rows; ++y) {
    const cv::Vec3b* c = ycrcb.ptr<cv::Vec3b>(y);
    for (int x = 0; x < ycrcb.cols; ++x) {
      ++counts[c[x][0]];
      sum += c[x][0];
      black += c[x][0] <= scenes::kBlackLevel;
      white += c[x][0] >= scenes::kWhiteLevel;
      ++cr[c[x][1] * scenes::kChromaBins / 256];
      ++cb[c[x][2] * scenes::kChromaBins / 256];
    }
  }
  const double total = static_cast<double>(ycrcb.total());
  s.mean_luma = sum / total;
  s.black_ratio = black / total;
  s.white_ratio = white / total;
  for (int v = 0; v < 256; ++v) s.histogram[v * scenes::kLumaBins / 256] += static_cast<float>(counts[v] / total);
  for (int b = 0; b < scenes::kChromaBins; ++b) {
    s.histogram[scenes::kLumaBins + b] = static_cast<float>(cr[b] / total);
    s.histogram[scenes::kLumaBins + scenes::kChromaBins + b] = static_cast<float>(cb[b] / total);
  }
  return s;
}

bool same(const cv::Mat& a, const cv::Mat& b) {
  return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

void expect_statistics_of_its_picture(const scenes::FrameFeatures& f) {
  cv::Mat luma;
  cv::extractChannel(f.ycrcb, luma, 0);
  EXPECT_TRUE(same(f.luma, luma));
  const Statistics s = statistics_of(f.ycrcb);
  EXPECT_EQ(f.mean_luma, s.mean_luma);
  EXPECT_EQ(f.black_ratio, s.black_ratio);
  EXPECT_EQ(f.white_ratio, s.white_ratio);
  EXPECT_EQ(f.histogram, s.histogram);
  EXPECT_EQ(f.edge_count, cv::countNonZero(f.edges));
  EXPECT_TRUE(same(f.luma_normalised, scenes::normalised_luma(f.luma)));
}

// Motion prediction with every step its own OpenCV call.
scenes::Prediction predicted_step_by_step(const cv::Mat& previous, const cv::Mat& current) {
  auto normalised = [](const cv::Mat& luma) {
    cv::Scalar mean, stddev;
    cv::meanStdDev(luma, mean, stddev);
    const double gain = stddev[0] < 4.0 ? 1.0 : 48.0 / stddev[0];
    cv::Mat out;
    luma.convertTo(out, CV_8U, gain, 128.0 - gain * mean[0]);
    return out;
  };
  scenes::Prediction p;
  const cv::Mat matched = normalised(previous), target = normalised(current);
  const cv::Rect inner = (current.cols > 16 && current.rows > 16) ? cv::Rect(4, 4, current.cols - 8, current.rows - 8)
                                                                  : cv::Rect(0, 0, current.cols, current.rows);
  p.flicker = cv::norm(matched(inner), target(inner), cv::NORM_L1) / static_cast<double>(inner.area());
  cv::Mat flow;
  if (current.cols >= 32 && current.rows >= 32) {
    cv::DISOpticalFlow::create(cv::DISOpticalFlow::PRESET_ULTRAFAST)->calc(target, matched, flow);
  } else {
    flow = cv::Mat::zeros(current.size(), CV_32FC2);
  }
  cv::Mat map(flow.size(), CV_32FC2);
  for (int y = 0; y < flow.rows; ++y) {
    for (int x = 0; x < flow.cols; ++x) {
      const cv::Point2f f = flow.at<cv::Point2f>(y, x);
      map.at<cv::Point2f>(y, x) = cv::Point2f(static_cast<float>(x) + f.x, static_cast<float>(y) + f.y);
    }
  }
  cv::Mat predicted, error;
  cv::remap(matched, predicted, map, cv::noArray(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  cv::absdiff(predicted(inner), target(inner), error);
  p.residual = cv::mean(error)[0];
  p.unexplained = cv::countNonZero(error > 24.0) / static_cast<double>(inner.area());
  return p;
}

}  // namespace

TEST(ExactFeatures, StatisticsOfAPictureAreThoseCountedPixelByPixel) {
  for (const cv::Size size : kSizes) {
    for (const cv::Mat& bgr : pictures(size)) expect_statistics_of_its_picture(scenes::compute_features(bgr));
  }
}

TEST(ExactFeatures, ADecodedFramesLumaIsItsYPlaneAndItsStatisticsThoseOfItsPicture) {
  media::Scaler scaler(media::ScaleQuality::area);
  for (const cv::Mat& bgr : pictures({640, 360})) {
    cv::Mat yuv;
    cv::cvtColor(bgr, yuv, cv::COLOR_BGR2YUV_I420);
    media::FramePtr frame = media::make_frame();
    frame->width = bgr.cols;
    frame->height = bgr.rows;
    frame->format = AV_PIX_FMT_YUV420P;
    ASSERT_GE(av_frame_get_buffer(frame.get(), 0), 0);
    const int chroma_rows = bgr.rows / 4;  // I420 stores each quarter-size chroma plane as rows/4 full-width rows
    for (int y = 0; y < bgr.rows; ++y) std::copy_n(yuv.ptr<uint8_t>(y), bgr.cols, frame->data[0] + y * frame->linesize[0]);
    for (int p = 1; p < 3; ++p) {
      const uint8_t* plane = yuv.ptr<uint8_t>(bgr.rows + (p - 1) * chroma_rows);
      for (int y = 0; y < bgr.rows / 2; ++y) {
        std::copy_n(plane + y * (bgr.cols / 2), bgr.cols / 2, frame->data[p] + y * frame->linesize[p]);
      }
    }
    expect_statistics_of_its_picture(scenes::compute_features(frame.get(), scaler, 192));
  }
}

TEST(ExactFeatures, FrameDifferencesAreThoseComputedStepByStep) {
  for (const cv::Size size : kSizes) {
    const std::vector<cv::Mat> frames = pictures(size);
    std::vector<scenes::FrameFeatures> features;
    for (const cv::Mat& bgr : frames) features.push_back(scenes::compute_features(bgr));
    for (size_t i = 0; i < features.size(); ++i) {
      for (size_t j = 0; j < features.size(); ++j) {
        const scenes::FrameFeatures& a = features[i];
        const scenes::FrameFeatures& b = features[j];
        const double previous_mafd = 2.5;
        const scenes::FrameDifference d = scenes::compare(a, b, previous_mafd);

        cv::Mat delta;
        cv::absdiff(a.ycrcb, b.ycrcb, delta);
        const cv::Scalar ycc = cv::mean(delta);
        EXPECT_EQ(d.content, (ycc[0] + ycc[1] + ycc[2]) / 3.0);
        const double luma = cv::norm(a.luma, b.luma, cv::NORM_L1) / static_cast<double>(a.luma.total());
        EXPECT_EQ(d.luma, luma);
        EXPECT_EQ(d.scdet, std::min(luma, std::abs(luma - previous_mafd)));

        const double edges_a = cv::countNonZero(a.edges), edges_b = cv::countNonZero(b.edges);
        cv::Mat unmatched;
        cv::bitwise_and(b.edges, ~a.edges_dilated, unmatched);
        const double entering = edges_b > 0 ? cv::countNonZero(unmatched) / edges_b : 0.0;
        cv::bitwise_and(a.edges, ~b.edges_dilated, unmatched);
        const double exiting = edges_a > 0 ? cv::countNonZero(unmatched) / edges_a : 0.0;
        const double few = 0.002 * static_cast<double>(a.edges.total());
        EXPECT_EQ(d.edges, (edges_a < few || edges_b < few) ? 0.0 : std::max(entering, exiting));

        const scenes::Prediction p = predicted_step_by_step(a.luma, b.luma);
        EXPECT_EQ(d.flicker, p.flicker);
        EXPECT_EQ(d.residual, p.residual);
        EXPECT_EQ(d.unexplained, p.unexplained);
        EXPECT_EQ(d.score, d.content + 0.5 * d.luma + 10.0 * d.histogram + 10.0 * d.edges);
      }
    }
  }
}

TEST(ExactFeatures, APredictionDoesNotDependOnThePredictionsBeforeIt) {
  // The thread's solver and buffers carry over from one pair to the next: the same pair, predicted
  // after others, gives the same result.
  const std::vector<cv::Mat> frames = pictures({192, 108});
  std::vector<cv::Mat> lumas;
  for (const cv::Mat& bgr : frames) lumas.push_back(scenes::compute_features(bgr).luma);
  for (int round = 0; round < 2; ++round) {
    for (size_t i = 1; i < lumas.size(); ++i) {
      const scenes::Prediction p = scenes::predict(lumas[i - 1], lumas[i]);
      const scenes::Prediction q = predicted_step_by_step(lumas[i - 1], lumas[i]);
      EXPECT_EQ(p.flicker, q.flicker);
      EXPECT_EQ(p.residual, q.residual);
      EXPECT_EQ(p.unexplained, q.unexplained);
    }
  }
}

TEST(ExactFeatures, APredictionDoesNotDependOnASmallPictureBeforeIt) {
  // OpenCV's DIS solver picks coarser settings for good once it sees a picture too small for its
  // preset (80x32 here), and crashed on a wide sliver (192x30): a batch worker's thread that analysed
  // such a clip must predict the next clip's frames as a fresh thread would.
  const std::vector<cv::Mat> frames = pictures({192, 108});
  std::vector<cv::Mat> lumas;
  for (const cv::Mat& bgr : frames) lumas.push_back(scenes::compute_features(bgr).luma);
  for (const cv::Size small : {cv::Size(80, 32), cv::Size(192, 30)}) {
    const std::vector<cv::Mat> slivers = pictures(small);
    for (size_t i = 1; i < lumas.size(); ++i) {
      const cv::Mat a = scenes::compute_features(slivers[i - 1]).luma, b = scenes::compute_features(slivers[i]).luma;
      const scenes::Prediction sliver = scenes::predict(a, b);
      const scenes::Prediction sliver_expected = predicted_step_by_step(a, b);
      EXPECT_EQ(sliver.residual, sliver_expected.residual) << small << " " << i;
      const scenes::Prediction p = scenes::predict(lumas[i - 1], lumas[i]);
      const scenes::Prediction q = predicted_step_by_step(lumas[i - 1], lumas[i]);
      EXPECT_EQ(p.flicker, q.flicker) << small << " " << i;
      EXPECT_EQ(p.residual, q.residual) << small << " " << i;
      EXPECT_EQ(p.unexplained, q.unexplained) << small << " " << i;
    }
  }
}

namespace {

// The layout change with every step its own OpenCV call.
scenes::LayoutChange layout_change_step_by_step(const std::vector<cv::Mat>& before, const cv::Mat& current,
                                                const cv::Mat& colour_before, const cv::Mat& colour_now) {
  scenes::LayoutChange change;
  cv::Mat lowest = before.front().clone(), highest = before.front().clone();
  for (size_t i = 1; i < before.size(); ++i) {
    cv::min(lowest, before[i], lowest);
    cv::max(highest, before[i], highest);
  }
  const cv::Mat& last = before.back();
  const cv::Mat still = (highest - lowest) <= 3;
  cv::Mat gradient;
  cv::morphologyEx(last, gradient, cv::MORPH_GRADIENT, cv::Mat());
  const cv::Mat layout = still & (gradient >= 12);
  cv::Mat moved;
  cv::absdiff(last, current, moved);
  cv::Mat in_place = moved <= 8;
  const double total = static_cast<double>(current.total());
  const int layout_pixels = cv::countNonZero(layout);
  change.layout = layout_pixels / total;
  change.kept = layout_pixels > 0 ? cv::countNonZero(layout & in_place) / static_cast<double>(layout_pixels) : 0.0;
  const int still_pixels = cv::countNonZero(still);
  change.still = still_pixels / total;
  change.still_kept = still_pixels > 0 ? cv::countNonZero(still & in_place) / static_cast<double>(still_pixels) : 0.0;
  if (!colour_before.empty()) {
    cv::Mat colour_moved;
    cv::absdiff(colour_before, colour_now, colour_moved);
    std::array<cv::Mat, 3> channels;
    cv::split(colour_moved, channels);
    in_place &= (channels[1] <= 8) & (channels[2] <= 8);
  }
  // Blocks of layout kept whole, as layout_survival.cpp measures them.
  const int across = std::min(16, layout.cols);
  const cv::Size blocks(across, std::max(1, (layout.rows * across + layout.cols / 2) / layout.cols));
  auto shares = [&](const cv::Mat& mask) {
    cv::Mat ones, out;
    mask.convertTo(ones, CV_32F, 1.0 / 255.0);
    cv::resize(ones, out, blocks, 0, 0, cv::INTER_AREA);
    return out;
  };
  const cv::Mat structured = shares(layout) >= 0.1, whole = shares(in_place) >= 1.0 - 0.03;
  change.kept_regions = cv::countNonZero(structured & whole) / static_cast<double>(blocks.area());
  return change;
}

}  // namespace

TEST(ExactFeatures, LayoutChangesAreThoseComputedStepByStep) {
  for (const cv::Size size : kSizes) {
    std::vector<scenes::FrameFeatures> features;
    for (const cv::Mat& bgr : pictures(size)) features.push_back(scenes::compute_features(bgr));
    // Every run of up to three frames before every frame, with colours and without.
    for (size_t count = 1; count <= 3; ++count) {
      for (size_t first = 0; first + count <= features.size(); ++first) {
        std::vector<cv::Mat> before;
        for (size_t i = first; i < first + count; ++i) before.push_back(features[i].luma);
        for (const scenes::FrameFeatures& now : features) {
          const cv::Mat& colour_before = features[first + count - 1].ycrcb;
          for (const bool with_colour : {false, true}) {
            const cv::Mat colour_was = with_colour ? colour_before : cv::Mat();
            const cv::Mat colour_is = with_colour ? now.ycrcb : cv::Mat();
            const scenes::LayoutChange c = scenes::layout_change(before, now.luma, colour_was, colour_is);
            const scenes::LayoutChange e = layout_change_step_by_step(before, now.luma, colour_was, colour_is);
            EXPECT_EQ(c.layout, e.layout);
            EXPECT_EQ(c.kept, e.kept);
            EXPECT_EQ(c.still, e.still);
            EXPECT_EQ(c.still_kept, e.still_kept);
            EXPECT_EQ(c.kept_regions, e.kept_regions);
          }
        }
      }
    }
  }
}
