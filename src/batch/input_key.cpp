#include "batch/input_key.hpp"

#include <fmt/format.h>
#include <xxhash.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <vector>

namespace pressreel::batch {
namespace {

struct StateDeleter {
  void operator()(XXH3_state_t* s) const { XXH3_freeState(s); }
};

}  // namespace

std::string content_hash(const std::filesystem::path& file, const std::atomic<bool>* cancel) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot read for hashing", file.string()));
  std::unique_ptr<XXH3_state_t, StateDeleter> state(XXH3_createState());
  if (!state) throw std::bad_alloc();
  XXH3_64bits_reset(state.get());
  std::vector<char> buffer(1 << 20);
  while (in) {
    if (cancel != nullptr && cancel->load()) throw std::runtime_error(fmt::format("{}: hashing cancelled", file.string()));
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    XXH3_64bits_update(state.get(), buffer.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) throw std::runtime_error(fmt::format("{}: read error while hashing", file.string()));
  return fmt::format("{:016x}", XXH3_64bits_digest(state.get()));
}

std::string text_hash(const std::string& text) { return fmt::format("{:016x}", XXH3_64bits(text.data(), text.size())); }

nlohmann::json to_json(const InputKey& key) {
  return {{"content_xxh3", key.content}, {"recipe_xxh3", key.recipe}, {"version", key.version}, {"faces", key.faces}};
}

std::optional<InputKey> recorded_key(const std::filesystem::path& manifest) {
  std::ifstream in(manifest);
  if (!in) return std::nullopt;
  try {
    const auto m = nlohmann::json::parse(in);
    if (m.value("status", "") != "ok" || !m.contains("input_key")) return std::nullopt;
    const auto& k = m["input_key"];
    // A manifest from before the face method was recorded has none: its clip is done again.
    return InputKey{k.at("content_xxh3").get<std::string>(), k.at("recipe_xxh3").get<std::string>(),
                    k.at("version").get<std::string>(), k.value("faces", "")};
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // unreadable: redo the clip
  }
}

}  // namespace pressreel::batch
