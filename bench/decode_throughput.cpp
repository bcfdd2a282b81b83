// Decode-core throughput: the single decode pass with one trivial consumer, as `pressreel run`
// drives it. Prints frames, seconds and frames per second; bench/decode_vs_ffmpeg.sh compares it
// with `ffmpeg -f null` on the same clip and thread count.
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <iostream>

#include "pressreel/media/decode_pass.hpp"

namespace {

// Touches one byte of each picture so nothing can be skipped.
class ChecksumSink : public pressreel::media::FrameSink {
 public:
  std::string_view name() const override { return "checksum"; }
  void on_frame(const pressreel::media::VideoFrame& frame, std::any&) override { sum += frame.picture->data[0][0]; }
  uint64_t sum = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: decode_throughput CLIP [THREADS]\n";
    return 2;
  }
  using namespace pressreel::media;
  const ProbeResult probe = pressreel::media::probe(argv[1]);
  DecodePassOptions options;
  options.decoder.threads = argc > 2 ? std::atoi(argv[2]) : 0;
  ChecksumSink sink;
  FrameSink* sinks[] = {&sink};
  const auto start = std::chrono::steady_clock::now();
  const DecodeSummary summary = run_decode_pass(probe, sinks, options);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << fmt::format("{} frames {:.3f} s {:.1f} fps\n", summary.frames, seconds, summary.frames / seconds);
  return 0;
}
