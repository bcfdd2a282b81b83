#include "pressreel/scenes/frame_features.hpp"

#include "scenes/motion_prediction.hpp"

#include <opencv2/imgproc.hpp>

extern "C" {
#include <libavutil/pixdesc.h>
}

#include <algorithm>
#include <bit>
#include <cmath>
#include <optional>
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

// The analysis frame as Y, Cr and Cb planes (each CV_8U).
using Planes = std::array<cv::Mat, 3>;

// 8-bit planar YUV frames are shrunk by swscale's area filter straight to full-range Y, Cr, Cb in
// their own matrix: ten times faster than OpenCV's INTER_AREA at a 720p source's non-integer ratio
// (0.2 ms vs 2 ms a frame), within one level of it. Returns no planes for other formats.
std::optional<Planes> shrink_planar_yuv(const AVFrame* frame, cv::Size size, media::Scaler& scaler) {
  const auto format = static_cast<AVPixelFormat>(frame->format);
  const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(format);
  if (desc == nullptr || desc->nb_components != 3 || (desc->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL)) ||
      !(desc->flags & AV_PIX_FMT_FLAG_PLANAR) || desc->comp[0].depth != 8) {
    return std::nullopt;
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
  return Planes{yuv[0], yuv[2], yuv[1]};
}

FrameFeatures features_of(const Planes& planes, cv::Mat ycrcb);

}  // namespace

FrameFeatures compute_features(const AVFrame* frame, media::Scaler& scaler, int analysis_width) {
  const cv::Size size = media::analysis_size(media::display_size(frame), analysis_width, false);
  if (const std::optional<Planes> planes = shrink_planar_yuv(frame, size, scaler)) {
    cv::Mat ycrcb;
    cv::merge(planes->data(), planes->size(), ycrcb);
    return features_of(*planes, std::move(ycrcb));
  }
  return compute_features(scaler.to_bgr(frame, size));
}

FrameFeatures compute_features(const cv::Mat& bgr) {
  cv::Mat ycrcb;
  cv::cvtColor(bgr, ycrcb, cv::COLOR_BGR2YCrCb);
  Planes planes;
  cv::split(ycrcb, planes.data());
  return features_of(planes, std::move(ycrcb));
}

