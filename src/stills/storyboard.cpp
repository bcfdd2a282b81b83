#include "pressreel/stills/storyboard.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "io/atomic_file.hpp"

namespace pressreel::stills {
namespace {

constexpr AVRational grid = StoryboardSampler::storyboard_grid;

// Ticks of the grid `t` rounds to (a time before the clip's first frame counts as 0).
int64_t grid_ticks(const media::RationalTime& t) { return std::max<int64_t>(0, t.rescaled(grid).ticks()); }

// Seconds as the JSON writes them: whole milliseconds over 1000 (RationalTime::seconds() multiplies
// by 0.001, which can differ in the last digit).
double json_seconds(const media::RationalTime& t) { return static_cast<double>(grid_ticks(t)) / grid.den; }

// Tile size for pictures displayed at `display`: the configured width, the height from the aspect,
// shrunk to fit a sprite (a portrait clip at a large tile width).
cv::Size tile_size_for(cv::Size display, const StoryboardOptions& options) {
  if (display.width <= 0 || display.height <= 0) display = {16, 9};
  const int width = std::max(2, options.tile_width);
  const int height =
      std::max(2, static_cast<int>(std::lround(static_cast<double>(width) * display.height / display.width)));
  const int limit = std::max(2, options.max_sprite_size);
  const double shrink = std::min({1.0, static_cast<double>(limit) / width, static_cast<double>(limit) / height});
  return {std::max(2, static_cast<int>(width * shrink)), std::max(2, static_cast<int>(height * shrink))};
}

// The frame at `tile` size with its display proportions kept: a frame whose shape differs from the
// clip's (a mid-stream size change) is letterboxed rather than stretched.
cv::Mat scale_tile(media::Scaler& scaler, const AVFrame* picture, cv::Size tile) {
  const cv::Size display = media::display_size(picture);
  const double scale =
      std::min(static_cast<double>(tile.width) / display.width, static_cast<double>(tile.height) / display.height);
  const cv::Size fitted(std::clamp(static_cast<int>(std::lround(display.width * scale)), 1, tile.width),
                        std::clamp(static_cast<int>(std::lround(display.height * scale)), 1, tile.height));
  cv::Mat scaled = scaler.to_bgr(picture, fitted);
  if (fitted == tile) return scaled;
  cv::Mat boxed(tile, CV_8UC3, cv::Scalar::all(0));
  scaled.copyTo(
      boxed(cv::Rect((tile.width - fitted.width) / 2, (tile.height - fitted.height) / 2, fitted.width, fitted.height)));
  return boxed;
}

}  // namespace

StoryboardSampler::StoryboardSampler(StoryboardOptions options)
    : options_(std::move(options)),
      scalers_([] { return media::Scaler(media::ScaleQuality::good); }),
      serial_scaler_(media::ScaleQuality::good) {}

void StoryboardSampler::on_start(const media::ProbeResult& probe, const media::VideoStreamInfo& video) {
  cv::Size display(video.display_width, video.display_height);
  if (display.width <= 0 || display.height <= 0) display = {video.width, video.height};
  tile_size_ = tile_size_for(display, options_);

  const double duration = video.duration_seconds > 0 ? video.duration_seconds : probe.duration_seconds;
  duration_ = media::RationalTime::from_seconds(std::max(0.0, duration), grid);
  double interval = options_.interval_seconds;
  if (interval <= 0) {
    interval = std::max(options_.min_interval_seconds, duration / std::max(1, options_.target_tiles));
    if (interval <= 0) interval = 1;  // unknown duration and no minimum: max_tiles bounds the count
  }
  interval_ticks_ = std::max<int64_t>(1, media::RationalTime::from_seconds(interval, grid).ticks());
  interval_atomic_.store(interval_ticks_, std::memory_order_relaxed);
  tiles_.clear();
}

int64_t StoryboardSampler::slot_of(const media::RationalTime& time, int64_t interval_ticks) const {
  const auto offset = static_cast<int64_t>(std::clamp(options_.sample_position, 0.0, 0.999) * interval_ticks);
  const int64_t at = grid_ticks(time);
  return at < offset ? -1 : (at - offset) / interval_ticks;
}

std::any StoryboardSampler::prepare(const media::VideoFrame& frame) {
  // Only the first frame of each interval is kept; judge that from this frame's duration as the gap
  // to the one before. A frame this misjudges is scaled in on_frame instead, so none is lost.
  const int64_t interval = interval_atomic_.load(std::memory_order_relaxed);
  const int64_t slot = slot_of(frame.time, interval);
  const bool first_in_slot = slot >= 0 && (frame.index == 0 || frame.duration.ticks() <= 0 ||
                                           slot_of(frame.time - frame.duration, interval) != slot);
  if (!first_in_slot) return {};
  return scale_tile(scalers_.local(), frame.picture.get(), tile_size_);
}

void StoryboardSampler::on_frame(const media::VideoFrame& frame, std::any& prepared) {
  const int64_t slot = slot_of(frame.time);
  if (slot < 0 || (!tiles_.empty() && slot <= slot_of(tiles_.back().time))) return;
  cv::Mat* image = std::any_cast<cv::Mat>(&prepared);
  tiles_.push_back(
      {frame.time, frame.index,
       image != nullptr ? std::move(*image) : scale_tile(serial_scaler_, frame.picture.get(), tile_size_)});
  if (static_cast<int>(tiles_.size()) > std::max(2, options_.max_tiles)) halve_tiles();
}

void StoryboardSampler::halve_tiles() {
  interval_ticks_ *= 2;
  interval_atomic_.store(interval_ticks_, std::memory_order_relaxed);
  std::vector<StoryboardTile> kept;
  kept.reserve(tiles_.size() / 2 + 1);
  for (StoryboardTile& tile : tiles_) {
    if (kept.empty() || slot_of(tile.time) > slot_of(kept.back().time)) kept.push_back(std::move(tile));
  }
  tiles_ = std::move(kept);
}

void StoryboardSampler::on_end(const media::DecodeSummary& summary) {
  const media::RationalTime decoded = summary.duration.rescaled(grid);
  if (decoded.ticks() > 0) duration_ = decoded;
}

std::vector<media::TimeRange> storyboard_cues(const StoryboardSampler& sampler) {
  std::vector<media::TimeRange> cues;
  cues.reserve(sampler.tiles().size());
  const int64_t interval = sampler.interval().ticks();
  for (const StoryboardTile& tile : sampler.tiles()) {
    // The interval a tile opens: hovering anywhere in it shows that tile. The first covers from 0.
    const media::RationalTime start(cues.empty() ? 0 : sampler.slot_of(tile.time) * interval, grid);
    if (!cues.empty()) cues.back().end = start;
    cues.push_back({start, start});
  }
  if (!cues.empty()) cues.back().end = std::max(sampler.duration(), cues.back().start + media::RationalTime(1, grid));
  return cues;
}

StoryboardLayout layout_storyboard(int tile_count, cv::Size tile, const StoryboardOptions& options) {
  StoryboardLayout layout;
  layout.tile = tile;
  if (tile_count <= 0 || tile.width <= 0 || tile.height <= 0) return layout;
  const int limit = std::max(options.max_sprite_size, std::max(tile.width, tile.height));
  // Roughly square sprites, as wide as the limit allows.
  const int square = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(tile_count))));
  layout.columns = std::clamp(square, 1, limit / tile.width);
  const int rows_needed = (tile_count + layout.columns - 1) / layout.columns;
  const int rows_per_sprite = std::clamp(rows_needed, 1, limit / tile.height);
  const int per_sprite = layout.columns * rows_per_sprite;
  const int sprite_count = (tile_count + per_sprite - 1) / per_sprite;
  for (int s = 0; s < sprite_count; ++s) {
    StoryboardLayout::Sprite sprite;
    sprite.first_tile = s * per_sprite;
    sprite.tile_count = std::min(per_sprite, tile_count - sprite.first_tile);
    sprite.width = layout.columns * tile.width;
    sprite.height = (sprite.tile_count + layout.columns - 1) / layout.columns * tile.height;
    sprite.file =
        options.name + (sprite_count == 1 ? "" : "-" + std::to_string(s)) + "." + extension(options.image.format);
    layout.sprites.push_back(sprite);
  }
  for (int i = 0; i < tile_count; ++i) {
    const int s = i / per_sprite, k = i % per_sprite;
    layout.places.push_back({s, k % layout.columns * tile.width, k / layout.columns * tile.height});
  }
  return layout;
}

