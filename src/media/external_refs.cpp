#include "media/external_refs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <fstream>

namespace pressreel::media {
namespace {

struct Box {
  uint64_t start = 0, size = 0;
  unsigned header = 8;
  std::string type;
  uint64_t body() const { return start + header; }
  uint64_t end() const { return start + size; }
};

uint64_t big_endian(const unsigned char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = v << 8 | p[i];
  return v;
}

class BoxReader {
 public:
  explicit BoxReader(const std::filesystem::path& path) : in_(path, std::ios::binary) {}
  explicit operator bool() const { return static_cast<bool>(in_); }

  // The box starting at `at`, if it fits in [at, end).
  std::optional<Box> box(uint64_t at, uint64_t end) {
    std::array<unsigned char, 16> h{};
    if (at + 8 > end || !read(at, h.data(), 8)) return std::nullopt;
    Box b{at, big_endian(h.data(), 4), 8, std::string(reinterpret_cast<const char*>(h.data()) + 4, 4)};
    if (b.size == 1) {  // 64-bit size follows the type
      if (!read(at + 8, h.data() + 8, 8)) return std::nullopt;
      b.size = big_endian(h.data() + 8, 8);
      b.header = 16;
    } else if (b.size == 0) {  // to the end of the enclosing box
      b.size = end - at;
    }
    if (b.size < b.header || b.size > end - at) return std::nullopt;
    return b;
  }

  std::optional<uint64_t> u32(uint64_t at) {
    std::array<unsigned char, 4> v{};
    if (!read(at, v.data(), 4)) return std::nullopt;
    return big_endian(v.data(), 4);
  }

 private:
  bool read(uint64_t at, unsigned char* out, std::streamsize n) {
    in_.clear();
    in_.seekg(static_cast<std::streamoff>(at));
    in_.read(reinterpret_cast<char*>(out), n);
    return in_.gcount() == n;
  }

  std::ifstream in_;
};

// The first entry of a 'dref' box that names another file, as its type: not flagged self-contained
// (flag 1) and with a location after its flags (some muxers write an empty, unflagged 'url ', which
// every player reads as self-contained).
std::optional<std::string> external_entry(BoxReader& reader, const Box& dref) {
  const auto count = reader.u32(dref.body() + 4);  // after version and flags
  uint64_t at = dref.body() + 8;
  for (uint64_t i = 0; count && i < std::min<uint64_t>(*count, 1024); ++i) {
    const auto entry = reader.box(at, dref.end());
    if (!entry) break;
    const auto flags = reader.u32(entry->body());
    if (flags && (*flags & 1) == 0 && entry->size - entry->header > 5) return entry->type;
    at = entry->end();
  }
  return std::nullopt;
}

// Walks moov/trak/mdia/minf/dinf/dref; `track` counts 'trak' boxes in moov (FFmpeg's stream order).
std::optional<std::string> find_external(BoxReader& reader, uint64_t begin, uint64_t end, int depth, int& track) {
  for (uint64_t at = begin; depth < 8;) {
    const auto box = reader.box(at, end);
    if (!box) break;
    if (box->type == "trak") ++track;
    if (box->type == "dref") {
      if (auto type = external_entry(reader, *box)) {
        return fmt::format("track {}'s samples are in another file (data reference '{}'), which is never followed",
                           track, *type);
      }
    } else if (box->type == "moov" || box->type == "trak" || box->type == "mdia" || box->type == "minf" ||
               box->type == "dinf") {
      if (auto found = find_external(reader, box->body(), box->end(), depth + 1, track)) return found;
    }
    at = box->end();
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> external_data_reference(const std::filesystem::path& path) {
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  BoxReader reader(path);
  if (ec || !reader) return std::nullopt;
  int track = -1;
  return find_external(reader, 0, size, 0, track);
}

}  // namespace pressreel::media