namespace {

// `planes`: the analysis frame's Y, Cr, Cb; `ycrcb`: the same merged.
FrameFeatures features_of(const Planes& planes, cv::Mat ycrcb) {
  FrameFeatures f;
  f.ycrcb = std::move(ycrcb);
  f.luma = planes[0];
  cv::Mat small, small_bgr;
  cv::resize(f.ycrcb, small, media::analysis_size(f.ycrcb.size(), kThumbWidth, true), 0, 0, cv::INTER_AREA);
  cv::cvtColor(small, small_bgr, cv::COLOR_YCrCb2BGR);
  small_bgr.convertTo(f.thumb, CV_32FC3);

  // One count per level of each plane; the statistics and the binned histograms follow from them.
  std::array<int, 256> counts{}, cr_counts{}, cb_counts{};
  for (int y = 0; y < f.luma.rows; ++y) {
    const uint8_t* l = planes[0].ptr<uint8_t>(y);
    const uint8_t* cr = planes[1].ptr<uint8_t>(y);
    const uint8_t* cb = planes[2].ptr<uint8_t>(y);
    for (int x = 0; x < f.luma.cols; ++x) {
      ++counts[l[x]];
      ++cr_counts[cr[x]];
      ++cb_counts[cb[x]];
    }
  }
  int64_t sum = 0;
  int black = 0, white = 0;
  for (int v = 0; v < 256; ++v) {
    sum += int64_t{v} * counts[v];
    if (v <= kBlackLevel) black += counts[v];
    if (v >= kWhiteLevel) white += counts[v];
  }
  const double total = static_cast<double>(f.luma.total());
  f.mean_luma = static_cast<double>(sum) / total;
  f.black_ratio = black / total;
  f.white_ratio = white / total;
  for (int v = 0; v < 256; ++v) f.histogram[v * kLumaBins / 256] += static_cast<float>(counts[v] / total);
  std::array<int, kChromaBins> cr{}, cb{};
  for (int v = 0; v < 256; ++v) {
    cr[v * kChromaBins / 256] += cr_counts[v];
    cb[v * kChromaBins / 256] += cb_counts[v];
  }
  for (int b = 0; b < kChromaBins; ++b) {
    f.histogram[kLumaBins + b] = static_cast<float>(cr[b] / total);
    f.histogram[kLumaBins + kChromaBins + b] = static_cast<float>(cb[b] / total);
  }
  f.hash = difference_hash(f.luma);
  detect_edges(f.luma, counts, f);
  f.edge_count = cv::countNonZero(f.edges);
  f.luma_normalised = normalised_luma(f.luma);
  return f;
}

// Pixels on `edges` but off `other_dilated`: edges far from any of the other frame's.
int unmatched_edges(const cv::Mat& edges, const cv::Mat& other_dilated) {
  int unmatched = 0;
  for (int y = 0; y < edges.rows; ++y) {
    const uint8_t* e = edges.ptr<uint8_t>(y);
    const uint8_t* o = other_dilated.ptr<uint8_t>(y);
    for (int x = 0; x < edges.cols; ++x) unmatched += (e[x] & ~o[x]) != 0;
  }
  return unmatched;
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
  CV_Assert(a.ycrcb.type() == CV_8UC3 && b.ycrcb.type() == CV_8UC3 && a.ycrcb.size() == b.ycrcb.size());
  FrameDifference d;
  // Sums of |dY|, |dCr|, |dCb|: their means (as cv::mean takes them, times the reciprocal of the count)
  // are the content difference, and |dY|'s alone the luma one.
  cv::Mat delta;
  cv::absdiff(a.ycrcb, b.ycrcb, delta);
  const cv::Scalar sums = cv::sum(delta);
  const double pixels = static_cast<double>(a.luma.total());
  const double per_pixel = 1.0 / static_cast<int>(a.luma.total());
  d.content = (sums[0] * per_pixel + sums[1] * per_pixel + sums[2] * per_pixel) / 3.0;
  d.luma = sums[0] / pixels;
  d.scdet = std::min(d.luma, std::abs(d.luma - previous_mafd));

  double l1 = 0;
  for (size_t i = 0; i < a.histogram.size(); ++i) l1 += std::abs(a.histogram[i] - b.histogram[i]);
  d.histogram = l1 / 6.0;  // three histograms, each at most 2 apart
  double chroma_l1 = 0;
  for (size_t i = kLumaBins; i < a.histogram.size(); ++i) chroma_l1 += std::abs(a.histogram[i] - b.histogram[i]);
  d.colour = chroma_l1 / 4.0;  // Cr and Cb histograms, each at most 2 apart
  d.hash = std::popcount(a.hash ^ b.hash) / 64.0;

  // Edge change ratio: edges that appear far from any old edge, or vanish far from any new one.
  const double edges_a = a.edge_count, edges_b = b.edge_count;
  const double entering = edges_b > 0 ? unmatched_edges(b.edges, a.edges_dilated) / edges_b : 0.0;
  const double exiting = edges_a > 0 ? unmatched_edges(a.edges, b.edges_dilated) / edges_a : 0.0;
  const double few = kMinEdgeShare * static_cast<double>(a.edges.total());
  d.edges = (edges_a < few || edges_b < few) ? 0.0 : std::max(entering, exiting);

  const Prediction prediction = predict_normalised(a.luma_normalised, b.luma_normalised);
  d.flicker = prediction.flicker;
  d.residual = prediction.residual;
  d.unexplained = prediction.unexplained;

  // Pixel content leads; histogram and edges lift cuts between shots of similar colour.
  d.score = d.content + 0.5 * d.luma + 10.0 * d.histogram + 10.0 * d.edges;
  d.repeat = d.content < kRepeatContent;
  return d;
}

}  // namespace pressreel::scenes
