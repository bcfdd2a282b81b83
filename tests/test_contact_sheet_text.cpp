#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include "pressreel/stills/contact_sheet.hpp"
#include "pressreel/stills/text_renderer.hpp"
#include "pressreel/stills/text_utf8.hpp"

namespace {

using namespace pressreel::stills;

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
  // Decomposed (o + U+0301) renders too, as the same number of advances.
  EXPECT_GT(ink(drawn(text, "Almodo\xCC\x81var"), cv::Scalar::all(0)), ink(plain, cv::Scalar::all(0)));
}

TEST(TextRenderer, ScriptsDejaVuLacksFallBackToNoto) {
  TextRenderer text;
  const int devanagari = text.font_for(U'\u0915');  // क
  ASSERT_GT(devanagari, 0);
  EXPECT_EQ(text.font_path(devanagari).filename(), "NotoSansDevanagari-Regular.ttf");
  EXPECT_GT(ink(drawn(text, "फ़िल्म"), cv::Scalar::all(0)), 50);
  // Mixed scripts in one string: both parts drawn.
  const std::string mixed = "Film फ़िल्म";
  EXPECT_GT(text.width(mixed, 24), text.width("Film ", 24));
}

TEST(TextRenderer, CharactersNoFontHasAndInvalidBytesDrawPlaceholdersWithoutThrowing) {
  TextRenderer text;
  EXPECT_EQ(text.font_for(U'\u6620'), -1);  // 映: no CJK font in fonts-noto-core
  const std::string hostile = "\xE6\x98\xA0\xE7\x94\xBB \xF0\x9F\x8E\xAC \xFF\xFE\xC3( \xED\xA0\x80 \xC0\xAF \xE2\x82";
  cv::Mat image;
  ASSERT_NO_THROW(image = drawn(text, hostile));
  EXPECT_GT(ink(image, cv::Scalar::all(0)), 100);  // placeholders are visible, not blank
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
