#include "text/utf8.hpp"

namespace pressreel::text {
namespace {

// Length of the sequence a lead byte announces and the valid range of its second byte
// (Unicode Table 3-7, "Well-Formed UTF-8 Byte Sequences"); 0 for bytes that cannot start one.
struct Lead {
  int length;
  unsigned char second_min, second_max;
};

Lead lead_of(unsigned char b) {
  if (b < 0x80) return {1, 0, 0};
  if (b >= 0xC2 && b <= 0xDF) return {2, 0x80, 0xBF};
  if (b == 0xE0) return {3, 0xA0, 0xBF};  // no overlongs
  if (b == 0xED) return {3, 0x80, 0x9F};  // no surrogates
  if (b >= 0xE1 && b <= 0xEF) return {3, 0x80, 0xBF};
  if (b == 0xF0) return {4, 0x90, 0xBF};
  if (b >= 0xF1 && b <= 0xF3) return {4, 0x80, 0xBF};
  if (b == 0xF4) return {4, 0x80, 0x8F};  // nothing above U+10FFFF
  return {0, 0, 0};
}

bool is_control(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

}  // namespace

std::u32string decode_utf8(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    const Lead lead = lead_of(b);
    if (lead.length == 1) {
      out.push_back(b);
      ++i;
      continue;
    }
    if (lead.length == 0) {
      out.push_back(replacement_character);
      ++i;
      continue;
    }
    char32_t c = b & (0xFF >> (lead.length + 1));
    int taken = 1;
    for (; taken < lead.length && i + taken < text.size(); ++taken) {
      const auto cont = static_cast<unsigned char>(text[i + taken]);
      const bool ok =
          taken == 1 ? (cont >= lead.second_min && cont <= lead.second_max) : (cont >= 0x80 && cont <= 0xBF);
      if (!ok) break;
      c = (c << 6) | (cont & 0x3F);
    }
    // A truncated or broken sequence is replaced as a whole; decoding resumes at the byte that broke it.
    out.push_back(taken == lead.length ? c : replacement_character);
    i += taken;
  }
  return out;
}

std::string encode_utf8(std::u32string_view code_points) {
  std::string out;
  out.reserve(code_points.size());
  for (char32_t c : code_points) {
    if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) c = replacement_character;
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

std::string sanitize_utf8(std::string_view text) {
  std::u32string code_points = decode_utf8(text);
  for (char32_t& c : code_points) {
    if (is_control(c)) c = U' ';
  }
  return encode_utf8(code_points);
}

}  // namespace pressreel::text
