#include "pressreel/stills/contact_sheet_tiles.hpp"

#include <fmt/format.h>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace pressreel::stills {
namespace {

std::string frame_rate_text(const media::VideoStreamInfo& video) {
  const media::Rational rate = video.average_frame_rate.valid() ? video.average_frame_rate : video.frame_rate;
  if (!rate.valid()) return {};
  std::string text = fmt::format("{:.3f}", rate.to_double());
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text + (video.variable_frame_rate ? " fps (variable)" : " fps");
}

std::string shot_count_text(size_t shots) {
  return fmt::format("{} shot{}", shots, shots == 1 ? "" : "s");
}

}  // namespace

SheetMode choose_sheet_mode(size_t shot_count, const SheetSampling& sampling) {
  return shot_count >= static_cast<size_t>(std::max(1, sampling.min_shots)) ? SheetMode::per_shot
                                                                            : SheetMode::per_interval;
}

StoryboardOptions interval_sampler_options(const SheetStyle& style, const SheetSampling& sampling) {
  StoryboardOptions options;
  options.name = "contact-sheet-intervals";
  options.tile_width = std::min(style.tile_width, style.max_width);
  options.target_tiles = std::max(1, sampling.interval_tiles);
  options.min_interval_seconds = 0;
  options.sample_position = 0.5;
  options.max_tiles = 2 * options.target_tiles;
  return options;
}

SheetTile shot_tile(const cv::Mat& image, int shot_number, const media::RationalTime& time, int max_width) {
  SheetTile tile{image, fmt::format("Shot {}", shot_number), time.timecode()};
  if (max_width > 0 && image.cols > max_width) {
    const int height = std::max(1, static_cast<int>(std::lround(static_cast<double>(image.rows) * max_width / image.cols)));
    cv::resize(image, tile.image, {max_width, height}, 0, 0, cv::INTER_AREA);
  }
  return tile;
}

SheetTile omitted_shot_tile(int shot_index, const scenes::Shot& shot, const std::vector<OmittedShot>& omitted) {
  const auto why = std::find_if(omitted.begin(), omitted.end(), [&](const OmittedShot& o) { return o.shot == shot_index; });
  const std::string brief = why == omitted.end() ? "no still" : "no still: " + why->brief;
  return {cv::Mat(), fmt::format("Shot {}", shot_index + 1), fmt::format("{} {}", shot.time.start.timecode(), brief)};
}

std::vector<SheetTile> interval_tiles(const StoryboardSampler& sampler, const scenes::SceneList& scenes) {
  std::vector<SheetTile> tiles;
  tiles.reserve(sampler.tiles().size());
  for (const StoryboardTile& tile : sampler.tiles()) {
    const auto shot = std::find_if(scenes.shots.begin(), scenes.shots.end(),
                                   [&](const scenes::Shot& s) { return tile.frame <= s.end_frame; });
    std::string label;
    if (shot != scenes.shots.end() && tile.frame >= shot->start_frame) {
      label = fmt::format("Shot {}", shot - scenes.shots.begin() + 1);
    }
    tiles.push_back({tile.image, label, tile.time.timecode()});
  }
  return tiles;
}

std::string human_size(uintmax_t bytes) {
  static constexpr const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1000 && unit + 1 < std::size(units)) {
    value /= 1000;
    ++unit;
  }
  return unit == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} {}", value, units[unit]);
}

SheetHeader clip_sheet_header(const media::ProbeResult& probe, std::string_view film_title, std::string_view clip_name,
                              size_t shot_count) {
  SheetHeader header{std::string(film_title), std::string(clip_name), {}};
  auto& facts = header.facts;
  facts.push_back("Duration " + media::format_timecode(probe.duration_seconds));
  std::string codecs;
  if (const media::VideoStreamInfo* video = probe.main_video()) {
    std::string size = fmt::format("{}×{}", video->display_width, video->display_height);
    // Say so when what is shown differs from what is stored: anamorphic or rotated sources.
    if (video->display_width != video->width || video->display_height != video->height) {
      size += fmt::format(" (stored {}×{}{})", video->width, video->height,
                          video->rotation != 0 ? fmt::format(", rotated {}°", video->rotation) : "");
    }
    facts.push_back(size);
    if (std::string rate = frame_rate_text(*video); !rate.empty()) facts.push_back(rate);
    if (!video->hdr.empty()) facts.push_back(video->hdr);
    codecs = video->codec;
  }
  if (const media::AudioStreamInfo* audio = probe.main_audio()) {
    codecs += (codecs.empty() ? "" : " / ") + audio->codec;
  }
  if (!codecs.empty()) facts.push_back(codecs);
  facts.push_back(human_size(probe.size_bytes));
  facts.push_back(shot_count_text(shot_count));
  return header;
}

SheetHeader film_sheet_header(std::string_view film_title, const std::vector<FilmSheetClip>& clips) {
  double total = 0;
  for (const FilmSheetClip& clip : clips) total += clip.duration_seconds;
  return {std::string(film_title),
          fmt::format("{} clip{}", clips.size(), clips.size() == 1 ? "" : "s"),
          {"Total duration " + media::format_timecode(total)}};
}

std::vector<SheetTile> film_sheet_tiles(const std::vector<FilmSheetClip>& clips) {
  std::vector<SheetTile> tiles;
  tiles.reserve(clips.size());
  for (const FilmSheetClip& clip : clips) {
    tiles.push_back({clip.poster, clip.name, media::format_timecode(clip.duration_seconds)});
  }
  return tiles;
}

}  // namespace pressreel::stills
