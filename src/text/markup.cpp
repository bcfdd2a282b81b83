#include "text/markup.hpp"

#include "text/utf8.hpp"

namespace pressreel::text {
namespace {

void apply(Unsafe action, std::string_view original, unsigned code_point, std::string& out) {
  switch (action) {
    case Unsafe::keep:
      out += original;
      break;
    case Unsafe::drop:
      break;
    case Unsafe::reference:
      out += "&#" + std::to_string(code_point) + ";";
      break;
    case Unsafe::question_mark:
      out += '?';
      break;
    case Unsafe::replacement_char:
      out += "\xEF\xBF\xBD";
      break;
  }
}

// The bytes walked over: C1 controls are the two-byte sequences C2 80-C2 9F; every other byte at or
// above 0x80 is passed on, so valid UTF-8 (and, where not repaired, invalid bytes) stays as it is.
std::string escape_bytes(std::string_view text, const MarkupRules& rules) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '&':
        out += "&amp;";
        continue;
      case '<':
        out += "&lt;";
        continue;
      case '>':
        out += "&gt;";
        continue;
      case '"':
        out += "&quot;";
        continue;
      case '\'':
        out += rules.apostrophe;
        continue;
      default:
        break;
    }
    if (byte == 0) {
      apply(rules.nul, text.substr(i, 1), byte, out);
    } else if (byte == '\t' || byte == '\n' || byte == '\r') {
      apply(rules.whitespace, text.substr(i, 1), byte, out);
    } else if (byte < 0x20) {
      apply(rules.c0_control, text.substr(i, 1), byte, out);
    } else if (byte == 0x7f) {
      apply(rules.del, text.substr(i, 1), byte, out);
    } else if (byte == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      apply(rules.c1_control, text.substr(i, 2), static_cast<unsigned char>(text[i + 1]), out);
      ++i;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string escape_markup(std::string_view text, const MarkupRules& rules) {
  if (rules.repair_utf8) return escape_bytes(encode_utf8(decode_utf8(text)), rules);
  return escape_bytes(text, rules);
}

}  // namespace pressreel::text
