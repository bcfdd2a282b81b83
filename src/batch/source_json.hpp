#pragma once
// The manifest's "source": where a clip came from, for people and for programs.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace pressreel::batch {

// {"name", "path", "path_escaped"}. Name and path are for display: JSON holds only UTF-8, so bytes of
// a file name that are not UTF-8 show as U+FFFD and no longer name the file. path_escaped is the
// path's exact bytes percent-encoded as in a file: URL (RFC 3986; '/' kept), which decodes back to
// the file (Python: urllib.parse.unquote_to_bytes).
nlohmann::json source_json(const std::string& name, const std::filesystem::path& path);

}  // namespace pressreel::batch
