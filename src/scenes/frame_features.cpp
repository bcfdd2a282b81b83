#include "pressreel/scenes/frame_features.hpp"

#include "scenes/motion_prediction.hpp"

#include <opencv2/imgproc.hpp>

extern "C" {
#include <libavutil/pixdesc.h>
}

#include <algorithm>
#include <bit>
#include <cmath>
#include <vector>

namespace pressreel::scenes {
namespace {

// Below this many edge pixels (share of the picture) edges are noise, as in near-black frames.
constexpr double kMinEdgeShare = 0.002;
// Below this mean pixel difference (0..255) a frame is its predecessor's picture coded again: a
// repeat coded at a web encode's quality moves pixels by a fraction of a level, any motion or a
// camera's noise by more.
constexpr double kRepeatContent = 1.0;

uint64_t difference_hash(const cv::Mat& luma) {
  cv::Mat small;
  cv::resize(luma, small, cv::Size(9, 8), 0, 0, cv::INTER_AREA);
  uint64_t hash = 0;
  for (int y = 0; y < 8; ++y) {
    const uint8_t* row = small.ptr<uint8_t>(y);
    for (int x = 0; x < 8; ++x) hash = (hash << 1) | (row[x] < row[x + 1] ? 1u : 0u);
  }
  return hash;
}

// Canny thresholds from the picture's median, so dark and bright shots both yield edges.
void detect_edges(const cv::Mat& luma, const std::array<int, 256>& counts, FrameFeatures& out) {
  const int total = luma.rows * luma.cols;
  int median = 0;
  for (int seen = 0; median < 255 && (seen += counts[median]) < total / 2;) ++median;
  const double low = std::max(8.0, 0.66 * median), high = std::max(24.0, std::min(255.0, 1.33 * median));
  cv::Canny(luma, out.edges, low, high);
  cv::dilate(out.edges, out.edges_dilated, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(5, 5)));
}

// 8-bit planar YUV frames are shrunk by swscale's area filter straight to full-range Y, Cr, Cb in
// their own matrix: ten times faster than OpenCV's INTER_AREA at a 720p source's non-integer ratio
// (0.2 ms vs 2 ms a frame), within one level of it. Returns an empty Mat for other formats.
cv::Mat shrink_planar_yuv(const AVFrame* frame, cv::Size size, media::Scaler& scaler) {
  const auto format = static_cast<AVPixelFormat>(frame->format);
  const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(format);
  if (desc == nullptr || desc->nb_components != 3 || (desc->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL)) ||
      !(desc->flags & AV_PIX_FMT_FLAG_PLANAR) || desc->comp[0].depth != 8) {
    return {};
  }
  // A picture at least four times as tall as the analysis frame gives it one field (every other row):
  // each analysed row still averages two or more source rows, and swscale, the costliest step here
  // after decoding, has half the rows to filter.
  AVFrame field = *frame;
  if (frame->height >= 4 * size.height) {
    field.height = frame->height / 2;
    for (int plane = 0; plane < 3; ++plane) field.linesize[plane] *= 2;
  }
  const std::array<cv::Mat, 3> yuv = scaler.to_yuv_planes(&field, size);
  cv::Mat ycrcb;
  cv::merge(std::vector<cv::Mat>{yuv[0], yuv[2], yuv[1]}, ycrcb);
  return ycrcb;
}

FrameFeatures features_of_ycrcb(cv::Mat ycrcb);

}  // namespace

FrameFeatures compute_features(const AVFrame* frame, media::Scaler& scaler, int analysis_width) {
  const cv::Size size = media::analysis_size(media::display_size(frame), analysis_width, false);
  cv::Mat ycrcb = shrink_planar_yuv(frame, size, scaler);
  if (ycrcb.empty()) cv::cvtColor(scaler.to_bgr(frame, size), ycrcb, cv::COLOR_BGR2YCrCb);
  return features_of_ycrcb(std::move(ycrcb));
}

