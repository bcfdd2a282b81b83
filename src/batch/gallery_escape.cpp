#include "batch/gallery_escape.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "io/atomic_file.hpp"

namespace pressreel::batch {

namespace {

// HTML allows no NUL and no control character but whitespace in a document ("control-character-in-
// input-stream"): a NUL is dropped, the others of C0 and DEL become character references, and C1
// (U+0080-U+009F, two bytes in UTF-8) becomes U+FFFD, since a reference to one of those is read as
// a Windows-1252 character instead. None reaches the page as a raw byte.
// `all_controls` also turns tab, newline and carriage return into references (attributes).
// Returns the bytes of `text` at `i` it consumed, 0 when it is no such character.
size_t escape_control(std::string_view text, size_t i, bool all_controls, std::string& out) {
  const auto byte = static_cast<unsigned char>(text[i]);
  if (byte == 0) return 1;
  const bool whitespace = byte == '\t' || byte == '\n' || byte == '\r';
  if ((byte < 0x20 && (all_controls || !whitespace)) || byte == 0x7f) {
    out += "&#" + std::to_string(byte) + ";";
    return 1;
  }
  if (byte == 0xc2 && i + 1 < text.size()) {
    const auto next = static_cast<unsigned char>(text[i + 1]);
    if (next >= 0x80 && next <= 0x9f) {
      out += "\xEF\xBF\xBD";
      return 2;
    }
  }
  return 0;
}

std::string escape_html(std::string_view text, bool all_controls) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    if (const size_t used = escape_control(text, i, all_controls, out)) {
      i += used;
      continue;
    }
    switch (text[i]) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += text[i];
    }
    ++i;
  }
  return out;
}

}  // namespace

std::string escape_html_text(std::string_view text) { return escape_html(text, false); }

// The same set as text, plus tab, newline and carriage return (a stray newline in a title would be
// legal but surprising in a meta tag).
std::string escape_html_attr(std::string_view value) { return escape_html(value, true); }

std::string json_for_script(const nlohmann::json& value, int indent) {
  const std::string text = io::json_text(value, indent);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    // Outside strings these characters never occur in JSON, so escaping them everywhere is safe.
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xe2' && i + 2 < text.size() && text[i + 1] == '\x80' &&
               (text[i + 2] == '\xa8' || text[i + 2] == '\xa9')) {
      // U+2028/U+2029 end a line in older JavaScript parsers.
      out += text[i + 2] == '\xa8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else if (c == '\x7f') {
      out += "\\u007f";  // JSON leaves DEL and C1 raw; HTML allows neither in a document
    } else if (c == '\xc2' && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned char>(text[i + 1]));
      ++i;
    } else {
      out += c;
    }
  }
  return out;
}

std::string url_segment(std::string_view segment) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(segment.size());
  for (const char c : segment) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
                            (byte >= '0' && byte <= '9') || byte == '-' || byte == '.' || byte == '_' ||
                            byte == '~';
    if (unreserved) {
      out += c;
    } else {
      out += '%';
      out += hex[byte >> 4];
      out += hex[byte & 0xf];
    }
  }
  // "." and ".." are unreserved but mean "this/parent folder"; encoded they are plain names.
  if (out == ".") return "%2E";
  if (out == "..") return "%2E%2E";
  return out;
}

std::string url_path(std::string_view relative_path) {
  std::string out;
  size_t start = 0;
  while (true) {
    const size_t slash = relative_path.find('/', start);
    const std::string_view segment = relative_path.substr(start, slash == std::string_view::npos ? slash : slash - start);
    if (!out.empty() || start > 0) out += '/';
    out += url_segment(segment);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

}  // namespace pressreel::batch
