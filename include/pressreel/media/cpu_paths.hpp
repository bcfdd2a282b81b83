#pragma once
// Which of libav's SIMD paths this process uses, where libav's own choice is slower than another that
// gives the same bytes.

#include <string_view>

namespace pressreel::media {

// Whether a CPU's AVX2 gathers are slower than the loads they replace: every AMD core (OpenColorIO's
// CPU table says so of Zen 3 and earlier; on a Zen 5 EPYC, build/scaler_paths measured the scenes'
// planes and the stills' BGR a fifth faster without gathers, a 480p rendition the same) and Intel's
// Haswell (family 6, model < 70, as libav has it). In the web recipe's pass this took a fifth off
// swscale's CPU time.
bool gathers_are_slow(std::string_view vendor, int family, int model);

// Tells libav, once per process and before any scaler is made, when this CPU's gathers are slow:
// swscale's horizontal scalers then use their SSE/AVX paths, not the AVX2 gather ones. libav 5.1
// knows this only for Haswell. Both paths are bit-exact (FFmpeg's checkasm holds them to the C
// code), so outputs stay byte for byte the same. Returns whether the flag was set.
bool prefer_gather_free_paths();

// For the benches and tests that compare the two paths: libav's own flags, detected afresh, with the
// slow-gather flag cleared (`gathers`) or set. Scalers made afterwards pick their functions from them;
// av_force_cpu_flags(-1) goes back to libav's detection.
void use_gather_paths(bool gathers);

}  // namespace pressreel::media