FrameFeatures compute_features(const cv::Mat& bgr) {
  cv::Mat ycrcb;
  cv::cvtColor(bgr, ycrcb, cv::COLOR_BGR2YCrCb);
  return features_of_ycrcb(std::move(ycrcb));
}

namespace {

FrameFeatures features_of_ycrcb(cv::Mat ycrcb) {
  FrameFeatures f;
  f.ycrcb = std::move(ycrcb);
  cv::extractChannel(f.ycrcb, f.luma, 0);
  cv::Mat small, small_bgr;
  cv::resize(f.ycrcb, small, media::analysis_size(f.ycrcb.size(), kThumbWidth, true), 0, 0, cv::INTER_AREA);
  cv::cvtColor(small, small_bgr, cv::COLOR_YCrCb2BGR);
  small_bgr.convertTo(f.thumb, CV_32FC3);

  std::array<int, 256> counts{};
  std::array<int, kChromaBins> cr{}, cb{};
  double sum = 0;
  int black = 0, white = 0;
  for (int y = 0; y < f.luma.rows; ++y) {
    const uint8_t* l = f.luma.ptr<uint8_t>(y);
    const cv::Vec3b* c = f.ycrcb.ptr<cv::Vec3b>(y);
    for (int x = 0; x < f.luma.cols; ++x) {
      ++counts[l[x]];
      sum += l[x];
      black += l[x] <= kBlackLevel;
      white += l[x] >= kWhiteLevel;
      ++cr[c[x][1] * kChromaBins / 256];
      ++cb[c[x][2] * kChromaBins / 256];
    }
  }
  const double total = static_cast<double>(f.luma.total());
  f.mean_luma = sum / total;
  f.black_ratio = black / total;
  f.white_ratio = white / total;
  for (int v = 0; v < 256; ++v) f.histogram[v * kLumaBins / 256] += static_cast<float>(counts[v] / total);
  for (int b = 0; b < kChromaBins; ++b) {
    f.histogram[kLumaBins + b] = static_cast<float>(cr[b] / total);
    f.histogram[kLumaBins + kChromaBins + b] = static_cast<float>(cb[b] / total);
  }
  f.hash = difference_hash(f.luma);
  detect_edges(f.luma, counts, f);
  return f;
}

}  // namespace

// One pass without temporaries (detectors compare thumbnails many times a frame); for each pair the
// same sums, in the same order, as cv::mean(cv::abs(a - b)). The pairs' sums do not wait on each other.
std::vector<double> thumb_distances(const std::vector<const cv::Mat*>& from, const cv::Mat& to) {
  CV_Assert(to.type() == CV_32FC3);
  for (const cv::Mat* a : from) CV_Assert(a->type() == CV_32FC3 && a->size() == to.size());
  const size_t count = from.size();
  std::vector<double> sums(3 * count, 0.0);
  std::vector<const float*> rows(count);
  for (int y = 0; y < to.rows; ++y) {
    const float* row_to = to.ptr<float>(y);
    for (size_t k = 0; k < count; ++k) rows[k] = from[k]->ptr<float>(y);
    for (int x = 0; x < 3 * to.cols; x += 3) {
      for (size_t k = 0; k < count; ++k) {
        double* sum = &sums[3 * k];
        sum[0] += std::abs(rows[k][x] - row_to[x]);
        sum[1] += std::abs(rows[k][x + 1] - row_to[x + 1]);
        sum[2] += std::abs(rows[k][x + 2] - row_to[x + 2]);
      }
    }
  }
  const double per_pixel = 1.0 / static_cast<double>(to.total());
  std::vector<double> out(count);
  for (size_t k = 0; k < count; ++k) {
    const double* sum = &sums[3 * k];
    out[k] = (sum[0] * per_pixel + sum[1] * per_pixel + sum[2] * per_pixel) / 3.0;
  }
  return out;
}

double thumb_distance(const cv::Mat& a, const cv::Mat& b) { return thumb_distances({&a}, b).front(); }

