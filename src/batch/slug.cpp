#include "pressreel/batch/slug.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace pressreel::batch {
namespace {

constexpr size_t max_slug_bytes = 96;

// Length of the valid UTF-8 sequence starting at s[i] (a non-ASCII letter or symbol), or 0.
size_t utf8_sequence(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  const size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
  if (len == 0 || c > 0xF4 || i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  return len;
}

}  // namespace

std::string slugify(std::string_view name) {
  std::string out;
  bool dash = false;
  for (size_t i = 0; i < name.size();) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c >= 0x80) {
      const size_t len = utf8_sequence(name, i);
      if (len == 0) {  // invalid byte: a separator, like any other unsafe character
        dash = true;
        ++i;
        continue;
      }
      // U+00A0..U+00BF and the like are punctuation, but letters of every script are kept whole.
      if (dash && !out.empty()) out += '-';
      dash = false;
      if (out.size() + len > max_slug_bytes) break;
      out.append(name.substr(i, len));
      i += len;
      continue;
    }
    const bool keep = std::isalnum(c) || c == '_' || (c == '.' && !out.empty());
    if (keep) {
      if (dash && !out.empty()) out += '-';
      dash = false;
      if (out.size() + 1 > max_slug_bytes) break;
      out += static_cast<char>(std::tolower(c));
    } else {
      dash = true;
    }
    ++i;
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
