#include "pressreel/stills/contact_sheet.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "stills/image_reader.hpp"
#include "stills/text_renderer.hpp"

namespace pressreel::stills {
namespace {

// Below this a tile and its "Shot N  timecode" label stop being readable.
constexpr int min_tile_width = 160;
const std::string fact_separator = "   ·   ";

// Header rows: title, subtitle, then the wrapped facts.
int header_height(const SheetStyle& style, int fact_lines) {
  return style.margin + TextRenderer::line_height(style.title_size) + TextRenderer::line_height(style.info_size) +
         fact_lines * TextRenderer::line_height(style.info_size) + style.margin / 2;
}

double median_aspect(const std::vector<SheetTile>& tiles) {
  std::vector<double> aspects;
  for (const SheetTile& t : tiles) {
    if (!t.image.empty()) aspects.push_back(static_cast<double>(t.image.cols) / t.image.rows);
  }
  if (aspects.empty()) return 16.0 / 9.0;
  std::nth_element(aspects.begin(), aspects.begin() + aspects.size() / 2, aspects.end());
  return aspects[aspects.size() / 2];
}

// Greedy wrap of whole facts into lines no wider than `width`; a fact wider than a line is elided.
std::vector<std::string> wrap_facts(TextRenderer& text, const std::vector<std::string>& facts, int size, int width) {
  std::vector<std::string> lines;
  for (const std::string& raw : facts) {
    const std::string fact = text.elide(raw, size, width);
    const std::string joined =
        lines.empty() ? std::string() : fmt::format("{}{}{}", lines.back(), fact_separator, fact);
    if (!lines.empty() && text.width(joined, size) <= width) {
      lines.back() = joined;
    } else {
      lines.push_back(fact);
    }
  }
  return lines;
}

// `image` scaled to fit `box` with its proportions kept, centred on the tile background.
void place_tile(cv::Mat& sheet, const cv::Mat& image, const cv::Rect& box, const cv::Scalar& background) {
  sheet(box).setTo(background);
  if (image.empty()) return;
  // Scaled up or down to fill the box in one dimension (media::fit_within never enlarges).
  const double scale =
      std::min(static_cast<double>(box.width) / image.cols, static_cast<double>(box.height) / image.rows);
  const cv::Size fitted(std::clamp(static_cast<int>(std::lround(image.cols * scale)), 1, box.width),
                        std::clamp(static_cast<int>(std::lround(image.rows * scale)), 1, box.height));
  // Small tiles of large frames: INTER_AREA averages instead of aliasing; enlarging needs interpolation.
  const int interpolation = fitted.width < image.cols ? cv::INTER_AREA : cv::INTER_LINEAR;
  cv::Mat scaled;
  cv::resize(image, scaled, fitted, 0, 0, interpolation);
  if (scaled.type() != CV_8UC3) {
    cv::Mat converted;
    cv::cvtColor(scaled, converted, scaled.channels() == 1 ? cv::COLOR_GRAY2BGR : cv::COLOR_BGRA2BGR);
    scaled = converted;
  }
  const cv::Rect at(box.x + (box.width - fitted.width) / 2, box.y + (box.height - fitted.height) / 2, fitted.width,
                    fitted.height);
  scaled.copyTo(sheet(at));
}

}  // namespace

cv::Rect SheetLayout::tile_box(int index) const {
  const int col = index % columns, row = index / columns;
  return {margin + col * (tile_width + spacing), header_height + row * (tile_height + label_height + spacing),
          tile_width, tile_height};
}

cv::Rect SheetLayout::label_box(int index) const {
  const cv::Rect box = tile_box(index);
  return {box.x, box.y + box.height, box.width, label_height};
}

namespace {

// The grid at a fixed column count, tiles narrowed to keep the sheet under max_width.
SheetLayout grid(int tile_count, int columns, double tile_aspect, int fact_lines, const SheetStyle& style) {
  SheetLayout l;
  l.spacing = std::max(0, style.spacing);
  l.margin = std::max(0, style.margin);
  l.columns = columns;
  const int fit = (style.max_width - 2 * l.margin - (columns - 1) * l.spacing) / columns;
  l.tile_width = std::max(1, std::min(std::max(min_tile_width, style.tile_width), fit));
  const double aspect = tile_aspect > 0 ? tile_aspect : 16.0 / 9.0;
  l.tile_height = std::max(1, static_cast<int>(std::lround(l.tile_width / aspect)));
  l.label_height = TextRenderer::line_height(style.label_size) + 6;
  l.rows = tile_count <= 0 ? 0 : (tile_count + columns - 1) / columns;
  l.header_height = header_height(style, fact_lines);
  l.width = 2 * l.margin + columns * l.tile_width + (columns - 1) * l.spacing;
  l.height =
      l.header_height + l.rows * (l.tile_height + l.label_height) + std::max(0, l.rows - 1) * l.spacing + l.margin;
  return l;
}

}  // namespace

SheetLayout layout_sheet(int tile_count, double tile_aspect, int fact_lines, const SheetStyle& style) {
  // Tiles keep a picture's shape between a tall phone video's and a wide panorama's; stranger shapes (a
  // 2x4096 clip) are fitted into such a tile, as place_tile letterboxes any picture, rather than
  // making a sheet taller than an image can be.
  tile_aspect = std::isfinite(tile_aspect) ? std::clamp(tile_aspect, 1.0 / 3.0, 4.0) : 16.0 / 9.0;
  int columns = std::clamp(style.columns, 1, std::max(1, tile_count));
  SheetLayout l = grid(tile_count, columns, tile_aspect, fact_lines, style);
  // Tiles too small to read: fewer columns.
  while (l.tile_width < min_tile_width && columns > 1) l = grid(tile_count, --columns, tile_aspect, fact_lines, style);
  // Taller than an image should be (a clip with hundreds of shots): more, smaller columns.
  while (l.height > style.max_height && columns < tile_count) {
    const SheetLayout wider = grid(tile_count, columns + 1, tile_aspect, fact_lines, style);
    if (wider.tile_width < min_tile_width) break;
    l = wider;
    ++columns;
  }
  return l;
}

namespace {

// How many tiles fit under `max_height` in `layout`'s grid.
int capacity(const SheetLayout& layout, int max_height) {
  const int cell = layout.tile_height + layout.label_height + layout.spacing;
  const int rows = std::max(1, (max_height - layout.header_height - layout.margin + layout.spacing) / cell);
  return rows * layout.columns;
}

// Tiles spread evenly over the list (first and last kept) when even the smallest readable grid
// would make the sheet taller than max_height.
std::vector<SheetTile> fit_tiles(const std::vector<SheetTile>& tiles, const SheetLayout& layout, int max_height) {
  const int count = static_cast<int>(tiles.size());
  const int keep = std::min(count, capacity(layout, max_height));
  if (keep == count) return tiles;
  std::vector<SheetTile> kept;
  kept.reserve(keep);
  for (int i = 0; i < keep; ++i) {
    const double at = keep == 1 ? 0.0 : static_cast<double>(i) * (count - 1) / (keep - 1);
    kept.push_back(tiles[static_cast<size_t>(std::llround(at))]);
  }
  return kept;
}

// The title line, on its own band of background: redrawn alone when only the film's title changed.
void draw_title(cv::Mat& sheet, TextRenderer& bold, const std::string& title, const SheetStyle& style) {
  const int margin = std::max(0, style.margin);
  const int band = std::min(TextRenderer::line_height(style.title_size), sheet.rows - margin);
  if (band <= 0) return;
  sheet(cv::Rect(0, margin, sheet.cols, band)).setTo(style.background);
  const int text_width = sheet.cols - 2 * margin;
  bold.draw(sheet, bold.elide(title, style.title_size, text_width), {margin, margin}, style.title_size,
            style.title_colour);
}

struct RenderedSheet {
  cv::Mat image;
  SheetLayout layout;
  int tiles = 0;  // drawn
};

RenderedSheet render(const SheetHeader& header, const std::vector<SheetTile>& given, const SheetStyle& style) {
  TextRenderer text(FontSet::regular());
  TextRenderer bold(FontSet::bold());
  const double aspect = median_aspect(given);
  SheetLayout layout = layout_sheet(static_cast<int>(given.size()), aspect, 0, style);
  const int text_width = layout.width - 2 * layout.margin;
  const std::vector<std::string> facts = wrap_facts(text, header.facts, style.info_size, text_width);
  layout = layout_sheet(static_cast<int>(given.size()), aspect, static_cast<int>(facts.size()), style);
  const std::vector<SheetTile> tiles = fit_tiles(given, layout, style.max_height);
  const int count = static_cast<int>(tiles.size());
  layout = layout_sheet(count, aspect, static_cast<int>(facts.size()), style);

  cv::Mat sheet(layout.height, layout.width, CV_8UC3, style.background);
  draw_title(sheet, bold, header.title, style);
  int y = layout.margin + TextRenderer::line_height(style.title_size);
  text.draw(sheet, text.elide(header.subtitle, style.info_size, text_width), {layout.margin, y}, style.info_size,
            style.title_colour);
  y += TextRenderer::line_height(style.info_size);
  for (const std::string& line : facts) {
    text.draw(sheet, line, {layout.margin, y}, style.info_size, style.info_colour);
    y += TextRenderer::line_height(style.info_size);
  }

  const int pad = 4;
  for (int i = 0; i < count; ++i) {
    place_tile(sheet, tiles[i].image, layout.tile_box(i), style.tile_background);
    const cv::Rect strip = layout.label_box(i);
    const int detail_width = text.width(tiles[i].detail, style.label_size);
    const int label_room = strip.width - (detail_width > 0 ? detail_width + 2 * pad : 0);
    text.draw(sheet, text.elide(tiles[i].label, style.label_size, label_room), {strip.x, strip.y + pad},
              style.label_size, style.label_colour);
    text.draw(sheet, tiles[i].detail, {strip.x + strip.width - detail_width, strip.y + pad}, style.label_size,
              style.detail_colour);
  }
  return {sheet, layout, count};
}

}  // namespace

cv::Mat render_sheet(const SheetHeader& header, const std::vector<SheetTile>& tiles, const SheetStyle& style) {
  return render(header, tiles, style).image;
}

std::optional<uintmax_t> retitle_contact_sheet(const std::filesystem::path& file, const std::string& title,
                                               const SheetStyle& style) {
  cv::Mat sheet = read_image(file);
  if (sheet.empty()) return std::nullopt;
  TextRenderer bold(FontSet::bold());
  draw_title(sheet, bold, title, style);
  return write_image(file, sheet, style.image);
}

nlohmann::json write_contact_sheet(const std::filesystem::path& folder, const SheetHeader& header,
                                   const std::vector<SheetTile>& tiles, const SheetStyle& style) {
  const RenderedSheet sheet = render(header, tiles, style);
  const std::string name = "contact-sheet." + extension(style.image.format);
  const uintmax_t bytes = write_image(folder / name, sheet.image, style.image);
  return {{"path", name},
          {"format", style.image.format == ImageFormat::webp ? "webp" : "jpeg"},
          {"width", sheet.image.cols},
          {"height", sheet.image.rows},
          {"tiles", sheet.tiles},
          {"omitted", static_cast<int>(tiles.size()) - sheet.tiles},
          {"columns", sheet.layout.columns},
          {"rows", sheet.layout.rows},
          {"bytes", bytes}};
}

}  // namespace pressreel::stills
