#include "gallery_html.hpp"

#include <fmt/format.h>

#include "batch/gallery_assets.hpp"
#include "text/markup.hpp"
#include "pressreel/media/time.hpp"
#include "pressreel/version.hpp"

namespace pressreel::batch::html {

std::string page(std::string_view title, std::string_view crumbs, std::string_view body, std::string_view head_extra,
                 std::string_view script) {
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  // An empty icon, so no browser asks the server for /favicon.ico.
  out += "<link rel=\"icon\" href=\"data:,\">\n";
  out += "<title>" + text::escape_html_text(title) + " · pressreel</title>\n";
  out += head_extra;
  out += "<style>";
  out += gallery_css;
  out += "</style>\n</head>\n<body>\n<header class=\"top\"><span class=\"brand\">pressreel</span>";
  out += "<nav class=\"crumbs\">";
  out += crumbs;
  out += "</nav></header>\n<main>\n";
  out += body;
  out += "</main>\n<footer>Made by pressreel " + text::escape_html_text(version()) + ". All links are relative: copy the ";
  out += "whole folder to any static web server or open it from disk.</footer>\n";
  if (!script.empty()) {
    out += "<script>";
    out += script;
    out += "</script>\n";
  }
  out += "</body>\n</html>\n";
  return out;
}

std::string img(std::string_view url, std::string_view alt, bool lazy, int width, int height) {
  std::string out = "<img src=\"" + text::escape_html_attr(url) + "\" alt=\"" + text::escape_html_attr(alt) + "\"";
  if (width > 0 && height > 0) out += fmt::format(" width=\"{}\" height=\"{}\"", width, height);
  if (lazy) out += " loading=\"lazy\"";
  out += " decoding=\"async\">";
  return out;
}

std::string fact(std::string_view key, std::string_view value) {
  if (value.empty()) return {};
  return "<li><b>" + text::escape_html_text(key) + "</b>" + text::escape_html_text(value) + "</li>";
}

std::string timecode(double seconds) { return media::format_timecode(seconds); }

}  // namespace pressreel::batch::html
