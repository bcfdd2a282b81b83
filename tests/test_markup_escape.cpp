// The escaper family for HTML and XML (text/markup.hpp): the same hostile strings through each, so
// every row of the header's table where the languages differ is checked here, and the JUnit report
// written with it.
#include <gtest/gtest.h>

#include <string>

#include "pressreel/batch/batch_run.hpp"
#include "text/markup.hpp"
#include "text/utf8.hpp"

namespace pressreel::text {
namespace {

std::string bytes(const char* data, size_t size) {
  return std::string(data, size);
}

TEST(MarkupEscape, MarkupCharactersAreEscapedAlikeButTheApostrophe) {
  const std::string title = "<b>Tom & Jerry's \"film\"</b>";
  EXPECT_EQ(escape_html_text(title), "&lt;b&gt;Tom &amp; Jerry&#39;s &quot;film&quot;&lt;/b&gt;");
  EXPECT_EQ(escape_html_attr(title), "&lt;b&gt;Tom &amp; Jerry&#39;s &quot;film&quot;&lt;/b&gt;");
  EXPECT_EQ(escape_xml(title), "&lt;b&gt;Tom &amp; Jerry&apos;s &quot;film&quot;&lt;/b&gt;");
  // An entity in the input is text, not markup: its ampersand is escaped once more.
  EXPECT_EQ(escape_xml("&amp;"), "&amp;amp;");
  EXPECT_EQ(escape_html_text("&#39;"), "&amp;#39;");
}

TEST(MarkupEscape, ValidUtf8PassesUntouchedEverywhere) {
  const std::string name = "Les Démons — 夜 \xF0\x9F\x8E\xAC \xC2\xA0";  // with a clapper board and NBSP
  EXPECT_EQ(escape_html_text(name), name);
  EXPECT_EQ(escape_html_attr(name), name);
  EXPECT_EQ(escape_xml(name), name);
}

TEST(MarkupEscape, NulIsDroppedInHtmlAndAQuestionMarkInXml) {
  const std::string name = bytes("a\0b", 3);
  EXPECT_EQ(escape_html_text(name), "ab");
  EXPECT_EQ(escape_html_attr(name), "ab");
  EXPECT_EQ(escape_xml(name), "a?b");
}

TEST(MarkupEscape, ControlCharactersAreReferencesInHtmlAndQuestionMarksInXml) {
  const std::string name =
      "bell\x07"
      "esc\x1b"
      "us\x1f";
  EXPECT_EQ(escape_html_text(name), "bell&#7;esc&#27;us&#31;");
  EXPECT_EQ(escape_html_attr(name), "bell&#7;esc&#27;us&#31;");
  // XML 1.0 has no character U+0001-U+001F but whitespace, not even as a reference.
  EXPECT_EQ(escape_xml(name), "bell?esc?us?");
}

TEST(MarkupEscape, WhitespaceIsAReferenceOnlyInHtmlAttributes) {
  const std::string name = "tab\tline\ncr\r";
  EXPECT_EQ(escape_html_text(name), name);
  EXPECT_EQ(escape_html_attr(name), "tab&#9;line&#10;cr&#13;");
  EXPECT_EQ(escape_xml(name), name);
}

TEST(MarkupEscape, DelAndC1AreReplacedInHtmlAndKeptInXml) {
  const std::string name =
      "del\x7f"
      "nel\xC2\x85"
      "c1\xC2\x9F"
      "nbsp\xC2\xA0";
  // &#133; would be read as Windows-1252's "…", so C1 becomes U+FFFD; NBSP (C2 A0) is no control.
  EXPECT_EQ(escape_html_text(name),
            "del&#127;nel\xEF\xBF\xBD"
            "c1\xEF\xBF\xBD"
            "nbsp\xC2\xA0");
  EXPECT_EQ(escape_html_attr(name),
            "del&#127;nel\xEF\xBF\xBD"
            "c1\xEF\xBF\xBD"
            "nbsp\xC2\xA0");
  EXPECT_EQ(escape_xml(name), name);  // XML 1.0 allows DEL and C1
}

TEST(MarkupEscape, InvalidUtf8IsRepairedInXmlAndLeftAsBytesInHtml) {
  const std::string r = "\xEF\xBF\xBD";
  // Overlong '/', a cut-off three-byte sequence, a byte that is never UTF-8, a surrogate.
  const std::string name =
      "a\xC0\xAF"
      "b\xE2\x82"
      "c\xFF"
      "d\xED\xA0\x80"
      "e";
  // Each bad sequence becomes U+FFFD (EF BF BD), written out: GCC 12 warns (-Warray-bounds, falsely)
  // on a long chain of std::string operator+.
  EXPECT_EQ(escape_xml(name),
            "a"
            "\xEF\xBF\xBD\xEF\xBF\xBD"
            "b"
            "\xEF\xBF\xBD"
            "c"
            "\xEF\xBF\xBD"
            "d"
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
            "e");
  EXPECT_EQ(encode_utf8(decode_utf8(escape_xml(name))), escape_xml(name));  // valid UTF-8 now
  EXPECT_EQ(escape_html_text(name), name);
  EXPECT_EQ(escape_html_attr(name), name);
  // A cut-off sequence before a markup character does not swallow it.
  EXPECT_EQ(escape_xml("\xE2\x82<"), r + "&lt;");
  EXPECT_EQ(escape_html_text("\xE2\x82<"), "\xE2\x82&lt;");
}

TEST(MarkupEscape, RulesCanBeCombinedForAnotherContext) {
  // XML's characters with HTML's apostrophe: the table is data, each row independent.
  MarkupRules rules = xml_rules;
  rules.apostrophe = "&#39;";
  EXPECT_EQ(escape_markup(bytes("'\0", 2), rules), "&#39;?");
}

TEST(JunitReport, EscapesNamesAndErrorsAsXml) {
  batch::RunReport report;
  batch::ClipOutcome failed;
  failed.film_slug = "film's";
  failed.clip_slug = "a<b>&\x01";
  failed.source =
      "clips/bad\xFF"
      "name.mp4";
  failed.stage = "decode";
  failed.error = bytes("\"Invalid\" data\0", 15);
  report.clips.push_back(failed);
  const std::string xml = batch::to_junit(report);
  EXPECT_NE(xml.find("classname=\"film&apos;s\" name=\"a&lt;b&gt;&amp;?\" file=\"clips/bad\xEF\xBF\xBDname.mp4\""),
            std::string::npos)
      << xml;
  EXPECT_NE(
      xml.find("<failure message=\"&quot;Invalid&quot; data?\" type=\"decode\">&quot;Invalid&quot; data?</failure>"),
      std::string::npos)
      << xml;
  EXPECT_EQ(encode_utf8(decode_utf8(xml)), xml);
  EXPECT_EQ(xml.find('\0'), std::string::npos);
}

}  // namespace
}  // namespace pressreel::text
