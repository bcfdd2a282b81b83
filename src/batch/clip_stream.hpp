#pragma once
// The clip's adaptive stream (stream/: HLS + DASH) from its written H.264 previews.

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pressreel/batch/recipe.hpp"
#include "pressreel/preview/options.hpp"

namespace pressreel::batch {

// Packages the H.264 MP4 renditions among `written` (best first) into `folder`/stream/ and returns the
// manifest's "stream" entry; null when the recipe makes no stream or no rendition is H.264 in MP4
// (VP9/AV1 WebM renditions stay progressive). A stream folder an earlier run left is removed then.
nlohmann::json write_clip_stream(const std::filesystem::path& folder, const std::vector<preview::PlannedRendition>& written,
                                 const Recipe& recipe, const std::string& clip);

}  // namespace pressreel::batch
