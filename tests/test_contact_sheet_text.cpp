#include <gtest/gtest.h>

#include <algorithm>
#include <opencv2/core.hpp>

#include "pressreel/stills/contact_sheet.hpp"
#include "stills/text_renderer.hpp"
#include "text/utf8.hpp"
#include "reference_text.hpp"

namespace {

using namespace pressreel::stills;
using namespace pressreel::text;
using namespace pressreel::testing;

// Pixels that differ from the background colour.
int ink(const cv::Mat& image, const cv::Scalar& background) {
  cv::Mat diff;
  cv::absdiff(image, background, diff);
  cv::Mat gray;
  cv::transform(diff, gray, cv::Matx13f(1, 1, 1));
  return cv::countNonZero(gray > 30);
}

cv::Mat drawn(TextRenderer& text, const std::string& utf8, int size = 24) {
  cv::Mat image(2 * size, std::max(64, text.width(utf8, size) + 16), CV_8UC3, cv::Scalar::all(0));
  text.draw(image, utf8, {8, 4}, size, cv::Scalar::all(255));
  return image;
}

// Pixels where `image` (from drawn()) and `reference_utf8`, shaped by HarfBuzz with `font` and drawn by
// FreeType, disagree on ink; -1 when the reference itself has a box for a missing glyph. Boxes,
// unshaped text or a missing accent all leave pixels that disagree.
int differs_from_reference(const cv::Mat& image, const std::filesystem::path& font, const std::string& reference_utf8,
                           int size = 24) {
  const ReferenceLine line = reference_shape(font, reference_utf8, size);
  for (const ReferenceGlyph& g : line.glyphs) {
    if (g.glyph == 0) return -1;
  }
  const cv::Mat expected = reference_coverage(font, line, size, image.size(), {8, 4 + TextRenderer::baseline(size)});
  cv::Mat diff;
  cv::absdiff(coverage_of(image, cv::Scalar::all(0), cv::Scalar::all(255)), expected, diff);
  return cv::countNonZero(diff > 96);
}

bool has_missing_glyph(TextRenderer& text, const std::string& utf8) {
  const LineLayout line = text.layout(utf8, 24);
  return std::any_of(line.glyphs.begin(), line.glyphs.end(), [](const PlacedGlyph& g) { return g.glyph == 0; });
}

TEST(Utf8, IllFormedSequencesBecomeReplacementCharacters) {
  const char32_t r = replacement_character;
  EXPECT_EQ(decode_utf8("Almod\xC3\xB3var"), U"Almodóvar");
  EXPECT_EQ(decode_utf8("\xE2\x82"), std::u32string({r}));     // truncated
  EXPECT_EQ(decode_utf8("\xC0\xAF"), std::u32string({r, r}));  // overlong '/'
  EXPECT_EQ(decode_utf8("A\xED\xA0\x80"
                        "B"),
            std::u32string({U'A', r, r, r, U'B'}));                          // surrogate
  EXPECT_EQ(decode_utf8("\xF4\x90\x80\x80"), std::u32string({r, r, r, r}));  // above U+10FFFF
  EXPECT_EQ(decode_utf8("\xFF"
                        "a"),
            std::u32string({r, U'a'}));
  EXPECT_EQ(sanitize_utf8("line\none\ttab\x7F"), "line one tab ");
  EXPECT_EQ(encode_utf8(decode_utf8("Pedro Almodóvar — Dolor y gloria")), "Pedro Almodóvar — Dolor y gloria");
}

TEST(TextRenderer, AccentedNamesUseThePrimaryFontAndDrawTheirAccents) {
  TextRenderer text;
  EXPECT_EQ(text.font_for(U'ó'), 0);
  EXPECT_EQ(text.font_for(U'—'), 0);
  EXPECT_EQ(text.font_path(0).filename(), "DejaVuSans.ttf");
  const cv::Mat plain = drawn(text, "Almodovar");
  const cv::Mat accented = drawn(text, "Almodóvar");
  ASSERT_EQ(plain.size(), accented.size());
  EXPECT_GT(ink(accented, cv::Scalar::all(0)), ink(plain, cv::Scalar::all(0)));  // the acute accent is there
  const std::filesystem::path dejavu = text.font_path(0);
  EXPECT_EQ(differs_from_reference(accented, dejavu, "Almodóvar"), 0);
  EXPECT_GT(differs_from_reference(accented, dejavu, "Almodovar"), 4);  // the comparison sees one accent
  // Decomposed (o + U+0301) is drawn as the precomposed letter, as HarfBuzz composes it.
  const cv::Mat decomposed = drawn(text, "Almodo\xCC\x81var");
  ASSERT_EQ(decomposed.size(), accented.size());
  EXPECT_EQ(differs_from_reference(decomposed, dejavu, "Almodóvar"), 0);
}

TEST(TextRenderer, ScriptsDejaVuLacksFallBackToNoto) {
  TextRenderer text;
  const int devanagari = text.font_for(U'\u0915');  // क
  ASSERT_GT(devanagari, 0);
  EXPECT_EQ(text.font_path(devanagari).filename(), "NotoSansDevanagari-Regular.ttf");
  // Shaped: the i-matra is drawn before its consonant, the virama joins a conjunct. Drawn character by
  // character in logical order (what the text looked like without HarfBuzz) does not match.
  const cv::Mat film = drawn(text, "फ़िल्म");
  EXPECT_FALSE(has_missing_glyph(text, "फ़िल्म"));
  EXPECT_LE(differs_from_reference(film, text.font_path(devanagari), "फ़िल्म"), 2);
  const cv::Mat unshaped =
      naive_coverage(text.font_path(devanagari), decode_utf8("फ़िल्म"), 24, film.size(), {8, 4 + TextRenderer::baseline(24)});
  EXPECT_LT(ink_overlap(coverage_of(film, cv::Scalar::all(0), cv::Scalar::all(255)), unshaped), 0.8);
  // Mixed scripts in one string: both parts drawn.
  const std::string mixed = "Film फ़िल्म";
  EXPECT_GT(text.width(mixed, 24), text.width("Film ", 24));
}

TEST(TextRenderer, CjkAndEmojiHaveFonts) {
  TextRenderer text;
  EXPECT_EQ(text.font_path(text.font_for(U'\u6620')).filename(), "NotoSansCJK-Regular.ttc");  // 映
  EXPECT_EQ(text.font_path(text.font_for(U'\U0001F37F')).filename(), "Symbola_hint.ttf");   // 🍿
  EXPECT_GE(text.font_for(U'\U0001F3AC'), 0);  // 🎬, in Noto Sans Symbols 2
  const int cjk = text.font_for(U'\u6620');
  EXPECT_FALSE(has_missing_glyph(text, "映画 🎬🍿"));
  EXPECT_LE(differs_from_reference(drawn(text, "映画"), text.font_path(cjk), "映画"), 2);
}

TEST(TextRenderer, CharactersNoFontHasAndInvalidBytesDrawPlaceholdersWithoutThrowing) {
  TextRenderer text;
  EXPECT_EQ(text.font_for(U'\u0378'), -1);  // unassigned: no font has it
  const std::string hostile = "\xE6\x98\xA0\xE7\x94\xBB \xF0\x9F\x8E\xAC \xCD\xB8 \xFF\xFE\xC3( \xED\xA0\x80 \xC0\xAF \xE2\x82";
  cv::Mat image;
  ASSERT_NO_THROW(image = drawn(text, hostile));
  EXPECT_FALSE(has_missing_glyph(text, hostile));  // no box: every character has a real glyph
  // A character no font has and a byte that is not UTF-8 both show as U+FFFD, drawn like the real one.
  const std::string replacement = "\xEF\xBF\xBD";
  const cv::Mat expected = drawn(text, replacement);
  EXPECT_GT(ink(expected, cv::Scalar::all(0)), 50);
  for (const std::string& placeholder : {std::string("\xCD\xB8"), std::string("\xFF")}) {
    const cv::Mat image = drawn(text, placeholder);
    ASSERT_EQ(image.size(), expected.size());
    EXPECT_EQ(cv::norm(image, expected, cv::NORM_INF), 0);
  }
  EXPECT_NO_THROW(text.elide(hostile, 16, 40));
  EXPECT_LE(text.width(text.elide(hostile, 16, 40), 16), 40);
}

TEST(TextRenderer, ElidesToTheWidthWithAnEllipsis) {
  TextRenderer text;
  const std::string name = "Pedro Almodóvar — Dolor y gloria — International Trailer";
  const std::string cut = text.elide(name, 20, 200);
  EXPECT_LE(text.width(cut, 20), 200);
  EXPECT_TRUE(cut.ends_with("…"));
  EXPECT_EQ(text.elide("Short", 20, 200), "Short");
}

TEST(TextRenderer, DrawsOnlyOnBgrImages) {
  TextRenderer text;
  cv::Mat gray(40, 100, CV_8UC1, cv::Scalar::all(0));
  EXPECT_THROW(text.draw(gray, "x", {0, 0}, 20, cv::Scalar::all(255)), std::invalid_argument);
}

TEST(TextRenderer, MissingPrimaryFontFallsBackInsteadOfFailing) {
  FontSet fonts = FontSet::regular();
  fonts.primary = "/nonexistent/font.ttf";
  TextRenderer text(fonts);
  EXPECT_EQ(text.font_path(0).filename(), "NotoSans-Regular.ttf");
  EXPECT_GT(text.width("Almodóvar", 20), 0);
  EXPECT_THROW(TextRenderer(FontSet{"/nonexistent/a.ttf", {"/nonexistent/b.ttf"}}), std::runtime_error);
}

}  // namespace
