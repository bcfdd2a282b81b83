#pragma once
// Contact sheets: a clip (or a film) at a glance. A header that says what the clip is, then a grid of
// tiles, each labelled. The sheet renders what it is given; choosing frames happens before it
// (best still per shot from the candidate keeper, or frames at fixed intervals for clips with very
// few shots, see contact_sheet_tiles.hpp).

#include <filesystem>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <vector>

#include "pressreel/stills/image_writer.hpp"

namespace pressreel::stills {

struct SheetStyle {
  int columns = 5;
  int tile_width = 384;  // shrunk when the grid would be wider than max_width
  int spacing = 8;       // between tiles
  int margin = 20;       // around the sheet
  int max_width = 2048;
  // A clip with hundreds of shots gets more, smaller columns; past the smallest readable tiles, an
  // evenly spread subset of them (reported as "omitted").
  int max_height = 16384;
  int title_size = 30, info_size = 16, label_size = 14;  // em sizes in pixels
  cv::Scalar background{24, 24, 24}, tile_background{0, 0, 0};
  cv::Scalar title_colour{245, 245, 245}, info_colour{190, 190, 190}, label_colour{225, 225, 225},
      detail_colour{150, 150, 150};
  ImageOptions image;  // JPEG by default, WebP on request
};

struct SheetTile {
  cv::Mat image;       // BGR, upright, square pixels (as the decode pass and Scaler deliver them)
  std::string label;   // left under the tile: "Shot 12", a clip name
  std::string detail;  // right under the tile: a timecode, a duration
};

struct SheetHeader {
  std::string title;               // the film
  std::string subtitle;            // the clip
  std::vector<std::string> facts;  // "Duration 00:02:31.000", "1920×1080", ...; wrapped to the sheet width
};

// Where everything goes; a pure function of the counts and the style, so it can be checked without pixels.
struct SheetLayout {
  int columns = 0, rows = 0;
  int tile_width = 0, tile_height = 0;  // the box each image is fitted into
  int label_height = 0;                 // strip under each box
  int header_height = 0;
  int width = 0, height = 0;
  int spacing = 0, margin = 0;

  cv::Rect tile_box(int index) const;   // image box of tile `index`
  cv::Rect label_box(int index) const;  // its label strip
};

// `tile_aspect` is width / height of the box (the median aspect of the tiles); `fact_lines` the
// number of wrapped fact lines in the header.
SheetLayout layout_sheet(int tile_count, double tile_aspect, int fact_lines, const SheetStyle& style);

// The sheet as a BGR image. Text of any script; characters no font has show as U+FFFD.
cv::Mat render_sheet(const SheetHeader& header, const std::vector<SheetTile>& tiles, const SheetStyle& style);

// Renders and writes `folder/contact-sheet.<jpg|webp>` atomically; returns what was written, for the
// manifest: {"path", "format", "width", "height", "tiles" (drawn), "omitted", "columns", "rows", "bytes"}.
nlohmann::json write_contact_sheet(const std::filesystem::path& folder, const SheetHeader& header,
                                   const std::vector<SheetTile>& tiles, const SheetStyle& style = {});

// The sheet in `file` (written with `style`) with its title line redrawn, rewritten in place; the rest
// of the header (the clip and its facts) and the tiles stay as they are. For a film retitled in
// film.toml: the tiles came from a decode pass not worth repeating. Returns the new size in bytes,
// or nullopt when `file` cannot be read as an image.
std::optional<uintmax_t> retitle_contact_sheet(const std::filesystem::path& file, const std::string& title,
                                               const SheetStyle& style);

}  // namespace pressreel::stills
