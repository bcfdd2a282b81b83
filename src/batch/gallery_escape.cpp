#include "pressreel/batch/gallery_escape.hpp"

#include <nlohmann/json.hpp>

#include "pressreel/batch/atomic_file.hpp"

namespace pressreel::batch {

std::string escape_html_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string escape_html_attr(std::string_view value) {
  // The same set as text, plus control characters (a stray newline in a title would be legal but
  // surprising in a meta tag); a NUL never reaches the page.
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == 0) continue;
    if (byte < 0x20 || byte == 0x7f) {
      out += "&#" + std::to_string(byte) + ";";
      continue;
    }
    out += escape_html_text(std::string_view(&c, 1));
  }
  return out;
}

std::string json_for_script(const nlohmann::json& value, int indent) {
  const std::string text = json_text(value, indent);
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
