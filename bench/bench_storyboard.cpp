// What storyboard and contact-sheet work adds to a clip: the samplers' share of the decode pass, and
// rendering a sheet. Run: build/bench_storyboard [--benchmark_filter=...]; the clip is
// $PRESSREEL_BENCH_CLIP, else the shared big-buck-bunny-0-30.webm, else a generated 1080p clip.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>

#include "pressreel/media/decode_pass.hpp"
#include "pressreel/stills/contact_sheet.hpp"
#include "pressreel/stills/contact_sheet_tiles.hpp"
#include "pressreel/stills/storyboard.hpp"
#include "stills/text_renderer.hpp"

namespace {

using namespace pressreel;

std::filesystem::path bench_clip() {
  if (const char* env = std::getenv("PRESSREEL_BENCH_CLIP")) return env;
  // The shared footage sits next to the source tree (PRESSREEL_PIPELINES_DIR is <source>/pipelines).
  const std::filesystem::path shared = std::filesystem::path(PRESSREEL_PIPELINES_DIR).parent_path().parent_path() /
                                       "shared/media/clips/big-buck-bunny-0-30.webm";
  if (std::filesystem::exists(shared)) return shared;
  const std::filesystem::path generated = std::filesystem::temp_directory_path() / "pressreel-bench-1080p.mp4";
  if (!std::filesystem::exists(generated)) {
    const std::string cmd =
        "ffmpeg -y -nostdin -loglevel error -f lavfi -i testsrc2=size=1920x1080:rate=25 -frames:v 750 "
        "-c:v libx264 -preset ultrafast -pix_fmt yuv420p " +
        generated.string();
    if (std::system(cmd.c_str()) != 0) return {};
  }
  return generated;
}

// Counts frames so a pass without samplers still has one sink.
class CountingSink : public media::FrameSink {
 public:
  std::string_view name() const override { return "count"; }
  void on_frame(const media::VideoFrame&, std::any&) override { ++frames; }
  int64_t frames = 0;
};

void BM_DecodePass(benchmark::State& state, bool with_samplers) {
  const auto clip = bench_clip();
  if (clip.empty()) return state.SkipWithError("no clip");
  const media::ProbeResult probe = media::probe(clip);
  int64_t frames = 0, tiles = 0;
  for (auto _ : state) {
    CountingSink count;
    stills::StoryboardSampler board;
    stills::StoryboardSampler intervals(stills::interval_sampler_options({}));
    std::vector<media::FrameSink*> sinks{&count};
    if (with_samplers) sinks.insert(sinks.end(), {&board, &intervals});
    media::run_decode_pass(probe, sinks);
    frames = count.frames;
    tiles = static_cast<int64_t>(board.tiles().size() + intervals.tiles().size());
  }
  state.counters["frames"] = static_cast<double>(frames);
  state.counters["tiles"] = static_cast<double>(tiles);
  state.counters["fps"] =
      benchmark::Counter(static_cast<double>(frames), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK_CAPTURE(BM_DecodePass, alone, false)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_DecodePass, with_storyboard_and_sheet_samplers, true)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_RenderSheet(benchmark::State& state) {
  std::vector<stills::SheetTile> tiles;
  for (int i = 0; i < state.range(0); ++i) {
    tiles.push_back({cv::Mat(216, 384, CV_8UC3, cv::Scalar(40 * (i % 6), 90, 200)), "Shot " + std::to_string(i + 1),
                     "00:01:02.345"});
  }
  const stills::SheetHeader header{
      "Pedro Almodóvar — Dolor y gloria",
      "Tráiler oficial",
      {"Duration 00:02:01.000", "1920×1080", "24 fps", "h264 / aac", "42.0 MB", "40 shots"}};
  size_t bytes = 0;
  for (auto _ : state) {
    const cv::Mat sheet = stills::render_sheet(header, tiles, {});
    bytes = stills::encode_image(sheet, {}).size();
  }
  state.counters["jpeg_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_RenderSheet)->Arg(12)->Arg(40)->Arg(120)->Unit(benchmark::kMillisecond);

void BM_DrawTitle(benchmark::State& state) {
  stills::TextRenderer text;
  cv::Mat image(60, 900, CV_8UC3, cv::Scalar::all(0));
  for (auto _ : state) {
    benchmark::DoNotOptimize(text.draw(image, "Pedro Almodóvar — Dolor y gloria", {10, 10}, 30, cv::Scalar::all(255)));
  }
}
BENCHMARK(BM_DrawTitle)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
