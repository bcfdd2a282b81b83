#pragma once
// Text on contact sheets in any script. Names come from untrusted metadata: every character is drawn
// with the first font that has it (DejaVu Sans, then Noto, Noto CJK, Symbola for emoji), and one that
// no font has is drawn as a visible U+FFFD instead of failing the run. FriBidi orders a line (Arabic
// and Hebrew right to left, numbers and Latin inside them left to right), HarfBuzz shapes each run of
// one font, script and direction (joining forms, marks, ligatures), FreeType draws the glyphs.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace pressreel::stills {

struct FontSet {
  std::filesystem::path primary;
  // Searched in order for characters the primary font lacks.
  std::vector<std::filesystem::path> fallbacks;

  // DejaVu Sans (fonts-dejavu-core) with every Noto regular face (fonts-noto-core), then Noto Sans CJK
  // (fonts-noto-cjk) and Symbola (fonts-symbola, monochrome emoji) behind it.
  static FontSet regular();
  static FontSet bold();
};

// Noto Sans first, then the other regular Noto faces of the system font folder: sans, serif, display;
// then the CJK and emoji faces.
std::vector<std::filesystem::path> default_fallback_fonts();

// One glyph of a laid-out line, left to right as it appears. Positions are in 1/64 pixel from the
// line's start on the baseline, y upwards (HarfBuzz's and FreeType's convention).
struct PlacedGlyph {
  int font = 0;        // index into primary-then-fallbacks
  uint32_t glyph = 0;  // glyph id in that font
  int x = 0, y = 0;
  uint32_t cluster = 0;  // index of the first code point of the sanitised text it draws
};

struct LineLayout {
  std::vector<PlacedGlyph> glyphs;
  int advance = 0;  // 1/64 pixel
};

// Not thread-safe (FreeType faces are not): one per thread or per sheet.
class TextRenderer {
 public:
  // Throws std::runtime_error when none of the fonts can be opened.
  explicit TextRenderer(FontSet fonts = FontSet::regular());
  ~TextRenderer();
  TextRenderer(TextRenderer&&) noexcept;
  TextRenderer& operator=(TextRenderer&&) noexcept;

  // Advance width in pixels of `utf8` (any bytes) at `pixel_size` (the em size).
  int width(std::string_view utf8, int pixel_size);
  // Draws onto a BGR 8-bit image with the em box's top edge at `top_left`; returns the advance width.
  int draw(cv::Mat& image, std::string_view utf8, cv::Point top_left, int pixel_size, const cv::Scalar& colour);
  // `utf8` sanitised and, when wider than `max_width`, cut at a character boundary with "…" appended.
  std::string elide(std::string_view utf8, int pixel_size, int max_width);

  // The line shaped and in visual order, as draw() puts it on the image.
  LineLayout layout(std::string_view utf8, int pixel_size);

  // Distance from the em box's top edge to the baseline where draw() puts it.
  static int baseline(int pixel_size) { return pixel_size; }
  // Vertical room one line of text needs at `pixel_size`, descenders included.
  static int line_height(int pixel_size) { return pixel_size + (pixel_size * 3 + 9) / 10; }

  // Index into primary-then-fallbacks of the font that draws `c`, or -1 when none has it.
  int font_for(char32_t c);
  std::filesystem::path font_path(int font) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pressreel::stills
