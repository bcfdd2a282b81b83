// media::Scaler's analysis path: the planes shot detection measures; the SIMD paths libav is told to use.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "pressreel/media/cpu_paths.hpp"
#include "pressreel/media/scaler.hpp"

extern "C" {
#include <libavutil/cpu.h>
}

namespace media = pressreel::media;

namespace {

// A 4:2:0 frame whose planes are copies of the given Mats (chroma at half size).
media::FramePtr yuv420_frame(const cv::Mat& y, const cv::Mat& u, const cv::Mat& v, AVColorRange range,
                             AVColorSpace space) {
  media::FramePtr frame = media::make_frame();
  frame->width = y.cols;
  frame->height = y.rows;
  frame->format = AV_PIX_FMT_YUV420P;
  frame->color_range = range;
  frame->colorspace = space;
  EXPECT_GE(av_frame_get_buffer(frame.get(), 0), 0);
  const cv::Mat* planes[3] = {&y, &u, &v};
  for (int p = 0; p < 3; ++p) {
    planes[p]->copyTo(cv::Mat(planes[p]->rows, planes[p]->cols, CV_8U, frame->data[p], frame->linesize[p]));
  }
  return frame;
}

double mean_abs_diff(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat d;
  cv::absdiff(a, b, d);
  return cv::mean(d)[0];
}

}  // namespace

TEST(Scaler, YuvPlanesAreTheAreaMeanOfTheSourceAtFullRange) {
  // Random full-range content, so that the range is left alone and only the filter is compared:
  // OpenCV's INTER_AREA is the reference the scene thresholds were tuned with.
  cv::Mat y(720, 1280, CV_8U), u(360, 640, CV_8U), v(360, 640, CV_8U);
  cv::RNG rng(7);
  rng.fill(y, cv::RNG::UNIFORM, 0, 256);
  rng.fill(u, cv::RNG::UNIFORM, 0, 256);
  rng.fill(v, cv::RNG::UNIFORM, 0, 256);
  cv::GaussianBlur(y, y, {0, 0}, 3);  // picture-like: neighbouring pixels alike
  cv::GaussianBlur(u, u, {0, 0}, 3);
  media::FramePtr frame = yuv420_frame(y, u, v, AVCOL_RANGE_JPEG, AVCOL_SPC_BT709);
  media::Scaler scaler(media::ScaleQuality::area);
  const cv::Size size(192, 108);  // 1280 -> 192 is not a whole ratio
  const std::array<cv::Mat, 3> planes = scaler.to_yuv_planes(frame.get(), size);
  cv::Mat y_ref, u_ref, v_ref;
  cv::resize(y, y_ref, size, 0, 0, cv::INTER_AREA);
  cv::resize(u, u_ref, size, 0, 0, cv::INTER_AREA);
  cv::resize(v, v_ref, size, 0, 0, cv::INTER_AREA);
  ASSERT_EQ(planes[0].size(), size);
  ASSERT_EQ(planes[1].size(), size);
  EXPECT_LT(mean_abs_diff(planes[0], y_ref), 0.5);
  EXPECT_LT(mean_abs_diff(planes[1], u_ref), 0.5);
  EXPECT_LT(mean_abs_diff(planes[2], v_ref), 0.5);
  double worst = 0;
  cv::Mat d;
  cv::absdiff(planes[0], y_ref, d);
  cv::minMaxLoc(d, nullptr, &worst);
  EXPECT_LE(worst, 2);
}

