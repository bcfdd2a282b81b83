#pragma once
// Reading OUT back: the film and clip folders and the JSON files in them (catalog, merge, gallery).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pressreel::batch {

// Subfolders of `folder`, sorted, hidden ones (temporary, dot-files) left out.
std::vector<std::filesystem::path> sorted_subfolders(const std::filesystem::path& folder);

// The parsed file, or nullopt when it is missing or unreadable (logged as a warning).
std::optional<nlohmann::json> read_json_file(const std::filesystem::path& path);

// OUT may hold manifests pressreel did not write as they are (another version, a hand edit, a copy cut
// short): each field is read only when it has the expected type, else the default is used.
const nlohmann::json& member(const nlohmann::json& object, const char* key);  // null when absent
nlohmann::json object_member(const nlohmann::json& object, const char* key);  // {} unless an object
std::string string_member(const nlohmann::json& object, const char* key, const std::string& fallback);
double number_member(const nlohmann::json& object, const char* key);  // 0 unless a number

}  // namespace pressreel::batch
