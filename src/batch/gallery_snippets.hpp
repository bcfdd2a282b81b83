#pragma once
// Ready-to-paste publishing snippets for a clip: Open Graph and Twitter card meta tags, a schema.org
// VideoObject as JSON-LD, and an embed <video> tag. Each returns HTML source, already escaped for
// where it goes; URLs are as given in VideoFacts (relative to the clip's folder, or absolute).

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace pressreel::batch {

struct VideoSource {
  std::string url;   // relative, already URL-encoded
  std::string type;  // "video/mp4", "video/webm"
  int width = 0, height = 0;
};

struct VideoFacts {
  std::string name;   // the clip (JSON-LD name, the embed's title)
  std::string title;  // what a link preview says: og:title and twitter:title; empty: the name
  std::string description;
  std::string thumbnail_url;  // the poster: relative (or absolute), URL-encoded; empty without one
  int thumbnail_width = 0, thumbnail_height = 0;
  std::string card_url;  // the og-1200x630 crop, made for link previews; empty: the poster serves
  int card_width = 0, card_height = 0;
  std::string upload_date;  // ISO 8601 date or empty
  double duration_seconds = 0;
  std::vector<VideoSource> sources;  // in the player's preference order
};

// "PT1M2.5S": ISO 8601 duration, as schema.org wants; milliseconds kept, trailing zeros dropped.
std::string iso8601_duration(double seconds);

std::string open_graph_tags(const VideoFacts& video);
nlohmann::json video_object(const VideoFacts& video);
// The <script type="application/ld+json"> element holding video_object.
std::string json_ld_script(const VideoFacts& video);
std::string embed_video_tag(const VideoFacts& video);

}  // namespace pressreel::batch
