#include "stills/text_renderer.hpp"

#include <fribidi.h>
#include <ft2build.h>
#include <hb-ft.h>
#include <hb.h>

#include <algorithm>
#include <climits>
#include <map>
#include <mutex>
#include <stdexcept>
#include <unordered_map>
#include FT_FREETYPE_H
#include <spdlog/spdlog.h>

#include "text/utf8.hpp"

namespace pressreel::stills {
namespace {

const std::filesystem::path dejavu_dir = "/usr/share/fonts/truetype/dejavu";
const std::filesystem::path noto_dir = "/usr/share/fonts/truetype/noto";
const std::filesystem::path noto_cjk_dir = "/usr/share/fonts/opentype/noto";
// Monochrome outlines: FreeType scales them like any other face. Noto Color Emoji has only 109 px
// colour bitmaps, which this renderer does not scale.
const std::filesystem::path emoji_font = "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf";

struct LibraryDeleter {
  void operator()(FT_Library lib) const { FT_Done_FreeType(lib); }
};
struct FaceDeleter {
  void operator()(FT_Face face) const { FT_Done_Face(face); }
};
using LibraryPtr = std::unique_ptr<FT_LibraryRec_, LibraryDeleter>;
using FacePtr = std::unique_ptr<FT_FaceRec_, FaceDeleter>;

LibraryPtr make_library() {
  FT_Library lib = nullptr;
  if (FT_Init_FreeType(&lib) != 0) throw std::runtime_error("text: FreeType could not be initialised");
  return LibraryPtr(lib);
}

// A scalable face with a Unicode charmap, or nullptr: bitmap-only faces cannot be drawn at any size.
FacePtr open_face(FT_Library lib, const std::filesystem::path& path) {
  FT_Face face = nullptr;
  if (FT_New_Face(lib, path.c_str(), 0, &face) != 0) return nullptr;
  FacePtr owned(face);
  if (!FT_IS_SCALABLE(face) || FT_Select_Charmap(face, FT_ENCODING_UNICODE) != 0) return nullptr;
  return owned;
}

// The characters each fallback font has, read once per process: scanning the charmaps of the Noto
// faces is what makes looking up a rare character cheap for every later sheet.
class CoverageCache {
 public:
  static CoverageCache& instance() {
    static CoverageCache cache;
    return cache;
  }

  bool covers(const std::filesystem::path& font, char32_t c) {
    std::lock_guard lock(mutex_);
    auto it = fonts_.find(font);
    if (it == fonts_.end()) it = fonts_.emplace(font, scan(font)).first;
    return std::binary_search(it->second.begin(), it->second.end(), c);
  }

 private:
  CoverageCache() : library_(make_library()) {}

  std::vector<char32_t> scan(const std::filesystem::path& font) {
    std::vector<char32_t> chars;
    FacePtr face = open_face(library_.get(), font);
    if (!face) return chars;
    FT_UInt glyph = 0;
    for (FT_ULong c = FT_Get_First_Char(face.get(), &glyph); glyph != 0; c = FT_Get_Next_Char(face.get(), c, &glyph)) {
      chars.push_back(static_cast<char32_t>(c));
    }
    std::sort(chars.begin(), chars.end());
    return chars;
  }

