#pragma once
// CPU time, for the debug log's accounts of what a step cost beside wall time: on a machine whose cores
// are all busy (encoders beside the analysis), a step's CPU is what it takes from the others.

namespace pressreel::media {

// Seconds of CPU the calling thread has used so far.
double thread_cpu_seconds();
// Seconds of CPU the whole process (every thread) has used so far.
double process_cpu_seconds();

}  // namespace pressreel::media
