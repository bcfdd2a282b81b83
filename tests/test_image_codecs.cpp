// pressreel writes and reads stills with libjpeg-turbo and libwebp directly, never through OpenCV's
// imgcodecs (which loads ~80 libraries at start-up). The bytes must stay what cv::imencode wrote.

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "stills/image_reader.hpp"
#include "pressreel/stills/image_writer.hpp"
#include "stills/jpeg_codec.hpp"
#include "test_support.hpp"

namespace {

using namespace pressreel::stills;
using pressreel::testing::TempDir;

// Something like a frame: smooth gradients, hard edges and grain, at an odd size (chroma edge cases).
cv::Mat frame_like(cv::Size size = {641, 361}) {
  cv::Mat image(size, CV_8UC3);
  for (int y = 0; y < size.height; ++y) {
    for (int x = 0; x < size.width; ++x) {
      image.at<cv::Vec3b>(y, x) = cv::Vec3b(x * 255 / size.width, y * 255 / size.height, (x + y) % 256);
    }
  }
  cv::rectangle(image, {size.width / 4, size.height / 4, size.width / 3, size.height / 3}, {20, 200, 240}, cv::FILLED);
  cv::Mat grain(size, CV_8UC3);
  cv::theRNG().state = 7;
  cv::randn(grain, cv::Scalar::all(0), cv::Scalar::all(12));
  cv::add(image, grain, image);
  return image;
}

std::vector<uint8_t> opencv_bytes(const std::string& ext, const cv::Mat& image, const std::vector<int>& params) {
  std::vector<uint8_t> bytes;
  EXPECT_TRUE(cv::imencode(ext, image, bytes, params));
  return bytes;
}

TEST(ImageCodecs, JpegStillsAreByteForByteWhatOpenCvWrote) {
  const cv::Mat image = frame_like();
  for (int quality : {1, 50, 88, 100}) {
    for (bool progressive : {true, false}) {
      const ImageOptions options{ImageFormat::jpeg, quality, progressive};
      EXPECT_EQ(encode_image(image, options),
                opencv_bytes(".jpg", image,
                             {cv::IMWRITE_JPEG_QUALITY, quality, cv::IMWRITE_JPEG_PROGRESSIVE, progressive ? 1 : 0,
                              cv::IMWRITE_JPEG_OPTIMIZE, 1}))
          << "quality " << quality << (progressive ? " progressive" : " baseline");
    }
  }
  // The candidate keeper's in-memory copies: baseline, standard Huffman tables.
  EXPECT_EQ(encode_jpeg(image, {95}), opencv_bytes(".jpg", image, {cv::IMWRITE_JPEG_QUALITY, 95}));
  // A view into a larger image (rows not contiguous).
  const cv::Mat view = image(cv::Rect(3, 5, 200, 101));
  EXPECT_EQ(encode_jpeg(view, {90}), opencv_bytes(".jpg", view, {cv::IMWRITE_JPEG_QUALITY, 90}));
}

TEST(ImageCodecs, WebpStillsAreByteForByteWhatOpenCvWrote) {
  const cv::Mat image = frame_like();
  for (int quality : {1, 75, 100}) {
    EXPECT_EQ(encode_image(image, {ImageFormat::webp, quality, true}),
              opencv_bytes(".webp", image, {cv::IMWRITE_WEBP_QUALITY, quality}))
        << "quality " << quality;
  }
}

TEST(ImageCodecs, ReadsBackTheSamePixelsAsOpenCv) {
  const cv::Mat image = frame_like();
  for (ImageFormat format : {ImageFormat::jpeg, ImageFormat::webp}) {
    const std::vector<uint8_t> bytes = encode_image(image, {format, 88, true});
    const cv::Mat ours = decode_image(bytes);
    const cv::Mat theirs = cv::imdecode(bytes, cv::IMREAD_COLOR);
    ASSERT_EQ(ours.size(), image.size());
    EXPECT_EQ(cv::norm(ours, theirs, cv::NORM_INF), 0) << extension(format);
  }
  // Shrunk on decode as IMREAD_REDUCED_COLOR_2 does.
  const std::vector<uint8_t> jpeg = encode_image(image, {});
  EXPECT_EQ(cv::norm(decode_jpeg(jpeg, 2), cv::imdecode(jpeg, cv::IMREAD_REDUCED_COLOR_2), cv::NORM_INF), 0);
}

TEST(ImageCodecs, DamagedOrForeignDataReadsAsEmpty) {
  std::vector<uint8_t> jpeg = encode_image(frame_like(), {});
  EXPECT_TRUE(decode_image(std::vector<uint8_t>(jpeg.begin(), jpeg.begin() + 20)).empty());
  EXPECT_TRUE(decode_image(std::vector<uint8_t>{'h', 'e', 'l', 'l', 'o'}).empty());
  EXPECT_TRUE(decode_image({}).empty());
  EXPECT_TRUE(read_image("/nonexistent/poster.jpg").empty());
  EXPECT_THROW(encode_image(cv::Mat(), {}), std::runtime_error);
}

TEST(ImageCodecs, SizesFromHeaders) {
  TempDir dir;
  const cv::Mat image = frame_like({123, 45});
  ASSERT_TRUE(cv::imwrite((dir / "a.png").string(), image));
  write_image(dir / "a.jpg", image, {});
  write_image(dir / "a.webp", image, {ImageFormat::webp, 80, true});
  for (const char* name : {"a.png", "a.jpg", "a.webp"}) {
    const auto size = image_size(dir / name);
    ASSERT_TRUE(size) << name;
    EXPECT_EQ(*size, cv::Size(123, 45)) << name;
  }
  EXPECT_FALSE(image_size(dir / "missing.jpg"));
  pressreel::testing::write_text(dir / "text.jpg", "not an image");
  EXPECT_FALSE(image_size(dir / "text.jpg"));
}

// What start-up time depends on: the CLI must not pull imgcodecs and its GDAL/GDCM/OpenEXR tail.
TEST(ImageCodecs, TheCliDoesNotLoadOpenCvImgcodecs) {
  std::string libraries;
  ASSERT_EQ(pressreel::testing::run_command("ldd " + pressreel::testing::cli(), &libraries), 0);
  ASSERT_NE(libraries.find("libopencv_core"), std::string::npos) << libraries;
  for (const char* absent : {"libopencv_imgcodecs", "libgdal", "libgdcm", "libOpenEXR", "libopencv_highgui"}) {
    EXPECT_EQ(libraries.find(absent), std::string::npos) << absent;
  }
}

}  // namespace