  std::mutex mutex_;
  LibraryPtr library_;
  std::map<std::filesystem::path, std::vector<char32_t>> fonts_;
};

struct HbFontDeleter {
  void operator()(hb_font_t* font) const { hb_font_destroy(font); }
};
struct HbBufferDeleter {
  void operator()(hb_buffer_t* buffer) const { hb_buffer_destroy(buffer); }
};
using HbFontPtr = std::unique_ptr<hb_font_t, HbFontDeleter>;
using HbBufferPtr = std::unique_ptr<hb_buffer_t, HbBufferDeleter>;

// A stretch of the logical text shaped as one: one font, one script, one bidi level.
struct Run {
  int font = 0;
  hb_script_t script = HB_SCRIPT_COMMON;
  FriBidiLevel level = 0;
  size_t start = 0, length = 0;
};

bool is_real_script(hb_script_t s) {
  return s != HB_SCRIPT_COMMON && s != HB_SCRIPT_INHERITED && s != HB_SCRIPT_UNKNOWN;
}

// Bidi embedding levels of one paragraph (Unicode UAX #9 through FriBidi); the paragraph's direction
// comes from its first strong character, so a Hebrew title reads right to left.
std::vector<FriBidiLevel> bidi_levels(const std::u32string& text) {
  const auto n = static_cast<FriBidiStrIndex>(text.size());
  const auto* chars = reinterpret_cast<const FriBidiChar*>(text.data());
  std::vector<FriBidiCharType> types(text.size());
  std::vector<FriBidiBracketType> brackets(text.size());
  std::vector<FriBidiLevel> levels(text.size(), 0);
  fribidi_get_bidi_types(chars, n, types.data());
  fribidi_get_bracket_types(chars, n, types.data(), brackets.data());
  FriBidiParType direction = FRIBIDI_PAR_ON;
  if (fribidi_get_par_embedding_levels_ex(types.data(), brackets.data(), n, &direction, levels.data()) == 0) {
    std::fill(levels.begin(), levels.end(), 0);  // out of memory: left to right is still legible
  }
  return levels;
}

// Rule L2 of UAX #9 on whole runs: from the highest level down to the lowest odd one, reverse every
// stretch of runs at that level or higher. Inside a right-to-left run HarfBuzz already returns its
// glyphs in visual order.
void reorder_runs(std::vector<Run>& runs) {
  if (runs.empty()) return;
  // In int: FriBidiLevel is a signed char, where a "none yet" of 255 was -1 (the two extra reversals it
  // caused, at levels 0 and -1, undid each other).
  int highest = 0, lowest_odd = INT_MAX;
  for (const Run& r : runs) {
    highest = std::max<int>(highest, r.level);
    if (r.level % 2 == 1) lowest_odd = std::min<int>(lowest_odd, r.level);
  }
  for (int level = highest; level >= lowest_odd; --level) {
    for (auto it = runs.begin(); it != runs.end();) {
      if (it->level < level) {
        ++it;
        continue;
      }
      auto end = std::find_if(it, runs.end(), [&](const Run& r) { return r.level < level; });
      std::reverse(it, end);
      it = end;
    }
  }
}

}  // namespace

std::vector<std::filesystem::path> default_fallback_fonts() {
  std::vector<std::filesystem::path> fonts;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(noto_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with("-Regular.ttf") && name != "NotoSans-Regular.ttf") fonts.push_back(entry.path());
  }
  // Sans faces before serif ones before display styles (Kufi, Nastaliq, Looped...), as a UI would pick.
  const auto rank = [](const std::filesystem::path& p) {
    const std::string name = p.filename().string();
    return std::pair(name.starts_with("NotoSans") ? 0 : name.starts_with("NotoSerif") ? 1 : 2, name);
  };
  std::sort(fonts.begin(), fonts.end(), [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
  fonts.insert(fonts.begin(), noto_dir / "NotoSans-Regular.ttf");
  // After every Noto face: Noto Sans CJK also has Latin and Cyrillic, drawn in its own style. Its first
  // face is the Japanese one; Han characters shared with Chinese are drawn in Japanese forms.
  fonts.push_back(noto_cjk_dir / "NotoSansCJK-Regular.ttc");
  fonts.push_back(emoji_font);
  return fonts;
}

FontSet FontSet::regular() {
  return {dejavu_dir / "DejaVuSans.ttf", default_fallback_fonts()};
}
FontSet FontSet::bold() {
  FontSet fonts{dejavu_dir / "DejaVuSans-Bold.ttf", default_fallback_fonts()};
  fonts.fallbacks.insert(fonts.fallbacks.begin(), noto_dir / "NotoSans-Bold.ttf");
  const auto cjk = std::find(fonts.fallbacks.begin(), fonts.fallbacks.end(), noto_cjk_dir / "NotoSansCJK-Regular.ttc");
  fonts.fallbacks.insert(cjk, noto_cjk_dir / "NotoSansCJK-Bold.ttc");
  return fonts;
}

struct TextRenderer::Impl {
  struct Font {
    std::filesystem::path path;
    FacePtr face;    // opened on first use
    HbFontPtr shaper;  // HarfBuzz's view of `face`, at `size`
    int size = 0;
    bool unusable = false;
  };

  LibraryPtr library = make_library();
  std::vector<Font> fonts;                    // [0] is the primary
  std::unordered_map<char32_t, int> font_of;  // memo of font_for
  int placeholder_font = -1;
  char32_t placeholder = text::replacement_character;
  HbBufferPtr buffer{hb_buffer_create()};

  FT_Face face(int i) {
    Font& f = fonts[i];
    if (!f.face && !f.unusable) {
      f.face = open_face(library.get(), f.path);
      f.unusable = !f.face;
    }
    return f.face.get();
  }

  // The face at `pixel_size` and its HarfBuzz font; null when the face cannot be used at that size.
  hb_font_t* sized(int i, int pixel_size) {
    FT_Face f = face(i);
    if (f == nullptr) return nullptr;
    Font& font = fonts[i];
    if (font.size != pixel_size) {
      if (FT_Set_Pixel_Sizes(f, 0, pixel_size) != 0) return nullptr;
      font.size = pixel_size;
      if (font.shaper) hb_ft_font_changed(font.shaper.get());
    }
    if (!font.shaper) font.shaper.reset(hb_ft_font_create_referenced(f));
    return font.shaper.get();
  }

  bool has(int i, char32_t c) {
    // Fallbacks are checked against the shared charmap scan so that unused faces are never opened.
    if (i > 0 && !fonts[i].face && !CoverageCache::instance().covers(fonts[i].path, c)) return false;
    FT_Face f = face(i);
    return f != nullptr && FT_Get_Char_Index(f, c) != 0;
  }

  int find(char32_t c) {
    if (auto it = font_of.find(c); it != font_of.end()) return it->second;
    int found = -1;
    for (int i = 0; i < static_cast<int>(fonts.size()) && found < 0; ++i) {
      if (has(i, c)) found = i;
    }
    font_of.emplace(c, found);
    return found;
  }

  // Sanitised text, with characters no font has replaced by the placeholder.
  std::u32string drawable(std::string_view utf8) {
    std::u32string text = text::decode_utf8(text::sanitize_utf8(utf8));
    for (char32_t& c : text) {
      if (find(c) < 0) c = placeholder;
    }
    return text;
  }

  // Splits the text into runs of one font, script and level. A character that a fallback would draw,
  // or that belongs to no script (spaces, punctuation, marks), stays in the current run's font when
  // that font has it: a word with its marks is shaped by one font, and CJK keeps its own spaces.
  std::vector<Run> itemize(const std::u32string& text) {
    const std::vector<FriBidiLevel> levels = bidi_levels(text);
    hb_unicode_funcs_t* unicode = hb_unicode_funcs_get_default();
    std::vector<Run> runs;
    for (size_t i = 0; i < text.size(); ++i) {
      const char32_t c = text[i];
      int font = find(c);
      const hb_script_t script = hb_unicode_script(unicode, c);
      if (!runs.empty()) {
        Run& last = runs.back();
        const bool same_script = !is_real_script(script) || !is_real_script(last.script) || script == last.script;
        // Fallback letters and marks, spaces and punctuation stay in the run's font when it has them.
        if ((font > 0 || !is_real_script(script)) && last.font != font && has(last.font, c)) font = last.font;
        if (last.font == font && last.level == levels[i] && same_script) {
          if (!is_real_script(last.script)) last.script = script;
          ++last.length;
          continue;
        }
      }
      runs.push_back({font, script, levels[i], i, 1});
    }
    return runs;
  }

  // Shapes one run with the whole text as context (Arabic joins across a font change) and appends its
  // glyphs at `pen`.
  void shape(const std::u32string& text, const Run& run, int pixel_size, LineLayout& line) {
    hb_font_t* font = sized(run.font, pixel_size);
    if (font == nullptr) return;
    hb_buffer_t* buf = buffer.get();
    hb_buffer_reset(buf);
    hb_buffer_add_utf32(buf, reinterpret_cast<const uint32_t*>(text.data()), static_cast<int>(text.size()),
                        static_cast<unsigned>(run.start), static_cast<int>(run.length));
    hb_buffer_set_direction(buf, run.level % 2 == 1 ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
    if (is_real_script(run.script)) hb_buffer_set_script(buf, run.script);
    hb_buffer_guess_segment_properties(buf);
    hb_shape(font, buf, nullptr, 0);
    unsigned count = 0;
    const hb_glyph_info_t* info = hb_buffer_get_glyph_infos(buf, &count);
    const hb_glyph_position_t* pos = hb_buffer_get_glyph_positions(buf, &count);
    for (unsigned i = 0; i < count; ++i) {
      line.glyphs.push_back({run.font, info[i].codepoint, line.advance + pos[i].x_offset, pos[i].y_offset,
                             info[i].cluster});
      line.advance += pos[i].x_advance;
    }
  }

  LineLayout layout(std::string_view utf8, int pixel_size) {
    LineLayout line;
    if (pixel_size <= 0) return line;
    const std::u32string text = drawable(utf8);
    std::vector<Run> runs = itemize(text);
    reorder_runs(runs);
    for (const Run& run : runs) shape(text, run, pixel_size, line);
    return line;
  }
};

namespace {

// Alpha-blends an 8-bit coverage bitmap (or a 1-bit one, from a face's embedded bitmaps) onto BGR.
void blend(cv::Mat& image, const FT_Bitmap& bitmap, int left, int top, const cv::Scalar& colour) {
  const bool mono = bitmap.pixel_mode == FT_PIXEL_MODE_MONO;
  if (!mono && bitmap.pixel_mode != FT_PIXEL_MODE_GRAY) return;
  for (int r = 0; r < static_cast<int>(bitmap.rows); ++r) {
    const int y = top + r;
    if (y < 0 || y >= image.rows) continue;
    const unsigned char* src = bitmap.buffer + static_cast<ptrdiff_t>(r) * bitmap.pitch;
    auto* dst = image.ptr<cv::Vec3b>(y);
    for (int col = 0; col < static_cast<int>(bitmap.width); ++col) {
      const int x = left + col;
      if (x < 0 || x >= image.cols) continue;
      const int alpha = mono ? ((src[col / 8] >> (7 - col % 8)) & 1) * 255 : src[col];
      if (alpha == 0) continue;
      for (int ch = 0; ch < 3; ++ch) {
        const int ink = static_cast<int>(colour[ch]);
        dst[x][ch] = static_cast<uchar>((ink * alpha + dst[x][ch] * (255 - alpha) + 127) / 255);
      }
    }
  }
}

}  // namespace

TextRenderer::TextRenderer(FontSet fonts) : impl_(std::make_unique<Impl>()) {
  std::vector<std::filesystem::path> paths{fonts.primary};
  paths.insert(paths.end(), fonts.fallbacks.begin(), fonts.fallbacks.end());
  // The first font that opens is the primary, so a missing DejaVu degrades to Noto rather than failing.
  for (const auto& path : paths) {
    if (impl_->fonts.empty() && !open_face(impl_->library.get(), path)) continue;
    impl_->fonts.push_back({path, nullptr, nullptr, 0, false});
  }
  if (impl_->fonts.empty() || !impl_->face(0)) {
    throw std::runtime_error("text: no usable font (tried " + fonts.primary.string() + " and its fallbacks)");
  }
  impl_->placeholder_font = impl_->find(text::replacement_character);
  if (impl_->placeholder_font < 0) {
    impl_->placeholder = U'?';
    impl_->placeholder_font = 0;
  }
}

TextRenderer::~TextRenderer() = default;
TextRenderer::TextRenderer(TextRenderer&&) noexcept = default;
TextRenderer& TextRenderer::operator=(TextRenderer&&) noexcept = default;

int TextRenderer::font_for(char32_t c) {
  return impl_->find(c);
}

std::filesystem::path TextRenderer::font_path(int font) const {
  return font >= 0 && font < static_cast<int>(impl_->fonts.size()) ? impl_->fonts[font].path : std::filesystem::path();
}

LineLayout TextRenderer::layout(std::string_view utf8, int pixel_size) {
  return impl_->layout(utf8, pixel_size);
}

int TextRenderer::width(std::string_view utf8, int pixel_size) {
  return (impl_->layout(utf8, pixel_size).advance + 32) >> 6;
}

int TextRenderer::draw(cv::Mat& image, std::string_view utf8, cv::Point top_left, int pixel_size,
                       const cv::Scalar& colour) {
  if (image.type() != CV_8UC3) throw std::invalid_argument("text: can only draw on 8-bit BGR images");
  const LineLayout line = impl_->layout(utf8, pixel_size);
  const int baseline_y = top_left.y + baseline(pixel_size);
  for (const PlacedGlyph& g : line.glyphs) {
    if (impl_->sized(g.font, pixel_size) == nullptr) continue;
    FT_Face face = impl_->face(g.font);
    if (FT_Load_Glyph(face, g.glyph, FT_LOAD_DEFAULT) != 0 || FT_Render_Glyph(face->glyph, FT_RENDER_MODE_NORMAL) != 0) {
      // A damaged glyph in a system font costs that glyph, not the sheet.
      spdlog::warn("text: could not draw glyph {} of {}", g.glyph, impl_->fonts[g.font].path.string());
      continue;
    }
    blend(image, face->glyph->bitmap, top_left.x + ((g.x + 32) >> 6) + face->glyph->bitmap_left,
          baseline_y - ((g.y + 32) >> 6) - face->glyph->bitmap_top, colour);
  }
  return (line.advance + 32) >> 6;
}

std::string TextRenderer::elide(std::string_view utf8, int pixel_size, int max_width) {
  std::u32string text = text::decode_utf8(text::sanitize_utf8(utf8));
  if (width(text::encode_utf8(text), pixel_size) <= max_width) return text::encode_utf8(text);
  const std::u32string ellipsis = U"\u2026";
  // Binary search on the kept prefix length: width grows with every character kept.
  size_t lo = 0, hi = text.size();
  while (lo < hi) {
    const size_t mid = (lo + hi + 1) / 2;
    if (width(text::encode_utf8(text.substr(0, mid) + ellipsis), pixel_size) <= max_width) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  std::u32string kept = text.substr(0, lo);
  while (!kept.empty() && kept.back() == U' ') kept.pop_back();
  return text::encode_utf8(kept + ellipsis);
}

}  // namespace pressreel::stills
