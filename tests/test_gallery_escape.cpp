// Escaping for each context the gallery writes into, and the snippets built on it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "batch/gallery_escape.hpp"
#include "batch/gallery_snippets.hpp"
#include "text/markup.hpp"

namespace pressreel::batch {
namespace {

using text::escape_html_attr;
using text::escape_html_text;

const std::string hostile = "<img src=x onerror=alert(1)><script>alert(2)</script>";

TEST(GalleryEscape, HtmlTextTurnsMarkupIntoCharacters) {
  EXPECT_EQ(escape_html_text(hostile),
            "&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt;");
  EXPECT_EQ(escape_html_text("Tom & Jerry's \"film\""), "Tom &amp; Jerry&#39;s &quot;film&quot;");
  EXPECT_EQ(escape_html_text("Les Démons — 夜"), "Les Démons — 夜");  // UTF-8 passes untouched
}

TEST(GalleryEscape, AttributeValueCannotCloseItsQuotes) {
  const std::string value = escape_html_attr("x\" onmouseover=\"alert(1)\nnext\x01");
  EXPECT_EQ(value.find('"'), std::string::npos);
  EXPECT_EQ(value, "x&quot; onmouseover=&quot;alert(1)&#10;next&#1;");
  EXPECT_EQ(escape_html_attr(std::string("a\0b", 3)), "ab");
}

// film.toml's "\u0000" reached the page as a raw NUL byte. HTML forbids NUL and every control
// character but whitespace: none reaches the page raw.
TEST(GalleryEscape, HtmlTextCarriesNoControlCharacterHtmlForbids) {
  const std::string title("Nul\0Bell\x07" "Esc\x1b" "Del\x7f" "C1\xc2\x85" "Tab\tLine\nEnd", 33);
  EXPECT_EQ(escape_html_text(title), "NulBell&#7;Esc&#27;Del&#127;C1\xEF\xBF\xBDTab\tLine\nEnd");
  EXPECT_EQ(escape_html_attr(title), "NulBell&#7;Esc&#27;Del&#127;C1\xEF\xBF\xBDTab&#9;Line&#10;End");
  EXPECT_EQ(escape_html_text("\xc2\xa0\xc2"), "\xc2\xa0\xc2");  // U+00A0 and a cut-off byte pass as they are
  // JSON escapes C0 itself but leaves DEL and C1 raw.
  const nlohmann::json j = {{"title", title}};
  const std::string script = json_for_script(j);
  for (const std::string& raw :
       {std::string(1, '\0'), std::string("\x07"), std::string("\x7f"), std::string("\xc2\x85")}) {
    EXPECT_EQ(script.find(raw), std::string::npos) << script;
  }
  EXPECT_EQ(nlohmann::json::parse(script), j);
}

TEST(GalleryEscape, JsonInScriptCannotEndTheElement) {
  const nlohmann::json j = {{"name", "</script><script>alert(1)</script><!-- & \u2028\u2029"}};
  const std::string text = json_for_script(j);
  EXPECT_EQ(text.find('<'), std::string::npos);
  EXPECT_EQ(text.find('>'), std::string::npos);
  EXPECT_EQ(text.find('&'), std::string::npos);
  EXPECT_EQ(text.find("\xe2\x80\xa8"), std::string::npos);
  EXPECT_EQ(text.find("\xe2\x80\xa9"), std::string::npos);
  EXPECT_NE(text.find("\\u003c/script\\u003e"), std::string::npos);
  EXPECT_NE(text.find("\\u2028\\u2029"), std::string::npos);
  // Still the same JSON for a parser.
  EXPECT_EQ(nlohmann::json::parse(text), j);
}

TEST(GalleryEscape, JsonInScriptToleratesInvalidUtf8) {
  const std::string text = json_for_script(nlohmann::json("bad \xff byte"));
  EXPECT_NE(text.find("bad"), std::string::npos);
  EXPECT_TRUE(nlohmann::json::parse(text).is_string());
}

TEST(GalleryEscape, UrlSegmentPercentEncodesAllButUnreserved) {
  EXPECT_EQ(url_segment("trailer-2"), "trailer-2");
  EXPECT_EQ(url_segment("les-démons"), "les-d%C3%A9mons");
  EXPECT_EQ(url_segment("a b\"c'd"), "a%20b%22c%27d");
  EXPECT_EQ(url_segment("javascript:alert(1)"), "javascript%3Aalert%281%29");  // never a scheme
  EXPECT_EQ(url_segment("x?y#z/w"), "x%3Fy%23z%2Fw");
  EXPECT_EQ(url_segment(".."), "%2E%2E");
  EXPECT_EQ(url_segment("."), "%2E");
}

TEST(GalleryEscape, UrlPathEncodesEachSegment) {
  EXPECT_EQ(url_path("stills/shot-001.jpg"), "stills/shot-001.jpg");
  EXPECT_EQ(url_path("poster/og-1200x630.jpg"), "poster/og-1200x630.jpg");
  EXPECT_EQ(url_path("film été/clip #1/index.html"), "film%20%C3%A9t%C3%A9/clip%20%231/index.html");
}

TEST(GallerySnippets, Iso8601Duration) {
  EXPECT_EQ(iso8601_duration(0), "PT0S");
  EXPECT_EQ(iso8601_duration(30), "PT30S");
  EXPECT_EQ(iso8601_duration(62.5), "PT1M2.5S");
  EXPECT_EQ(iso8601_duration(3600), "PT1H");
  EXPECT_EQ(iso8601_duration(3723.04), "PT1H2M3.04S");
  EXPECT_EQ(iso8601_duration(-1), "PT0S");
}

VideoFacts hostile_video() {
  VideoFacts v;
  v.name = hostile;
  v.description = "Film \"quoted\" & <b>bold</b>";
  v.thumbnail_url = "poster/poster.jpg";
  v.thumbnail_width = 1920;
  v.thumbnail_height = 1080;
  v.upload_date = "2024-05-01";
  v.duration_seconds = 95.25;
  v.sources = {{"preview-720p.mp4", "video/mp4", 1280, 720}, {"preview-720p.webm", "video/webm", 1280, 720}};
  return v;
}

TEST(GallerySnippets, MetaTagsEscapeTheirContent) {
  const std::string tags = open_graph_tags(hostile_video());
  EXPECT_EQ(tags.find("<img"), std::string::npos);
  EXPECT_EQ(tags.find("<script"), std::string::npos);
  EXPECT_NE(tags.find("<meta property=\"og:title\" content=\"&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(tags.find("<meta property=\"og:image\" content=\"poster/poster.jpg\">"), std::string::npos);
  EXPECT_NE(tags.find("<meta property=\"og:video\" content=\"preview-720p.mp4\">"), std::string::npos);
  EXPECT_NE(tags.find("<meta name=\"twitter:card\" content=\"summary_large_image\">"), std::string::npos);
}

TEST(GallerySnippets, VideoObjectHasWhatSearchEnginesRead) {
  const nlohmann::json j = video_object(hostile_video());
  EXPECT_EQ(j["@type"], "VideoObject");
  EXPECT_EQ(j["name"], hostile);
  EXPECT_EQ(j["duration"], "PT1M35.25S");
  EXPECT_EQ(j["uploadDate"], "2024-05-01");
  EXPECT_EQ(j["contentUrl"], "preview-720p.mp4");
  EXPECT_EQ(j["thumbnailUrl"][0], "poster/poster.jpg");
  const std::string script = json_ld_script(hostile_video());
  EXPECT_TRUE(script.starts_with("<script type=\"application/ld+json\">"));
  // The only "<" are those of the element's own tags.
  EXPECT_EQ(std::count(script.begin(), script.end(), '<'), 2);
}

TEST(GallerySnippets, EmbedTagListsEverySource) {
  const std::string tag = embed_video_tag(hostile_video());
  EXPECT_NE(tag.find("<source src=\"preview-720p.mp4\" type=\"video/mp4\">"), std::string::npos);
  EXPECT_NE(tag.find("<source src=\"preview-720p.webm\" type=\"video/webm\">"), std::string::npos);
  EXPECT_NE(tag.find("poster=\"poster/poster.jpg\""), std::string::npos);
  EXPECT_NE(tag.find("width=\"1280\" height=\"720\""), std::string::npos);
  EXPECT_EQ(tag.find("<img"), std::string::npos);
}

}  // namespace
}  // namespace pressreel::batch
