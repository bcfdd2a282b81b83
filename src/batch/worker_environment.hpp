#pragma once
// The environment a clip worker starts with: the batch's, with glibc's malloc asked to back its heap
// with transparent huge pages (GLIBC_TUNABLES glibc.malloc.hugetlb=1), unless the user set that
// tunable. A worker is a fresh process: every page it writes (decoded frames, the encoders' buffers,
// the WebP encoder's per-frame allocations) is faulted in anew, where clips run inside one process
// reuse the heap the clip before them freed. On the 2-core VMs measured, those faults were most of
// what isolation costs (bench/isolation_overhead.sh: twice the kernel time of an in-process run); 2 MB
// pages make a fault per 2 MB instead of per 4 kB. glibc reads the tunable only when a process
// starts, so it reaches the workers through an exec: of the fork server, or of an exec'd worker.
// Where the kernel's THP mode is `never`, the tunable does nothing.

#include <string>
#include <vector>

namespace pressreel::batch {

inline constexpr const char* huge_page_tunable = "glibc.malloc.hugetlb=1";

// `environment` (NAME=value entries) with the tunable added to GLIBC_TUNABLES.
std::vector<std::string> worker_environment(const std::vector<std::string>& environment);
// This process's environment, so amended.
std::vector<std::string> worker_environment();

// Null-terminated pointers into `entries`, for exec.
std::vector<char*> exec_pointers(std::vector<std::string>& entries);

}  // namespace pressreel::batch