TEST(Scaler, YuvPlanesExpandLimitedRangeAndKeepTheSourceMatrix) {
  // Limited-range black (16) and white (235) halves, and a strongly coloured chroma: the planes come
  // out at 0 and 255, and the chroma is the source's own (a BT.601 source is not re-matrixed).
  cv::Mat y(480, 640, CV_8U, cv::Scalar(16)), u(240, 320, CV_8U, cv::Scalar(72)), v(240, 320, CV_8U, cv::Scalar(200));
  y.colRange(320, 640).setTo(235);
  const double u_full = 128 + (72 - 128) * 255.0 / 224.0, v_full = 128 + (200 - 128) * 255.0 / 224.0;
  for (AVColorSpace space : {AVCOL_SPC_SMPTE170M, AVCOL_SPC_BT709}) {
    media::FramePtr frame = yuv420_frame(y, u, v, AVCOL_RANGE_MPEG, space);
    media::Scaler scaler(media::ScaleQuality::area);
    const std::array<cv::Mat, 3> planes = scaler.to_yuv_planes(frame.get(), {64, 48});
    EXPECT_NEAR(planes[0].at<uint8_t>(24, 8), 0, 1) << space;
    EXPECT_NEAR(planes[0].at<uint8_t>(24, 56), 255, 1) << space;
    EXPECT_NEAR(planes[1].at<uint8_t>(24, 32), u_full, 1.5) << space;
    EXPECT_NEAR(planes[2].at<uint8_t>(24, 32), v_full, 1.5) << space;
  }
}

// A 2x4096 clip once made a 640x1310720 analysis copy (9.9 GB); a 1x1 or 8191x2 one an empty size
// that cv::resize refused. Analysis sizes follow the width asked for, whatever the picture's shape.
TEST(Scaler, AnalysisSizeIsBoundedByAreaAndAspectWhateverThePictureShape) {
  // Ordinary pictures: as before, `width` wide, heights rounded down.
  EXPECT_EQ(media::analysis_size({1920, 1080}, 640, true), cv::Size(640, 360));
  EXPECT_EQ(media::analysis_size({1080, 1920}, 640, true), cv::Size(640, 1137));
  EXPECT_EQ(media::analysis_size({320, 240}, 640, true), cv::Size(640, 480));
  EXPECT_EQ(media::analysis_size({320, 240}, 640, false), cv::Size(320, 240));
  EXPECT_EQ(media::analysis_size({3840, 2160}, 1280, false), media::fit_within({3840, 2160}, 1280, 0));
  // Extreme ones: never empty, never more than width x 2 width.
  EXPECT_EQ(media::analysis_size({2, 4096}, 640, true), cv::Size(1, 1280));
  EXPECT_EQ(media::analysis_size({2, 4096}, 640, false), cv::Size(1, 1280));
  EXPECT_EQ(media::analysis_size({8191, 2}, 640, true), cv::Size(640, 1));
  EXPECT_EQ(media::analysis_size({1, 1}, 64, true), cv::Size(64, 64));
  EXPECT_EQ(media::analysis_size({1, 1}, 64, false), cv::Size(1, 1));
  EXPECT_EQ(media::analysis_size({0, 0}, 64, true), cv::Size(64, 64));
  for (const cv::Size shape : {cv::Size(2, 4096), cv::Size(8191, 2), cv::Size(1, 65535), cv::Size(65535, 1)}) {
    for (const bool enlarge : {true, false}) {
      const cv::Size size = media::analysis_size(shape, 640, enlarge);
      EXPECT_GE(size.width, 1) << shape;
      EXPECT_GE(size.height, 1) << shape;
      EXPECT_LE(size.width, 640) << shape;
      EXPECT_LE(size.height, 1280) << shape;
    }
  }
}

// A 4:2:0 encoder's size is the nearest even one, as ffmpeg's scale=-2 gives it: 16:9 at 480 lines is
// 854 wide (852 was 0.16% narrow), never past a cap or the source, never upscaled.
TEST(Scaler, EvenSizesAreTheNearestWithinTheLimits) {
  EXPECT_EQ(media::fit_within({1280, 720}, 0, 480, true), cv::Size(854, 480));
  EXPECT_EQ(media::fit_within({1920, 1080}, 0, 480, true), cv::Size(854, 480));
  EXPECT_EQ(media::fit_within({1920, 1080}, 0, 240, true), cv::Size(426, 240));  // 426.7: 426 is nearer than 428
  EXPECT_EQ(media::fit_within({1080, 1920}, 480, 0, true), cv::Size(480, 854));  // portrait
  // The nearest even would pass the source (853 wide) or the cap (853): the even size below.
  EXPECT_EQ(media::fit_within({853, 480}, 0, 480, true), cv::Size(852, 480));
  EXPECT_EQ(media::fit_within({1706, 960}, 853, 0, true), cv::Size(852, 480));
  // Already even, or tiny.
  EXPECT_EQ(media::fit_within({1280, 720}, 0, 720, true), cv::Size(1280, 720));
  EXPECT_EQ(media::fit_within({1, 1}, 0, 0, true), cv::Size(2, 2));
  // Without `even`, the nearest size.
  EXPECT_EQ(media::fit_within({1280, 720}, 0, 480, false), cv::Size(853, 480));
}

