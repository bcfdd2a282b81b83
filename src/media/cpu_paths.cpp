#include "pressreel/media/cpu_paths.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <cstring>
#include <mutex>
#include <string>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

extern "C" {
#include <libavutil/cpu.h>
}

namespace pressreel::media {
namespace {

struct CpuId {
  std::string vendor;
  int family = 0;
  int model = 0;
};

CpuId read_cpuid() {
  CpuId id;
#if defined(__x86_64__) || defined(__i386__)
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(0, &eax, &ebx, &ecx, &edx) == 0) return id;
  std::array<char, 12> vendor{};
  std::memcpy(vendor.data(), &ebx, 4);
  std::memcpy(vendor.data() + 4, &edx, 4);
  std::memcpy(vendor.data() + 8, &ecx, 4);
  id.vendor.assign(vendor.data(), vendor.size());
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0) return id;
  // The displayed family and model: the extended fields count only from family 15 (and 6 for the model).
  const int base_family = static_cast<int>((eax >> 8) & 0xf);
  const int base_model = static_cast<int>((eax >> 4) & 0xf);
  id.family = base_family == 0xf ? base_family + static_cast<int>((eax >> 20) & 0xff) : base_family;
  id.model = base_family == 0x6 || base_family == 0xf ? base_model + static_cast<int>(((eax >> 16) & 0xf) << 4)
                                                      : base_model;
#endif
  return id;
}

}  // namespace

bool gathers_are_slow(std::string_view vendor, int family, int model) {
  if (vendor == "AuthenticAMD") return true;
  return vendor == "GenuineIntel" && family == 6 && model < 70;
}

bool prefer_gather_free_paths() {
  static std::once_flag once;
  static bool set = false;
  std::call_once(once, [] {
    const int flags = av_get_cpu_flags();
    if (!(flags & AV_CPU_FLAG_AVX2) || (flags & AV_CPU_FLAG_SLOW_GATHER)) return;
    const CpuId id = read_cpuid();
    if (!gathers_are_slow(id.vendor, id.family, id.model)) return;
    av_force_cpu_flags(flags | AV_CPU_FLAG_SLOW_GATHER);
    set = true;
    spdlog::debug("libav: {} family {:#x} model {:#x} has slow AVX2 gathers: swscale scales without them",
                  id.vendor, id.family, id.model);
  });
  return set;
}

void use_gather_paths(bool gathers) {
  av_force_cpu_flags(-1);
  const int flags = av_get_cpu_flags();
  av_force_cpu_flags(gathers ? flags & ~AV_CPU_FLAG_SLOW_GATHER : flags | AV_CPU_FLAG_SLOW_GATHER);
}

}  // namespace pressreel::media
