// Shot detection's analysis frame of a tall picture is scaled from one field (every other row): half
// the rows for swscale, the costliest step of `pressreel scenes` after decoding.
#include <gtest/gtest.h>

#include "pressreel/media/av_ptr.hpp"
#include "pressreel/media/scaler.hpp"
#include "pressreel/scenes/frame_features.hpp"

namespace media = pressreel::media;
namespace scenes = pressreel::scenes;

namespace {

// A full-range grey 4:2:0 frame whose even rows have luma `even` and odd rows `odd`.
media::FramePtr striped_frame(int width, int height, int even, int odd) {
  media::FramePtr frame = media::make_frame();
  frame->width = width;
  frame->height = height;
  frame->format = AV_PIX_FMT_YUV420P;
  frame->color_range = AVCOL_RANGE_JPEG;
  frame->colorspace = AVCOL_SPC_BT709;
  EXPECT_GE(av_frame_get_buffer(frame.get(), 0), 0);
  for (int y = 0; y < height; ++y) std::fill_n(frame->data[0] + y * frame->linesize[0], width, y % 2 == 0 ? even : odd);
  for (int p = 1; p < 3; ++p) {
    for (int y = 0; y < (height + 1) / 2; ++y) std::fill_n(frame->data[p] + y * frame->linesize[p], (width + 1) / 2, 128);
  }
  return frame;
}

}  // namespace

TEST(FrameFeaturesField, APictureFourTimesTheAnalysisHeightIsMeasuredOnItsFirstField) {
  // 1080 rows for a 108-row analysis frame: the odd rows never reach it.
  const media::FramePtr frame = striped_frame(1920, 1080, 40, 200);
  media::Scaler scaler(media::ScaleQuality::area);
  const scenes::FrameFeatures f = scenes::compute_features(frame.get(), scaler, 192);
  ASSERT_EQ(f.luma.size(), cv::Size(192, 108));
  EXPECT_NEAR(f.mean_luma, 40.0, 1.0);
}

TEST(FrameFeaturesField, ASmallerPictureAveragesAllItsRows) {
  // 360 rows for 108: less than four times, so both fields are averaged (40 and 200 give 120).
  const media::FramePtr frame = striped_frame(640, 360, 40, 200);
  media::Scaler scaler(media::ScaleQuality::area);
  const scenes::FrameFeatures f = scenes::compute_features(frame.get(), scaler, 192);
  ASSERT_EQ(f.luma.size(), cv::Size(192, 108));
  EXPECT_NEAR(f.mean_luma, 120.0, 2.0);
}