nlohmann::json write_storyboard(const std::filesystem::path& folder, const StoryboardSampler& sampler) {
  const auto& tiles = sampler.tiles();
  const StoryboardOptions& options = sampler.options();
  if (tiles.empty()) return {{"tiles", 0}};
  const StoryboardLayout layout = layout_storyboard(static_cast<int>(tiles.size()), sampler.tile_size(), options);

  nlohmann::json sprites = nlohmann::json::array();
  for (const auto& sprite : layout.sprites) {
    // One sprite in memory at a time.
    cv::Mat canvas(sprite.height, sprite.width, CV_8UC3, cv::Scalar::all(0));
    for (int i = sprite.first_tile; i < sprite.first_tile + sprite.tile_count; ++i) {
      const auto& place = layout.places[i];
      tiles[i].image.copyTo(canvas(cv::Rect(place.x, place.y, layout.tile.width, layout.tile.height)));
    }
    write_image(folder / sprite.file, canvas, options.image);
    sprites.push_back({{"url", sprite.file}, {"width", sprite.width}, {"height", sprite.height}});
  }

  const std::vector<media::TimeRange> cues = storyboard_cues(sampler);
  const media::RationalTime duration = cues.back().end;
  std::string vtt = "WEBVTT\n";
  nlohmann::json json_tiles = nlohmann::json::array();
  for (size_t i = 0; i < tiles.size(); ++i) {
    const auto& place = layout.places[i];
    vtt += fmt::format("\n{} --> {}\n{}#xywh={},{},{},{}\n", cues[i].start.timecode(), cues[i].end.timecode(),
                       layout.sprites[place.sprite].file, place.x, place.y, layout.tile.width, layout.tile.height);
    json_tiles.push_back(
        {{"start", json_seconds(cues[i].start)}, {"x", place.x}, {"y", place.y}, {"sprite", place.sprite}});
  }
  // Mux's storyboard JSON, plus "sprites" and a per-tile "sprite" index for clips that need several.
  const nlohmann::json board = {{"url", layout.sprites.front().file},
                                {"tile_width", layout.tile.width},
                                {"tile_height", layout.tile.height},
                                {"duration", json_seconds(duration)},
                                {"interval", json_seconds(sampler.interval())},
                                {"sprites", sprites},
                                {"tiles", json_tiles}};
  const std::string vtt_name = options.name + ".vtt", json_name = options.name + ".json";
  io::write_file_atomic(folder / vtt_name, vtt);
  io::write_json_atomic(folder / json_name, board);
  return {{"vtt", vtt_name},
          {"json", json_name},
          {"sprites", sprites},
          {"tiles", tiles.size()},
          {"tile_width", layout.tile.width},
          {"tile_height", layout.tile.height},
          {"interval", json_seconds(sampler.interval())},
          {"duration", json_seconds(duration)}};
}

}  // namespace pressreel::stills
