// The teaser stage alone: re-reading five 1.5 s pieces of a clip and encoding the MP4 loop and the
// animated WebP, as `pressreel run` does after the pass. Reports wall time per teaser and the
// process's CPU use over it (util = CPU / wall / cores: the stage should keep every core busy).
// Run: build/bench_teaser [--benchmark_repetitions=N]; the clip is $PRESSREEL_BENCH_CLIP, else the
// 24 s 720p clip of bench/preview_vs_ffmpeg.sh if present, else a generated 720p clip.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "pressreel/media/probe.hpp"
#include "pressreel/preview/teaser.hpp"

namespace {

using namespace pressreel;

std::filesystem::path bench_clip() {
  if (const char* env = std::getenv("PRESSREEL_BENCH_CLIP")) return env;
  for (const char* known : {"/tmp/pb/trailer-720p.mp4", "/tmp/pressreel-bench/trailer-720p.mp4"}) {
    if (std::filesystem::exists(known)) return known;
  }
  const std::filesystem::path generated = std::filesystem::temp_directory_path() / "pressreel-bench-teaser-720p.mp4";
  if (!std::filesystem::exists(generated)) {
    const std::string cmd =
        "ffmpeg -y -nostdin -loglevel error -f lavfi -i testsrc2=size=1280x720:rate=25:duration=24 "
        "-vf noise=alls=3:allf=t -c:v libx264 -preset veryfast -g 50 -pix_fmt yuv420p " +
        generated.string();
    if (std::system(cmd.c_str()) != 0) return {};
  }
  return generated;
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

void BM_Teaser(benchmark::State& state) {
  const auto clip = bench_clip();
  if (clip.empty()) return state.SkipWithError("no clip");
  const media::ProbeResult probe = media::probe(clip);
  const double length = probe.duration_seconds;
  // Five pieces spread over the clip, as five best shots would be.
  std::vector<preview::TeaserPiece> pieces;
  for (int i = 0; i < 5; ++i) {
    const double start = length * (0.1 + 0.18 * i);
    pieces.push_back({media::RationalTime::from_seconds(start, AVRational{1, 1000}),
                      media::RationalTime::from_seconds(start + 1.5, AVRational{1, 1000})});
  }
  const auto folder = std::filesystem::temp_directory_path() / "pressreel-bench-teaser";
  double cpu = 0, wall = 0;
  for (auto _ : state) {
    const double cpu_before = cpu_seconds();
    const auto started = std::chrono::steady_clock::now();
    preview::make_teaser(probe, pieces, folder);
    wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    cpu += cpu_seconds() - cpu_before;
  }
  std::filesystem::remove_all(folder);
  const double cores = std::max(1u, std::thread::hardware_concurrency());
  state.counters["cpu_s"] = benchmark::Counter(cpu, benchmark::Counter::kAvgIterations);
  state.counters["util"] = cpu / wall / cores;
}
BENCHMARK(BM_Teaser)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
