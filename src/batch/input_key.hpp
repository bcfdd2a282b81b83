#pragma once
// What a clip's outputs depend on: the clip's bytes, the recipe's effective settings, the pressreel
// version and the face detector found at run time. Unchanged key + complete manifest = nothing to redo.

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace pressreel::batch {

// XXH3-64 of the file's bytes, as 16 hex digits. Throws std::runtime_error when unreadable, or
// once `cancel` is set (a huge or sparse file must not outlast its clip's watchdog).
std::string content_hash(const std::filesystem::path& file, const std::atomic<bool>* cancel = nullptr);
// XXH3-64 of a string, as 16 hex digits.
std::string text_hash(const std::string& text);

struct InputKey {
  std::string content;  // content_hash of the clip
  std::string recipe;   // text_hash of the recipe's effective settings
  std::string version;  // pressreel version
  std::string faces;    // stills::face_method_in_use(): "blazeface" or "haar"
  bool operator==(const InputKey&) const = default;
};

nlohmann::json to_json(const InputKey& key);
// The key recorded in a complete manifest with status "ok"; nullopt when there is none.
std::optional<InputKey> recorded_key(const std::filesystem::path& manifest);

}  // namespace pressreel::batch
