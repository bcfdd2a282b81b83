#pragma once

namespace pressreel::media {

// Routes libav's own log lines into spdlog (at debug level: pressreel reports errors itself, with
// the clip and the stage, so libav's lines are detail for whoever asks for it).
void route_libav_logs_to_spdlog();

}  // namespace pressreel::media
