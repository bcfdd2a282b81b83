#pragma once
// Every output is written to a temporary name in its own folder and renamed into place, so a reader
// (or a rerun after kill -9) sees either the whole file or none of it.

#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace pressreel::io {

// A temporary sibling name for `final_path`: ".<name>.tmp-<random>" in the same folder. Such names
// are recognised (and removed) as leftovers of an interrupted run.
std::filesystem::path temporary_path_for(const std::filesystem::path& final_path);
bool is_temporary_name(const std::filesystem::path& path);

// Flushes `temporary` to disk and renames it to `final_path` (replacing an older one). On failure
// (a full disk may only show at the flush) removes `temporary` and throws naming `final_path`.
void commit_file(const std::filesystem::path& temporary, const std::filesystem::path& final_path);

// Writes bytes atomically; creates the parent folder. Throws std::runtime_error naming the path and
// the cause (e.g. "No space left on device"), leaving no partial file.
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);
// JSON as text, indented by 2 (-1: one line), for files, terminals and pages. Strings that are not
// valid UTF-8 (names and metadata come from untrusted clips) get U+FFFD in place of the bad bytes
// instead of failing.
std::string json_text(const nlohmann::json& json, int indent = 2);
// write_file_atomic of json_text(json) and a newline.
void write_json_atomic(const std::filesystem::path& path, const nlohmann::json& json);

// Removes leftover temporary files and folders under `folder` (recursively); returns how many.
int remove_temporary_files(const std::filesystem::path& folder);

}  // namespace pressreel::io
