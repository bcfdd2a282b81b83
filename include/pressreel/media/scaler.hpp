#pragma once
// swscale for consumers: each asks for the size and pixel format it needs. Sizes are of the picture
// as displayed (square pixels), so anamorphic sources come out with correct proportions.

#include <array>

#include <opencv2/core.hpp>

#include "pressreel/media/av_ptr.hpp"

namespace pressreel::media {

struct VideoStreamInfo;

// Width x height of the frame as displayed: its sample aspect ratio applied to the width.
cv::Size display_size(const AVFrame* frame);
// The stream's picture as a viewer sees it (upright, square pixels), or its coded size when unknown.
cv::Size display_size(const VideoStreamInfo& video);
// The largest size with `source`'s aspect that fits in max_width x max_height (0 = no limit),
// never larger than the source; when `even` (for 4:2:0 encoders), the nearest even dimensions within
// those limits.
cv::Size fit_within(cv::Size source, int max_width, int max_height, bool even = false);
// The size to analyse a picture at, about `width` columns: its aspect kept, at most `width` wide and
// 2 x `width` tall, so that a picture of any shape (2x4096, 8191x2) costs no more than a portrait one
// of that width, and never empty. `enlarge`: a narrower picture is scaled up to `width` (signals
// measured at one size); otherwise it keeps its size. Heights of enlarged sizes round down.
cv::Size analysis_size(cv::Size source, int width, bool enlarge);

// fast: bilinear. good: bicubic, for pictures people look at. area: each output pixel is the mean of
// the source pixels it covers, for analysis at a small fraction of the size (where bilinear would skip
// most pixels and alias).
enum class ScaleQuality { fast, good, area };

// The matrix of YUV written for an encoder: BT.709 for video; BT.601 for WebP, whose decoders turn
// its YUV into RGB with BT.601's (limited range either way).
enum class YuvMatrix { bt709, bt601 };

// Not thread-safe: one per thread (e.g. tbb::enumerable_thread_specific<Scaler>).
class Scaler {
 public:
  explicit Scaler(ScaleQuality quality = ScaleQuality::fast) : quality_(quality) {}

  // BGR 8-bit, as OpenCV expects, at `size`.
  cv::Mat to_bgr(const AVFrame* frame, cv::Size size);
  // Luma only, at `size`.
  cv::Mat to_gray(const AVFrame* frame, cv::Size size);
  // The frame's own Y, Cb and Cr planes at `size`: 4:4:4, full range (0-255), its matrix unchanged.
  // For YUV sources; what shot detection measures.
  std::array<cv::Mat, 3> to_yuv_planes(const AVFrame* frame, cv::Size size);
  // A new frame in `format` at width x height (for encoders), limited range in `matrix` and tagged
  // so; keeps pts.
  FramePtr to_frame(const AVFrame* frame, int width, int height, AVPixelFormat format,
                    YuvMatrix matrix = YuvMatrix::bt709);

 private:
  // `padded`: the destination has FFmpeg's padded buffers, so swscale's fastest SIMD paths (which
  // write past the end of a row) may be used; cv::Mat rows are not padded and need SWS_ACCURATE_RND.
  // `own_yuv`: YUV out in the source's matrix at full range (to_yuv_planes); else YUV out is limited
  // range in `matrix`.
  SwsContext* context_for(const AVFrame* frame, int width, int height, AVPixelFormat format, bool padded,
                          bool own_yuv = false, YuvMatrix matrix = YuvMatrix::bt709);

  ScaleQuality quality_;
  SwsContextPtr ctx_;
  // What ctx_ was made for; sws_getCachedContext reuses it when nothing changed.
  int src_w_ = 0, src_h_ = 0, src_fmt_ = -1, dst_w_ = 0, dst_h_ = 0, dst_fmt_ = -1, src_space_ = -1, src_range_ = -1;
  bool padded_ = false, own_yuv_ = false;
  YuvMatrix matrix_ = YuvMatrix::bt709;
};

}  // namespace pressreel::media
