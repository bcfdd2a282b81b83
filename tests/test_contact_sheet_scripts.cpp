// Sheet headers in every script, each compared with a reference made directly with HarfBuzz and
// FreeType (tests/support/reference_text.hpp): the renderer must pick a font that has the glyphs, shape
// them as HarfBuzz does, and put them in visual order.

#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include "pressreel/stills/contact_sheet.hpp"
#include "stills/text_renderer.hpp"
#include "text/utf8.hpp"
#include "reference_text.hpp"

namespace {

using namespace pressreel::stills;
using namespace pressreel::testing;

struct Sample {
  const char* script;
  std::string title;
  const char* font;  // file name of the font expected to draw all of it
};

std::ostream& operator<<(std::ostream& out, const Sample& s) {
  return out << s.script;
}

class SheetHeaderScript : public ::testing::TestWithParam<Sample> {};

// The title's line of a sheet with `title`: the sheet itself and where the title was drawn.
struct TitleCrop {
  cv::Mat pixels;     // BGR crop of the title line
  cv::Point origin;   // pen start in the crop: x, baseline y
};

TitleCrop sheet_title(const std::string& title, const SheetStyle& style) {
  std::vector<SheetTile> tiles(3, {cv::Mat(180, 320, CV_8UC3, cv::Scalar(40, 90, 160)), "Shot", "00:00:01.000"});
  const cv::Mat sheet = render_sheet({title, "Clip", {}}, tiles, style);
  const cv::Rect line(0, style.margin, sheet.cols, TextRenderer::line_height(style.title_size));
  return {sheet(line).clone(), {style.margin, TextRenderer::baseline(style.title_size)}};
}

TEST_P(SheetHeaderScript, MatchesHarfBuzzShapingAndPixels) {
  const Sample& sample = GetParam();
  const SheetStyle style;
  const int size = style.title_size;
  TextRenderer bold(FontSet::bold());  // the sheet's title face

  // Every character is drawn by the expected font (no placeholder, no box)...
  const LineLayout layout = bold.layout(sample.title, size);
  ASSERT_FALSE(layout.glyphs.empty());
  const std::filesystem::path font = bold.font_path(layout.glyphs.front().font);
  EXPECT_EQ(font.filename(), sample.font);
  for (const PlacedGlyph& g : layout.glyphs) EXPECT_EQ(g.font, layout.glyphs.front().font);

  // ...with the glyphs HarfBuzz chooses for the whole string, where it puts them, left to right.
  const ReferenceLine reference = reference_shape(font, sample.title, size);
  for (const ReferenceGlyph& g : reference.glyphs) ASSERT_NE(g.glyph, 0u) << "the reference font lacks a glyph";
  ASSERT_EQ(layout.glyphs.size(), reference.glyphs.size());
  for (size_t i = 0; i < reference.glyphs.size(); ++i) {
    EXPECT_EQ(layout.glyphs[i].glyph, reference.glyphs[i].glyph) << "glyph " << i;
    EXPECT_EQ(layout.glyphs[i].x, reference.glyphs[i].x) << "glyph " << i;
    EXPECT_EQ(layout.glyphs[i].y, reference.glyphs[i].y) << "glyph " << i;
  }
  EXPECT_EQ(layout.advance, reference.advance);

  // The sheet's pixels are that reference drawing.
  const TitleCrop crop = sheet_title(sample.title, style);
  const cv::Mat drawn = coverage_of(crop.pixels, style.background, style.title_colour);
  const cv::Mat expected = reference_coverage(font, reference, size, drawn.size(), crop.origin);
  ASSERT_GT(cv::countNonZero(expected > 127), 20);
  EXPECT_GT(ink_overlap(drawn, expected), 0.9);
  cv::Mat diff;
  cv::absdiff(drawn, expected, diff);
  EXPECT_LT(cv::mean(diff)[0], 2.0);
}

INSTANTIATE_TEST_SUITE_P(
    Scripts, SheetHeaderScript,
    ::testing::Values(Sample{"LatinAccents", "Almodóvar, Ñandú, Øresund, Ça", "DejaVuSans-Bold.ttf"},
                      Sample{"Cyrillic", "Брат 2 — Сергей Бодров", "DejaVuSans-Bold.ttf"},
                      Sample{"Greek", "Ο Θίασος, Αγγελόπουλος", "DejaVuSans-Bold.ttf"},
                      Sample{"Arabic", "باب الحديد", "DejaVuSans-Bold.ttf"},
                      Sample{"Hebrew", "הלהקה", "DejaVuSans-Bold.ttf"},
                      Sample{"CJK", "映画 千と千尋の神隠し", "NotoSansCJK-Bold.ttc"},
                      Sample{"Emoji", "🍿🎥", "Symbola_hint.ttf"}),
    [](const ::testing::TestParamInfo<Sample>& info) { return std::string(info.param.script); });

// The comparison above can fail: for right-to-left scripts the unshaped, unreordered drawing a plain
// FreeType renderer makes is far from the reference, and the renderer's output is not.
TEST(SheetHeaderScripts, UnshapedOrReversedRightToLeftTextWouldNotMatch) {
  const SheetStyle style;
  const int size = style.title_size;
  TextRenderer bold(FontSet::bold());
  for (const std::string title : {"باب الحديد", "הלהקה"}) {
    const std::filesystem::path font = bold.font_path(bold.layout(title, size).glyphs.front().font);
    const ReferenceLine reference = reference_shape(font, title, size);
    EXPECT_TRUE(reference.right_to_left) << title;
    const TitleCrop crop = sheet_title(title, style);
    const cv::Mat drawn = coverage_of(crop.pixels, style.background, style.title_colour);
    const cv::Mat expected = reference_coverage(font, reference, size, drawn.size(), crop.origin);
    const cv::Mat naive = naive_coverage(font, pressreel::text::decode_utf8(title), size, drawn.size(), crop.origin);
    EXPECT_LT(ink_overlap(naive, expected), 0.5) << title;
    EXPECT_GT(ink_overlap(drawn, expected), 0.9) << title;
  }
}

// Right-to-left with a left-to-right number and a Latin name inside: FriBidi's order, not logical.
TEST(SheetHeaderScripts, MixedDirectionsFollowTheBidiAlgorithm) {
  TextRenderer text;
  const std::string title = "שלום 2024 Film";  // Hebrew paragraph: the Latin word goes leftmost
  const LineLayout layout = text.layout(title, 20);
  const std::u32string chars = pressreel::text::decode_utf8(title);
  ASSERT_FALSE(layout.glyphs.empty());
  // Leftmost glyph: 'F' of Film (cluster 10); rightmost: ש (cluster 0). The digits keep 2,0,2,4 order.
  EXPECT_EQ(chars[layout.glyphs.front().cluster], U'F');
  EXPECT_EQ(layout.glyphs.back().cluster, 0u);
  std::u32string digits;
  for (const PlacedGlyph& g : layout.glyphs) {
    if (chars[g.cluster] >= U'0' && chars[g.cluster] <= U'9') digits.push_back(chars[g.cluster]);
  }
  EXPECT_EQ(digits, U"2024");
}

}  // namespace
