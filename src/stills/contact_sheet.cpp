#include "pressreel/stills/contact_sheet.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "pressreel/batch/atomic_file.hpp"
#include "pressreel/stills/text_renderer.hpp"

namespace pressreel::stills {
namespace {

constexpr int min_tile_width = 64;
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

std::string extension(SheetFormat format) {
  return format == SheetFormat::webp ? ".webp" : ".jpg";
}

cv::Rect SheetLayout::tile_box(int index) const {
  const int col = index % columns, row = index / columns;
  return {margin + col * (tile_width + spacing), header_height + row * (tile_height + label_height + spacing),
          tile_width, tile_height};
}

cv::Rect SheetLayout::label_box(int index) const {
  const cv::Rect box = tile_box(index);
  return {box.x, box.y + box.height, box.width, label_height};
}

SheetLayout layout_sheet(int tile_count, double tile_aspect, int fact_lines, const SheetStyle& style) {
  SheetLayout l;
  l.spacing = std::max(0, style.spacing);
  l.margin = std::max(0, style.margin);
  l.columns = std::clamp(style.columns, 1, std::max(1, tile_count));
  l.tile_width = std::max(min_tile_width, style.tile_width);
  // Keep under max_width: narrower tiles first, then fewer columns when tiles would get too small.
  const auto grid_width = [&](int columns, int tile_width) {
    return 2 * l.margin + columns * tile_width + (columns - 1) * l.spacing;
  };
  while (grid_width(l.columns, l.tile_width) > style.max_width) {
    const int fit = (style.max_width - 2 * l.margin - (l.columns - 1) * l.spacing) / l.columns;
    if (fit >= min_tile_width || l.columns == 1) {
      l.tile_width = std::max(1, fit);
      break;
    }
    --l.columns;
  }
  const double aspect = tile_aspect > 0 ? tile_aspect : 16.0 / 9.0;
  l.tile_height = std::max(1, static_cast<int>(std::lround(l.tile_width / aspect)));
  l.label_height = TextRenderer::line_height(style.label_size) + 6;
  l.rows = tile_count <= 0 ? 0 : (tile_count + l.columns - 1) / l.columns;
  l.header_height = header_height(style, fact_lines);
  l.width = grid_width(l.columns, l.tile_width);
  l.height =
      l.header_height + l.rows * (l.tile_height + l.label_height) + std::max(0, l.rows - 1) * l.spacing + l.margin;
  return l;
}

cv::Mat render_sheet(const SheetHeader& header, const std::vector<SheetTile>& tiles, const SheetStyle& style) {
  TextRenderer text(FontSet::regular());
  TextRenderer bold(FontSet::bold());
  const int count = static_cast<int>(tiles.size());
  const double aspect = median_aspect(tiles);
  SheetLayout layout = layout_sheet(count, aspect, 0, style);
  const int text_width = layout.width - 2 * layout.margin;
  const std::vector<std::string> facts = wrap_facts(text, header.facts, style.info_size, text_width);
  layout = layout_sheet(count, aspect, static_cast<int>(facts.size()), style);

  cv::Mat sheet(layout.height, layout.width, CV_8UC3, style.background);
  int y = layout.margin;
  bold.draw(sheet, bold.elide(header.title, style.title_size, text_width), {layout.margin, y}, style.title_size,
            style.title_colour);
  y += TextRenderer::line_height(style.title_size);
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
  return sheet;
}

std::string encode_sheet(const cv::Mat& image, SheetFormat format, int quality) {
  const int flag = format == SheetFormat::webp ? cv::IMWRITE_WEBP_QUALITY : cv::IMWRITE_JPEG_QUALITY;
  std::vector<uchar> bytes;
  const std::vector<int> params{flag, std::clamp(quality, 1, 100)};
  if (!cv::imencode(extension(format), image, bytes, params)) {
    throw std::runtime_error("sheet: OpenCV cannot encode " + extension(format));
  }
  return {bytes.begin(), bytes.end()};
}

nlohmann::json write_contact_sheet(const std::filesystem::path& folder, const SheetHeader& header,
                                   const std::vector<SheetTile>& tiles, const SheetStyle& style) {
  const cv::Mat sheet = render_sheet(header, tiles, style);
  const std::string bytes = encode_sheet(sheet, style.format, style.quality);
  const std::string name = "contact-sheet" + extension(style.format);
  batch::write_file_atomic(folder / name, bytes);
  const SheetLayout layout = layout_sheet(static_cast<int>(tiles.size()), median_aspect(tiles), 0, style);
  return {{"path", name},          {"format", style.format == SheetFormat::webp ? "webp" : "jpeg"},
          {"width", sheet.cols},   {"height", sheet.rows},
          {"tiles", tiles.size()}, {"columns", layout.columns},
          {"rows", layout.rows},   {"bytes", bytes.size()}};
}

}  // namespace pressreel::stills
