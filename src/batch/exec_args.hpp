#pragma once
// The argument and environment lists exec and posix_spawn take, from strings.
//
// Workers start with the batch's own environment. They once started with malloc on transparent huge
// pages (GLIBC_TUNABLES glibc.malloc.hugetlb=1), to save a fresh process's page faults; but a heap on
// huge pages keeps whole 2 MB pages resident around whatever malloc frees in them, and that grows with
// the clip: the worker's peak on a 10-minute 1080p clip was 1.13-1.15x that on a 1-minute one
// (bench/memory_long_clip.sh), against 1.07x without. The pages saved no measurable time on the bench
// trailers (bench/preview_vs_ffmpeg.sh) or the sample batch (bench/isolation_overhead.sh). A user who
// wants them still can: GLIBC_TUNABLES reaches the workers like any other variable.

#include <string>
#include <vector>

namespace pressreel::batch {

// Null-terminated pointers into `entries`, for exec.
std::vector<char*> exec_pointers(std::vector<std::string>& entries);

}  // namespace pressreel::batch
