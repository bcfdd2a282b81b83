#include "batch/out_tree.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>

namespace pressreel::batch {

namespace fs = std::filesystem;

std::vector<fs::path> sorted_subfolders(const fs::path& folder) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(folder, ec)) {
    if (e.is_directory(ec) && !e.path().filename().string().starts_with(".")) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<nlohmann::json> read_json_file(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    spdlog::warn("{}: unreadable JSON: {}", path.string(), e.what());
    return std::nullopt;
  }
}

const nlohmann::json& member(const nlohmann::json& object, const char* key) {
  static const nlohmann::json missing;
  if (!object.is_object()) return missing;
  const auto it = object.find(key);
  return it == object.end() ? missing : *it;
}

nlohmann::json object_member(const nlohmann::json& object, const char* key) {
  const nlohmann::json& m = member(object, key);
  return m.is_object() ? m : nlohmann::json::object();
}

std::string string_member(const nlohmann::json& object, const char* key, const std::string& fallback) {
  const nlohmann::json& m = member(object, key);
  return m.is_string() ? m.get<std::string>() : fallback;
}

double number_member(const nlohmann::json& object, const char* key) {
  const nlohmann::json& m = member(object, key);
  return m.is_number() ? m.get<double>() : 0.0;
}

}  // namespace pressreel::batch