TEST(CpuPaths, GathersAreSlowOnAmdAndOnHaswellOnly) {
  EXPECT_TRUE(media::gathers_are_slow("AuthenticAMD", 0x17, 0x31));  // Zen 2
  EXPECT_TRUE(media::gathers_are_slow("AuthenticAMD", 0x1a, 0x02));  // Zen 5, measured (build/scaler_paths)
  EXPECT_TRUE(media::gathers_are_slow("GenuineIntel", 6, 0x3c));     // Haswell
  EXPECT_FALSE(media::gathers_are_slow("GenuineIntel", 6, 0x55));    // Skylake-SP
  EXPECT_FALSE(media::gathers_are_slow("GenuineIntel", 6, 0x8f));    // Sapphire Rapids
  EXPECT_FALSE(media::gathers_are_slow("", 0, 0));                   // not x86, or cpuid unreadable
}

// Telling libav that gathers are slow changes which functions scale, never what they write: the
// scenes' planes, the stills' BGR and a rendition's picture are the same bytes either way.
TEST(CpuPaths, ScaledPicturesAreTheSameWithOrWithoutGathers) {
  cv::Mat y(720, 1280, CV_8U), u(360, 640, CV_8U), v(360, 640, CV_8U);
  cv::RNG rng(11);
  for (cv::Mat* plane : {&y, &u, &v}) {
    rng.fill(*plane, cv::RNG::UNIFORM, 16, 236);
    cv::GaussianBlur(*plane, *plane, {0, 0}, 2);
  }
  const media::FramePtr frame = yuv420_frame(y, u, v, AVCOL_RANGE_MPEG, AVCOL_SPC_BT709);
  struct Scaled {
    std::array<cv::Mat, 3> planes;
    cv::Mat bgr, rendition_luma;
  };
  const auto scale = [&](bool gathers) {
    media::use_gather_paths(gathers);
    media::Scaler area(media::ScaleQuality::area), good(media::ScaleQuality::good), rendition(media::ScaleQuality::good);
    Scaled s{area.to_yuv_planes(frame.get(), {192, 108}), good.to_bgr(frame.get(), {640, 360}), {}};
    const media::FramePtr small = rendition.to_frame(frame.get(), 854, 480, AV_PIX_FMT_YUV420P);
    s.rendition_luma = cv::Mat(480, 854, CV_8U, small->data[0], small->linesize[0]).clone();
    av_force_cpu_flags(-1);
    return s;
  };
  const Scaled with = scale(true), without = scale(false);
  for (int p = 0; p < 3; ++p) EXPECT_EQ(cv::norm(with.planes[p], without.planes[p], cv::NORM_INF), 0) << p;
  EXPECT_EQ(cv::norm(with.bgr, without.bgr, cv::NORM_INF), 0);
  EXPECT_EQ(cv::norm(with.rendition_luma, without.rendition_luma, cv::NORM_INF), 0);
  // Once per process, and only ever adding the flag.
  const bool set = media::prefer_gather_free_paths();
  EXPECT_EQ(media::prefer_gather_free_paths(), set);
  if (set) {
    EXPECT_TRUE(av_get_cpu_flags() & AV_CPU_FLAG_SLOW_GATHER);
  }
  av_force_cpu_flags(-1);
}
