// The dissolve detector compares each frame with many others, so the work on thumbnails and lumas is
// done once per frame where it can be: phase correlation from each frame's spectrum, thumbnail
// distances without temporaries, many at once, and mixes. These pin the results to the straightforward
// computations they replace: cv::phaseCorrelate on the two lumas, cv::mean(cv::abs(a - b)), 0.5 * (a + b).
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <vector>

#include "pressreel/scenes/frame_features.hpp"
#include "scene_frames.hpp"
#include "scenes/picture_shift.hpp"

namespace {

using namespace pressreel;
using pressreel::testing::mix;
using pressreel::testing::texture;

cv::Mat luma_of(const cv::Mat& bgr, cv::Size size) {
  cv::Mat grey, out;
  cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
  cv::resize(grey, out, size, 0, 0, cv::INTER_AREA);
  return out;
}

// Texture `seed` moved by (dx, dy) of its pixels, as a luma of `size`.
cv::Mat moved(int seed, double dx, double dy, cv::Size size) {
  cv::Mat out;
  const cv::Matx23d translation(1, 0, dx, 0, 1, dy);
  cv::warpAffine(texture(seed), out, translation, texture(seed).size(), cv::INTER_LINEAR, cv::BORDER_REFLECT);
  return luma_of(out, size);
}

cv::Mat noise(int seed, cv::Size size) {
  cv::Mat out(size, CV_8UC1);
  cv::RNG rng(static_cast<uint64_t>(seed));
  rng.fill(out, cv::RNG::UNIFORM, 0, 256);
  return out;
}

// Phase correlation as cv::phaseCorrelate finds it on the two lumas, at most 96 pixels wide, under a Hann
// window: the shift in the lumas' pixels, and the peak.
scenes::Correlation reference(const cv::Mat& from, const cv::Mat& to) {
  auto prepare = [](const cv::Mat& luma) {
    cv::Mat out;
    if (luma.cols > 96) {
      const int height = static_cast<int>(std::lround(luma.rows * 96.0 / luma.cols));
      cv::resize(luma, out, cv::Size(96, height), 0, 0, cv::INTER_AREA);
      out.convertTo(out, CV_32F);
    } else {
      luma.convertTo(out, CV_32F);
    }
    return out;
  };
  const cv::Mat a = prepare(from), b = prepare(to);
  cv::Mat window;
  cv::createHanningWindow(window, a.size(), CV_32F);
  scenes::Correlation found;
  found.shift = cv::phaseCorrelate(a, b, window, &found.peak) * (static_cast<double>(from.cols) / a.cols);
  return found;
}

void expect_as_reference(const cv::Mat& from, const cv::Mat& to) {
  const scenes::Correlation expected = reference(from, to);
  const scenes::Correlation found =
      scenes::phase_correlation(scenes::shift_spectrum(from), scenes::shift_spectrum(to));
  EXPECT_NEAR(found.shift.x, expected.shift.x, 1e-3);
  EXPECT_NEAR(found.shift.y, expected.shift.y, 1e-3);
  EXPECT_NEAR(found.peak, expected.peak, 1e-4);
}

// Analysis sizes: 16:9 scaled down to 96 wide, 4:3 correlated as it is, and a wide picture whose
// correlated height pads to an odd size.
const std::vector<cv::Size> kSizes = {{192, 108}, {80, 60}, {192, 82}};

TEST(PictureShift, ShiftedPicturesAreFoundAsPhaseCorrelateFindsThem) {
  for (const cv::Size size : kSizes) {
    for (const auto& [dx, dy] : std::vector<std::pair<double, double>>{{0, 0}, {7.5, -3.25}, {-21, 12.6}, {40, 30}}) {
      SCOPED_TRACE(::testing::Message() << size << " moved " << dx << ", " << dy);
      expect_as_reference(moved(1, 0, 0, size), moved(1, dx, dy, size));
    }
  }
}

TEST(PictureShift, MixesOfTwoPicturesAreFoundAsPhaseCorrelateFindsThem) {
  for (const cv::Size size : kSizes) {
    for (const double t : {0.2, 0.5, 0.9}) {
      SCOPED_TRACE(::testing::Message() << size << " mixed " << t);
      cv::Mat moved_a;
      cv::warpAffine(texture(1), moved_a, cv::Matx23d(1, 0, 9, 0, 1, -4), texture(1).size(), cv::INTER_LINEAR,
                     cv::BORDER_REFLECT);
      expect_as_reference(luma_of(texture(1), size), luma_of(mix(moved_a, texture(2), t), size));
    }
  }
}

TEST(PictureShift, NoiseAndUnrelatedPicturesScoreAsPhaseCorrelateScoresThem) {
  for (const cv::Size size : kSizes) {
    SCOPED_TRACE(::testing::Message() << size);
    expect_as_reference(noise(1, size), noise(2, size));
    expect_as_reference(moved(1, 0, 0, size), moved(2, 0, 0, size));
    expect_as_reference(moved(3, 0, 0, size), noise(3, size));
    // A flat picture's spectrum is rounding error but for its lowest frequencies: where its peak is, is
    // noise to both, and neither finds a picture there.
    const cv::Mat flat(size, CV_8UC1, cv::Scalar(128));
    const scenes::ShiftSpectrum picture = scenes::shift_spectrum(moved(1, 0, 0, size));
    EXPECT_LT(scenes::phase_correlation(scenes::shift_spectrum(flat), picture).peak, 0.05);
    EXPECT_LT(reference(flat, moved(1, 0, 0, size)).peak, 0.05);
  }
}

TEST(PictureShift, APictureMovedIsFoundWhereItWentAndATinyOneNot) {
  const cv::Size size(192, 108);
  const auto shift = scenes::picture_shift(scenes::shift_spectrum(moved(1, 0, 0, size)),
                                           scenes::shift_spectrum(moved(1, 12, -6, size)));
  ASSERT_TRUE(shift);
  // Texture pixels at half their size, to a pixel: the picture's edges, reflected, do not move with it.
  EXPECT_NEAR(shift->x, 6.0, 1.0);
  EXPECT_NEAR(shift->y, -3.0, 1.0);
  const cv::Size tiny(12, 12);
  EXPECT_FALSE(scenes::picture_shift(scenes::shift_spectrum(moved(1, 0, 0, tiny)),
                                     scenes::shift_spectrum(moved(1, 1, 0, tiny))));
}

cv::Mat random_thumb(int seed) {
  cv::Mat out(27, 48, CV_32FC3);
  cv::RNG rng(static_cast<uint64_t>(seed));
  rng.fill(out, cv::RNG::UNIFORM, 0.0, 255.0);
  return out;
}

double straightforward_distance(const cv::Mat& a, const cv::Mat& b) {
  const cv::Scalar d = cv::mean(cv::abs(a - b));
  return (d[0] + d[1] + d[2]) / 3.0;
}

TEST(ThumbDistance, EqualsTheMeanOfTheAbsoluteDifferenceToTheBit) {
  for (int seed = 1; seed <= 20; ++seed) {
    const cv::Mat a = random_thumb(seed), b = random_thumb(seed + 100);
    EXPECT_EQ(scenes::thumb_distance(a, b), straightforward_distance(a, b));
    // The mix the dissolve detector expects in a window's middle, and part of a thumbnail (an aligned view).
    cv::Mat middle;
    scenes::thumb_mix(a, b, middle);
    EXPECT_EQ(cv::countNonZero(middle.reshape(1) != cv::Mat(0.5 * (a + b)).reshape(1)), 0);
    EXPECT_EQ(scenes::thumb_distance(random_thumb(seed + 200), middle),
              straightforward_distance(random_thumb(seed + 200), 0.5 * (a + b)));
    const cv::Rect part(3, 2, 40, 21);
    EXPECT_EQ(scenes::thumb_distance(a(part), b(part)), straightforward_distance(a(part), b(part)));
  }
  EXPECT_EQ(scenes::thumb_distance(random_thumb(1), random_thumb(1)), 0.0);
}

TEST(ThumbDistance, ManyAtOnceAreEachAsOneByOne) {
  const cv::Mat to = random_thumb(1);
  std::vector<cv::Mat> from;
  for (int seed = 2; seed <= 24; ++seed) from.push_back(random_thumb(seed));
  from.push_back(to);
  std::vector<const cv::Mat*> pointers;
  for (const cv::Mat& m : from) pointers.push_back(&m);
  const std::vector<double> distances = scenes::thumb_distances(pointers, to);
  ASSERT_EQ(distances.size(), from.size());
  for (size_t k = 0; k < from.size(); ++k) EXPECT_EQ(distances[k], straightforward_distance(from[k], to));
  EXPECT_TRUE(scenes::thumb_distances({}, to).empty());
}

}  // namespace
