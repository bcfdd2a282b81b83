#include "pressreel/stills/text_renderer.hpp"

#include <ft2build.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <stdexcept>
#include <unordered_map>
#include FT_FREETYPE_H
#include <spdlog/spdlog.h>

#include <opencv2/freetype.hpp>
#include <opencv2/imgproc.hpp>

#include "pressreel/stills/text_utf8.hpp"

namespace pressreel::stills {
namespace {

const std::filesystem::path dejavu_dir = "/usr/share/fonts/truetype/dejavu";
const std::filesystem::path noto_dir = "/usr/share/fonts/truetype/noto";

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

// A stretch of text drawn with one font.
struct Run {
  int font = 0;
  std::u32string text;
};

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
  return fonts;
}

FontSet FontSet::regular() {
  return {dejavu_dir / "DejaVuSans.ttf", default_fallback_fonts()};
}
FontSet FontSet::bold() {
  FontSet fonts{dejavu_dir / "DejaVuSans-Bold.ttf", default_fallback_fonts()};
  fonts.fallbacks.insert(fonts.fallbacks.begin(), noto_dir / "NotoSans-Bold.ttf");
  return fonts;
}

struct TextRenderer::Impl {
  struct Font {
    std::filesystem::path path;
    FacePtr face;                             // metrics and coverage; opened on first use
    cv::Ptr<cv::freetype::FreeType2> drawer;  // its own FreeType face, for drawing
    bool unusable = false;
  };

  LibraryPtr library = make_library();
  std::vector<Font> fonts;                    // [0] is the primary
  std::unordered_map<char32_t, int> font_of;  // memo of font_for
  int placeholder_font = -1;
  char32_t placeholder = replacement_character;

  FT_Face face(int i) {
    Font& f = fonts[i];
    if (!f.face && !f.unusable) {
      f.face = open_face(library.get(), f.path);
      f.unusable = !f.face;
    }
    return f.face.get();
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

  // Splits sanitised text into runs; a character stays in the current run's font when that font has
  // it, so a word in one script is shaped as a whole.
  std::vector<Run> runs(std::string_view utf8) {
    std::vector<Run> out;
    for (char32_t c : decode_utf8(sanitize_utf8(utf8))) {
      int font = find(c);
      if (font < 0) {
        c = placeholder;
        font = placeholder_font;
      } else if (font > 0 && !out.empty() && out.back().font != font && has(out.back().font, c)) {
        font = out.back().font;
      }
      if (out.empty() || out.back().font != font) out.push_back({font, {}});
      out.back().text.push_back(c);
    }
    return out;
  }

  // The pen advance FreeType gives each glyph, as OpenCV's freetype module moves its pen.
  int advance(const Run& run, int pixel_size) {
    FT_Face f = face(run.font);
    if (FT_Set_Pixel_Sizes(f, 0, pixel_size) != 0) return 0;
    int total = 0;
    for (char32_t c : run.text) {
      if (FT_Load_Glyph(f, FT_Get_Char_Index(f, c), FT_LOAD_DEFAULT) == 0) total += f->glyph->advance.x >> 6;
    }
    return total;
  }

  cv::freetype::FreeType2* drawer(int i) {
    Font& f = fonts[i];
    if (!f.drawer) {
      f.drawer = cv::freetype::createFreeType2();
      f.drawer->loadFontData(f.path.string(), 0);
    }
    return f.drawer.get();
  }
};

TextRenderer::TextRenderer(FontSet fonts) : impl_(std::make_unique<Impl>()) {
  std::vector<std::filesystem::path> paths{fonts.primary};
  paths.insert(paths.end(), fonts.fallbacks.begin(), fonts.fallbacks.end());
  // The first font that opens is the primary, so a missing DejaVu degrades to Noto rather than failing.
  for (const auto& path : paths) {
    if (impl_->fonts.empty() && !open_face(impl_->library.get(), path)) continue;
    impl_->fonts.push_back({path, nullptr, nullptr, false});
  }
  if (impl_->fonts.empty() || !impl_->face(0)) {
    throw std::runtime_error("text: no usable font (tried " + fonts.primary.string() + " and its fallbacks)");
  }
  impl_->placeholder_font = impl_->find(replacement_character);
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

int TextRenderer::width(std::string_view utf8, int pixel_size) {
  if (pixel_size <= 0) return 0;
  int total = 0;
  for (const Run& run : impl_->runs(utf8)) total += impl_->advance(run, pixel_size);
  return total;
}

int TextRenderer::draw(cv::Mat& image, std::string_view utf8, cv::Point top_left, int pixel_size,
                       const cv::Scalar& colour) {
  if (image.type() != CV_8UC3) throw std::invalid_argument("text: can only draw on 8-bit BGR images");
  if (pixel_size <= 0) return 0;
  cv::Point pen = top_left;
  for (const Run& run : impl_->runs(utf8)) {
    try {
      impl_->drawer(run.font)->putText(image, encode_utf8(run.text), pen, pixel_size, colour, cv::FILLED, cv::LINE_AA,
                                       false);
    } catch (const cv::Exception& e) {
      // A damaged glyph in a system font costs that run of text, not the sheet.
      spdlog::warn("text: could not draw with {}: {}", impl_->fonts[run.font].path.string(), e.what());
    }
    pen.x += impl_->advance(run, pixel_size);
  }
  return pen.x - top_left.x;
}

std::string TextRenderer::elide(std::string_view utf8, int pixel_size, int max_width) {
  std::u32string text = decode_utf8(sanitize_utf8(utf8));
  if (width(encode_utf8(text), pixel_size) <= max_width) return encode_utf8(text);
  const std::u32string ellipsis = U"\u2026";
  // Binary search on the kept prefix length: width grows with every character kept.
  size_t lo = 0, hi = text.size();
  while (lo < hi) {
    const size_t mid = (lo + hi + 1) / 2;
    if (width(encode_utf8(text.substr(0, mid) + ellipsis), pixel_size) <= max_width) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  std::u32string kept = text.substr(0, lo);
  while (!kept.empty() && kept.back() == U' ') kept.pop_back();
  return encode_utf8(kept + ellipsis);
}

}  // namespace pressreel::stills
