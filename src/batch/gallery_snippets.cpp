#include "batch/gallery_snippets.hpp"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "batch/gallery_escape.hpp"
#include "text/markup.hpp"

namespace pressreel::batch {
namespace {

std::string meta(std::string_view attribute, std::string_view key, std::string_view value) {
  return fmt::format("<meta {}=\"{}\" content=\"{}\">\n", attribute, key, text::escape_html_attr(value));
}

}  // namespace

std::string iso8601_duration(double seconds) {
  auto ms = static_cast<long long>(std::llround(std::max(0.0, seconds) * 1000.0));
  const long long hours = ms / 3'600'000;
  ms %= 3'600'000;
  const long long minutes = ms / 60'000;
  ms %= 60'000;
  std::string out = "PT";
  if (hours > 0) out += fmt::format("{}H", hours);
  if (minutes > 0) out += fmt::format("{}M", minutes);
  if (ms > 0 || (hours == 0 && minutes == 0)) {
    std::string s = fmt::format("{}.{:03}", ms / 1000, ms % 1000);
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    out += s + "S";
  }
  return out;
}

std::string open_graph_tags(const VideoFacts& video) {
  std::string out;
  out += meta("property", "og:type", "video.other");
  const std::string& title = video.title.empty() ? video.name : video.title;
  out += meta("property", "og:title", title);
  if (!video.description.empty()) out += meta("property", "og:description", video.description);
  const bool card = !video.card_url.empty();
  const std::string& image = card ? video.card_url : video.thumbnail_url;
  const int width = card ? video.card_width : video.thumbnail_width;
  const int height = card ? video.card_height : video.thumbnail_height;
  if (!image.empty()) {
    out += meta("property", "og:image", image);
    if (width > 0) {
      out += meta("property", "og:image:width", std::to_string(width));
      out += meta("property", "og:image:height", std::to_string(height));
    }
  }
  if (!video.sources.empty()) {
    const VideoSource& first = video.sources.front();
    out += meta("property", "og:video", first.url);
    out += meta("property", "og:video:type", first.type);
    if (first.width > 0) {
      out += meta("property", "og:video:width", std::to_string(first.width));
      out += meta("property", "og:video:height", std::to_string(first.height));
    }
  }
  out += meta("name", "twitter:card", image.empty() ? "summary" : "summary_large_image");
  out += meta("name", "twitter:title", title);
  if (!video.description.empty()) out += meta("name", "twitter:description", video.description);
  if (!image.empty()) out += meta("name", "twitter:image", image);
  return out;
}

nlohmann::json video_object(const VideoFacts& video) {
  nlohmann::json j = {{"@context", "https://schema.org"},
                      {"@type", "VideoObject"},
                      {"name", video.name},
                      {"description", video.description.empty() ? video.name : video.description},
                      {"duration", iso8601_duration(video.duration_seconds)}};
  if (!video.thumbnail_url.empty()) {
    j["thumbnailUrl"] = nlohmann::json::array({video.thumbnail_url});
    if (!video.card_url.empty()) j["thumbnailUrl"].push_back(video.card_url);
  }
  if (!video.upload_date.empty()) j["uploadDate"] = video.upload_date;
  if (!video.sources.empty()) j["contentUrl"] = video.sources.front().url;
  return j;
}

std::string json_ld_script(const VideoFacts& video) {
  return "<script type=\"application/ld+json\">\n" + json_for_script(video_object(video), 2) + "\n</script>\n";
}

std::string embed_video_tag(const VideoFacts& video) {
  std::string out = "<video controls preload=\"metadata\" playsinline";
  if (!video.thumbnail_url.empty()) out += " poster=\"" + text::escape_html_attr(video.thumbnail_url) + "\"";
  if (!video.sources.empty() && video.sources.front().width > 0) {
    out += fmt::format(" width=\"{}\" height=\"{}\"", video.sources.front().width, video.sources.front().height);
  }
  out += " title=\"" + text::escape_html_attr(video.name) + "\">\n";
  for (const VideoSource& s : video.sources) {
    out += "  <source src=\"" + text::escape_html_attr(s.url) + "\" type=\"" + text::escape_html_attr(s.type) + "\">\n";
  }
  out += "</video>\n";
  return out;
}

}  // namespace pressreel::batch
