#include "batch/slug.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "text/utf8.hpp"

namespace pressreel::batch {
namespace {

constexpr size_t max_slug_bytes = 96;

// Characters that are invisible or reorder text in a folder name: C1 controls, spaces and
// separators, zero-width and bidirectional controls (U+202E shows "evil\u202Egnp.mp4" as
// "evilpng.mp4"), the BOM, variation selectors, tags, private use and non-characters.
bool is_unsafe(char32_t c) {
  return c <= 0xA0 || c == 0xAD || c == 0x1680 || c == 0x180E || (c >= 0x2000 && c <= 0x200F) ||
         (c >= 0x2028 && c <= 0x202F) || (c >= 0x205F && c <= 0x206F) || c == 0x3000 || (c >= 0xE000 && c <= 0xF8FF) ||
         (c >= 0xFDD0 && c <= 0xFDEF) || (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF || (c >= 0xFFF0 && c <= 0xFFFF) ||
         (c & 0xFFFE) == 0xFFFE || (c >= 0xE0000 && c <= 0xE01EF) || c >= 0xF0000;
}

}  // namespace

std::string slugify(std::string_view name) {
  std::string out;
  bool dash = false;
  // Invalid bytes decode to U+FFFD, which is_unsafe turns into a separator like any unsafe character.
  for (const char32_t c : text::decode_utf8(name)) {
    std::string piece;
    if (c < 0x80) {
      const auto ascii = static_cast<unsigned char>(c);
      if (std::isalnum(ascii) || c == '_' || (c == '.' && !out.empty())) piece = static_cast<char>(std::tolower(ascii));
    } else if (!is_unsafe(c)) {
      piece = text::encode_utf8(std::u32string_view(&c, 1));  // letters of every script are kept whole
    }
    if (piece.empty()) {
      dash = true;
      continue;
    }
    if (dash && !out.empty()) out += '-';
    dash = false;
    if (out.size() + piece.size() > max_slug_bytes) break;
    out += piece;
  }
  // No "..", no trailing dots (Windows shares, and "a.." tricks).
  out.erase(std::unique(out.begin(), out.end(), [](char a, char b) { return a == '.' && b == '.'; }), out.end());
  while (!out.empty() && (out.back() == '.' || out.back() == '-')) out.pop_back();
  return out.empty() ? "untitled" : out;
}

std::string unique_slug(std::string_view name, std::set<std::string>& taken) {
  const std::string base = slugify(name);
  std::string slug = base;
  for (int n = 2; taken.contains(slug); ++n) slug = fmt::format("{}-{}", base, n);
  taken.insert(slug);
  return slug;
}

}  // namespace pressreel::batch
