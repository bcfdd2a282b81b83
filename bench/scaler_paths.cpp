// swscale's horizontal scalers with and without AVX2 gathers (media/cpu_paths.hpp): the analysis
// conversions of a 1280x720 picture, as scenes (192x108 planes), stills (640x360 BGR) and the 480p
// rendition make them. Run: build/scaler_paths; compare the /gathers:1 and /gathers:0 lines. Only
// meaningful on a CPU with AVX2; the two paths give the same pixels (tests/test_scaler.cpp).
#include <benchmark/benchmark.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "pressreel/media/cpu_paths.hpp"
#include "pressreel/media/scaler.hpp"

extern "C" {
#include <libavutil/cpu.h>
}

namespace {

using namespace pressreel;

media::FramePtr picture_like_720p() {
  media::FramePtr frame = media::make_frame();
  frame->width = 1280;
  frame->height = 720;
  frame->format = AV_PIX_FMT_YUV420P;
  frame->colorspace = AVCOL_SPC_BT709;
  frame->color_range = AVCOL_RANGE_MPEG;
  if (av_frame_get_buffer(frame.get(), 0) < 0) return nullptr;
  cv::RNG rng(3);
  for (int p = 0; p < 3; ++p) {
    const int w = p == 0 ? 1280 : 640, h = p == 0 ? 720 : 360;
    cv::Mat plane(h, w, CV_8U, frame->data[p], frame->linesize[p]);
    rng.fill(plane, cv::RNG::UNIFORM, 16, 236);
    cv::GaussianBlur(plane, plane, {0, 0}, 2);
  }
  return frame;
}

enum class Conversion { scenes_planes, stills_bgr, rendition_480p };

void BM_Scale(benchmark::State& state, Conversion conversion) {
  media::use_gather_paths(state.range(0) != 0);
  const media::FramePtr frame = picture_like_720p();
  media::Scaler scaler(conversion == Conversion::scenes_planes ? media::ScaleQuality::area : media::ScaleQuality::good);
  for (auto _ : state) {
    switch (conversion) {
      case Conversion::scenes_planes: benchmark::DoNotOptimize(scaler.to_yuv_planes(frame.get(), {192, 108})); break;
      case Conversion::stills_bgr: benchmark::DoNotOptimize(scaler.to_bgr(frame.get(), {640, 360})); break;
      case Conversion::rendition_480p:
        benchmark::DoNotOptimize(scaler.to_frame(frame.get(), 854, 480, AV_PIX_FMT_YUV420P));
        break;
    }
  }
  av_force_cpu_flags(-1);
}

}  // namespace

BENCHMARK_CAPTURE(BM_Scale, scenes_planes, Conversion::scenes_planes)->ArgName("gathers")->Arg(1)->Arg(0);
BENCHMARK_CAPTURE(BM_Scale, stills_bgr, Conversion::stills_bgr)->ArgName("gathers")->Arg(1)->Arg(0);
BENCHMARK_CAPTURE(BM_Scale, rendition_480p, Conversion::rendition_480p)->ArgName("gathers")->Arg(1)->Arg(0);
BENCHMARK_MAIN();
