#include "pressreel/media/scaler.hpp"

#include <algorithm>
#include <cmath>
#include <new>

extern "C" {
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
}

#include "media/stored_code.hpp"
#include "pressreel/media/probe.hpp"

namespace pressreel::media {
namespace {

int sws_colorspace(const AVFrame* frame) {
  switch (stored_code(frame->colorspace)) {
    case AVCOL_SPC_BT709: return SWS_CS_ITU709;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL: return SWS_CS_BT2020;
    case AVCOL_SPC_SMPTE170M:
    case AVCOL_SPC_BT470BG: return SWS_CS_ITU601;
    default: return frame->height >= 720 ? SWS_CS_ITU709 : SWS_CS_ITU601;  // the usual convention when untagged
  }
}

bool is_full_range(const AVFrame* frame) {
  if (stored_code(frame->color_range) == AVCOL_RANGE_JPEG) return true;
  const auto fmt = static_cast<AVPixelFormat>(frame->format);
  return fmt == AV_PIX_FMT_YUVJ420P || fmt == AV_PIX_FMT_YUVJ422P || fmt == AV_PIX_FMT_YUVJ444P;
}

}  // namespace

cv::Size display_size(const AVFrame* frame) {
  const AVRational sar = frame->sample_aspect_ratio;
  if (sar.num <= 0 || sar.den <= 0 || sar.num == sar.den) return {frame->width, frame->height};
  return {std::max(1, static_cast<int>(std::lround(frame->width * av_q2d(sar)))), frame->height};
}

cv::Size display_size(const VideoStreamInfo& video) {
  return {video.display_width > 0 ? video.display_width : video.width,
          video.display_height > 0 ? video.display_height : video.height};
}

cv::Size fit_within(cv::Size source, int max_width, int max_height, bool even) {
  double scale = 1.0;
  if (max_width > 0) scale = std::min(scale, static_cast<double>(max_width) / source.width);
  if (max_height > 0) scale = std::min(scale, static_cast<double>(max_height) / source.height);
  if (!even) {
    return {std::max(1, static_cast<int>(std::lround(source.width * scale))),
            std::max(1, static_cast<int>(std::lround(source.height * scale)))};
  }
  // The nearest even size, as ffmpeg's scale=-2 has it (16:9 at 480 lines is 854 wide, not 852),
  // unless that passes the limit or the source: then the even size below.
  const auto nearest_even = [](double exact, int limit) {
    int v = 2 * static_cast<int>(std::lround(exact / 2.0));
    if (v > limit) v -= 2;
    return std::max(2, v);
  };
  const int width_limit = max_width > 0 ? std::min(source.width, max_width) : source.width;
  const int height_limit = max_height > 0 ? std::min(source.height, max_height) : source.height;
  return {nearest_even(source.width * scale, width_limit), nearest_even(source.height * scale, height_limit)};
}

cv::Size analysis_size(cv::Size source, int width, bool enlarge) {
  width = std::max(1, width);
  const int64_t tallest = 2 * int64_t{width};
  const int64_t cols = std::max(1, source.width), rows = std::max(1, source.height);
  if (!enlarge) return fit_within({static_cast<int>(cols), static_cast<int>(rows)}, width, static_cast<int>(tallest));
  const int64_t height = std::max<int64_t>(1, rows * width / cols);
  if (height <= tallest) return {width, static_cast<int>(height)};
  return {static_cast<int>(std::max<int64_t>(1, cols * tallest / rows)), static_cast<int>(tallest)};
}

SwsContext* Scaler::context_for(const AVFrame* frame, int width, int height, AVPixelFormat format, bool padded,
                                bool own_yuv, YuvMatrix matrix) {
  const int space = sws_colorspace(frame);
  const int range = is_full_range(frame) ? 1 : 0;
  if (ctx_ && src_w_ == frame->width && src_h_ == frame->height && src_fmt_ == frame->format && dst_w_ == width &&
      dst_h_ == height && dst_fmt_ == format && src_space_ == space && src_range_ == range && padded_ == padded &&
      own_yuv_ == own_yuv && matrix_ == matrix) {
    return ctx_.get();
  }
  // Without SWS_ACCURATE_RND swscale's SIMD paths write up to a vector's width past a row's end: a
  // cv::Mat's rows are not padded (a rotated clip's BGR still corrupted the heap), AVFrame's are.
  const int filter = quality_ == ScaleQuality::good   ? SWS_BICUBIC
                     : quality_ == ScaleQuality::area ? SWS_AREA
                                                      : SWS_BILINEAR;
  const int flags = filter | (padded ? 0 : SWS_ACCURATE_RND);
  ctx_.reset(sws_getContext(frame->width, frame->height, static_cast<AVPixelFormat>(frame->format), width, height,
                            format, flags, nullptr, nullptr, nullptr));
  if (!ctx_) throw std::runtime_error("scale: unsupported conversion");
  // Decode with the source's own matrix and range; RGB/gray outputs are full range, YUV limited.
  const AVPixFmtDescriptor* out_desc = av_pix_fmt_desc_get(format);
  const bool out_rgb_or_gray = out_desc != nullptr && ((out_desc->flags & AV_PIX_FMT_FLAG_RGB) || out_desc->nb_components == 1);
  const int out_space = own_yuv ? space : matrix == YuvMatrix::bt601 ? SWS_CS_ITU601 : SWS_CS_ITU709;
  sws_setColorspaceDetails(ctx_.get(), sws_getCoefficients(space), range, sws_getCoefficients(out_space),
                           out_rgb_or_gray || own_yuv ? 1 : 0, 0, 1 << 16, 1 << 16);
  src_w_ = frame->width, src_h_ = frame->height, src_fmt_ = frame->format;
  dst_w_ = width, dst_h_ = height, dst_fmt_ = format, src_space_ = space, src_range_ = range;
  padded_ = padded, own_yuv_ = own_yuv, matrix_ = matrix;
  return ctx_.get();
}

cv::Mat Scaler::to_bgr(const AVFrame* frame, cv::Size size) {
  cv::Mat out(size, CV_8UC3);
  uint8_t* dst[4] = {out.data, nullptr, nullptr, nullptr};
  int stride[4] = {static_cast<int>(out.step), 0, 0, 0};
  sws_scale(context_for(frame, size.width, size.height, AV_PIX_FMT_BGR24, false), frame->data, frame->linesize, 0,
            frame->height, dst, stride);
  return out;
}

cv::Mat Scaler::to_gray(const AVFrame* frame, cv::Size size) {
  cv::Mat out(size, CV_8UC1);
  uint8_t* dst[4] = {out.data, nullptr, nullptr, nullptr};
  int stride[4] = {static_cast<int>(out.step), 0, 0, 0};
  sws_scale(context_for(frame, size.width, size.height, AV_PIX_FMT_GRAY8, false), frame->data, frame->linesize, 0,
            frame->height, dst, stride);
  return out;
}

std::array<cv::Mat, 3> Scaler::to_yuv_planes(const AVFrame* frame, cv::Size size) {
  std::array<cv::Mat, 3> planes;
  uint8_t* dst[4] = {nullptr, nullptr, nullptr, nullptr};
  int stride[4] = {0, 0, 0, 0};
  for (int i = 0; i < 3; ++i) {
    planes[i].create(size, CV_8UC1);
    dst[i] = planes[i].data;
    stride[i] = static_cast<int>(planes[i].step);
  }
  sws_scale(context_for(frame, size.width, size.height, AV_PIX_FMT_YUV444P, false, true), frame->data,
            frame->linesize, 0, frame->height, dst, stride);
  return planes;
}

FramePtr Scaler::to_frame(const AVFrame* frame, int width, int height, AVPixelFormat format, YuvMatrix matrix) {
  FramePtr out = make_frame();
  out->width = width;
  out->height = height;
  out->format = format;
  if (av_frame_get_buffer(out.get(), 0) < 0) throw std::bad_alloc();
  av_frame_copy_props(out.get(), frame);
  out->sample_aspect_ratio = AVRational{1, 1};
  out->color_range = AVCOL_RANGE_MPEG;
  out->colorspace = matrix == YuvMatrix::bt601 ? AVCOL_SPC_SMPTE170M : AVCOL_SPC_BT709;
  out->color_primaries = AVCOL_PRI_BT709;
  out->color_trc = AVCOL_TRC_BT709;
  sws_scale(context_for(frame, width, height, format, true, false, matrix), frame->data, frame->linesize, 0,
            frame->height, out->data, out->linesize);
  return out;
}

}  // namespace pressreel::media