// Halving is exact: this is (a + b) rounded, halved, as cv::addWeighted(a, 0.5, b, 0.5) has it, in a
// loop the compiler vectorises.
void thumb_mix(const cv::Mat& a, const cv::Mat& b, cv::Mat& out) {
  CV_Assert(a.type() == CV_32FC3 && b.type() == CV_32FC3 && a.size() == b.size());
  out.create(a.size(), a.type());
  for (int y = 0; y < a.rows; ++y) {
    const float* row_a = a.ptr<float>(y);
    const float* row_b = b.ptr<float>(y);
    float* row_out = out.ptr<float>(y);
    for (int x = 0; x < 3 * a.cols; ++x) row_out[x] = (row_a[x] + row_b[x]) * 0.5f;
  }
}

cv::Mat thumb_shape(const cv::Mat& thumb) {
  cv::Scalar mean, stddev;
  cv::meanStdDev(thumb, mean, stddev);
  cv::Mat out;
  cv::subtract(thumb, mean, out);
  cv::divide(out, cv::Scalar(std::max(1.0, stddev[0]), std::max(1.0, stddev[1]), std::max(1.0, stddev[2])), out);
  return out;
}

double thumb_shape_distance(const cv::Mat& a, const cv::Mat& b) {
  const cv::Scalar d = cv::mean(cv::abs(thumb_shape(a) - thumb_shape(b)));
  return (d[0] + d[1] + d[2]) / 3.0;
}

FrameDifference compare(const FrameFeatures& a, const FrameFeatures& b, double previous_mafd) {
  FrameDifference d;
  cv::Mat delta;
  cv::absdiff(a.ycrcb, b.ycrcb, delta);
  const cv::Scalar ycc = cv::mean(delta);
  d.content = (ycc[0] + ycc[1] + ycc[2]) / 3.0;
  d.luma = cv::norm(a.luma, b.luma, cv::NORM_L1) / static_cast<double>(a.luma.total());
  d.scdet = std::min(d.luma, std::abs(d.luma - previous_mafd));

  double l1 = 0;
  for (size_t i = 0; i < a.histogram.size(); ++i) l1 += std::abs(a.histogram[i] - b.histogram[i]);
  d.histogram = l1 / 6.0;  // three histograms, each at most 2 apart
  double chroma_l1 = 0;
  for (size_t i = kLumaBins; i < a.histogram.size(); ++i) chroma_l1 += std::abs(a.histogram[i] - b.histogram[i]);
  d.colour = chroma_l1 / 4.0;  // Cr and Cb histograms, each at most 2 apart
  d.hash = std::popcount(a.hash ^ b.hash) / 64.0;

  // Edge change ratio: edges that appear far from any old edge, or vanish far from any new one.
  const double edges_a = cv::countNonZero(a.edges), edges_b = cv::countNonZero(b.edges);
  cv::Mat unmatched;
  cv::bitwise_and(b.edges, ~a.edges_dilated, unmatched);
  const double entering = edges_b > 0 ? cv::countNonZero(unmatched) / edges_b : 0.0;
  cv::bitwise_and(a.edges, ~b.edges_dilated, unmatched);
  const double exiting = edges_a > 0 ? cv::countNonZero(unmatched) / edges_a : 0.0;
  const double few = kMinEdgeShare * static_cast<double>(a.edges.total());
  d.edges = (edges_a < few || edges_b < few) ? 0.0 : std::max(entering, exiting);

  const Prediction prediction = predict(a.luma, b.luma);
  d.flicker = prediction.flicker;
  d.residual = prediction.residual;
  d.unexplained = prediction.unexplained;

  // Pixel content leads; histogram and edges lift cuts between shots of similar colour.
  d.score = d.content + 0.5 * d.luma + 10.0 * d.histogram + 10.0 * d.edges;
  d.repeat = d.content < kRepeatContent;
  return d;
}

}  // namespace pressreel::scenes
