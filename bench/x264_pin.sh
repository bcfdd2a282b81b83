# Sourced by the benches that encode as pressreel does: the limit pressreel puts on x264's instruction
# set (x264_params in src/preview/video_encoder.cpp; bench/x264_heap_garbage.sh shows why), and whether
# this CPU has the AVX-512 that limit applies to (as FFmpeg's AV_CPU_FLAG_AVX512 counts it).
x264_avx2_pin=":asm=avx2,fma3,bmi2,lzcnt"
cpu_has_avx512() {
  local flag
  for flag in avx512f avx512cd avx512bw avx512dq avx512vl; do grep -qw "$flag" /proc/cpuinfo || return 1; done
}
