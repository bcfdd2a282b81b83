#pragma once
// Reading OUT back: the film and clip folders and the JSON files in them (catalog, merge, gallery).

#include <filesystem>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

namespace pressreel::batch {

// Subfolders of `folder`, sorted, hidden ones (temporary, dot-files) left out.
std::vector<std::filesystem::path> sorted_subfolders(const std::filesystem::path& folder);

// The parsed file, or nullopt when it is missing or unreadable (logged as a warning).
std::optional<nlohmann::json> read_json_file(const std::filesystem::path& path);

}  // namespace pressreel::batch
