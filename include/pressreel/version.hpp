#pragma once

namespace pressreel {

// The version recorded in manifests; a new version reprocesses clips on incremental runs.
inline const char* version() { return PRESSREEL_VERSION; }

}  // namespace pressreel
