#include "reference_text.hpp"

#include <ft2build.h>
#include <hb-ft.h>
#include <hb.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include FT_FREETYPE_H
#include <opencv2/core.hpp>

namespace pressreel::testing {
namespace {

// A FreeType library and one face at one pixel size, for the life of one call.
struct SizedFace {
  FT_Library library = nullptr;
  FT_Face face = nullptr;

  SizedFace(const std::filesystem::path& font, int pixel_size) {
    if (FT_Init_FreeType(&library) != 0) throw std::runtime_error("FreeType");
    if (FT_New_Face(library, font.c_str(), 0, &face) != 0 || FT_Set_Pixel_Sizes(face, 0, pixel_size) != 0) {
      FT_Done_FreeType(library);
      throw std::runtime_error("cannot open " + font.string());
    }
  }
  ~SizedFace() {
    FT_Done_Face(face);
    FT_Done_FreeType(library);
  }
  SizedFace(const SizedFace&) = delete;
  SizedFace& operator=(const SizedFace&) = delete;

  // Draws glyph `id` with its origin at pixel (x, baseline y), keeping the larger coverage.
  void draw(cv::Mat& canvas, uint32_t id, int x, int y) {
    if (FT_Load_Glyph(face, id, FT_LOAD_RENDER) != 0) return;
    const FT_Bitmap& bm = face->glyph->bitmap;
    for (unsigned r = 0; r < bm.rows; ++r) {
      for (unsigned c = 0; c < bm.width; ++c) {
        const int px = x + face->glyph->bitmap_left + static_cast<int>(c);
        const int py = y - face->glyph->bitmap_top + static_cast<int>(r);
        if (px < 0 || py < 0 || px >= canvas.cols || py >= canvas.rows) continue;
        const uint8_t v = bm.pixel_mode == FT_PIXEL_MODE_MONO ? ((bm.buffer[r * bm.pitch + c / 8] >> (7 - c % 8)) & 1) * 255
                                                              : bm.buffer[r * bm.pitch + c];
        canvas.at<uint8_t>(py, px) = std::max(canvas.at<uint8_t>(py, px), v);
      }
    }
  }
};

}  // namespace

ReferenceLine reference_shape(const std::filesystem::path& font, const std::string& utf8, int pixel_size) {
  SizedFace face(font, pixel_size);
  hb_font_t* hb_font = hb_ft_font_create_referenced(face.face);
  hb_buffer_t* buffer = hb_buffer_create();
  hb_buffer_add_utf8(buffer, utf8.data(), static_cast<int>(utf8.size()), 0, -1);
  hb_buffer_guess_segment_properties(buffer);
  hb_shape(hb_font, buffer, nullptr, 0);
  ReferenceLine line;
  line.right_to_left = hb_buffer_get_direction(buffer) == HB_DIRECTION_RTL;
  unsigned count = 0;
  const hb_glyph_info_t* info = hb_buffer_get_glyph_infos(buffer, &count);
  const hb_glyph_position_t* pos = hb_buffer_get_glyph_positions(buffer, &count);
  for (unsigned i = 0; i < count; ++i) {
    line.glyphs.push_back({info[i].codepoint, line.advance + pos[i].x_offset, pos[i].y_offset});
    line.advance += pos[i].x_advance;
  }
  hb_buffer_destroy(buffer);
  hb_font_destroy(hb_font);
  return line;
}

cv::Mat reference_coverage(const std::filesystem::path& font, const ReferenceLine& line, int pixel_size,
                           cv::Size size, cv::Point origin) {
  SizedFace face(font, pixel_size);
  cv::Mat canvas(size, CV_8UC1, cv::Scalar(0));
  for (const ReferenceGlyph& g : line.glyphs) {
    face.draw(canvas, g.glyph, origin.x + ((g.x + 32) >> 6), origin.y - ((g.y + 32) >> 6));
  }
  return canvas;
}

cv::Mat naive_coverage(const std::filesystem::path& font, const std::u32string& text, int pixel_size, cv::Size size,
                       cv::Point origin) {
  SizedFace face(font, pixel_size);
  cv::Mat canvas(size, CV_8UC1, cv::Scalar(0));
  int pen = 0;
  for (char32_t c : text) {
    const FT_UInt id = FT_Get_Char_Index(face.face, c);
    face.draw(canvas, id, origin.x + ((pen + 32) >> 6), origin.y);
    pen += static_cast<int>(face.face->glyph->advance.x);
  }
  return canvas;
}

cv::Mat coverage_of(const cv::Mat& bgr, const cv::Scalar& background, const cv::Scalar& ink) {
  cv::Mat gray(bgr.size(), CV_8UC1);
  const double span = (ink[0] + ink[1] + ink[2]) - (background[0] + background[1] + background[2]);
  for (int y = 0; y < bgr.rows; ++y) {
    for (int x = 0; x < bgr.cols; ++x) {
      const cv::Vec3b p = bgr.at<cv::Vec3b>(y, x);
      const double v = (p[0] + p[1] + p[2]) - (background[0] + background[1] + background[2]);
      gray.at<uint8_t>(y, x) = cv::saturate_cast<uint8_t>(255.0 * v / span);
    }
  }
  return gray;
}

double ink_overlap(const cv::Mat& a, const cv::Mat& b) {
  const cv::Mat ma = a > 127, mb = b > 127;
  const double both = cv::countNonZero(ma & mb), either = cv::countNonZero(ma | mb);
  return either == 0 ? 1.0 : both / either;
}

}  // namespace pressreel::testing
