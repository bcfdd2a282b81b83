#include "batch/gallery_escape.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "io/atomic_file.hpp"

namespace pressreel::batch {

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
