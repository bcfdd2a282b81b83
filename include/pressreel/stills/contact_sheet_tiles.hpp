#pragma once
// What goes on a contact sheet: the header facts of a clip or a film, and the tiles. A clip with
// enough shots gets one tile per shot (its best still); one with very few shots gets tiles at fixed
// intervals instead, taken during the same decode pass by a second StoryboardSampler.

#include <string_view>
#include <vector>

#include "pressreel/media/probe.hpp"
#include "pressreel/scenes/shot.hpp"
#include "pressreel/stills/candidate_keeper.hpp"
#include "pressreel/stills/contact_sheet.hpp"
#include "pressreel/stills/storyboard.hpp"

namespace pressreel::stills {

enum class SheetMode { per_shot, per_interval };

struct SheetSampling {
  int min_shots = 6;        // fewer shots than this: tiles at intervals
  int interval_tiles = 15;  // how many
};

SheetMode choose_sheet_mode(size_t shot_count, const SheetSampling& sampling = {});

// Options for the StoryboardSampler that keeps interval tiles at the sheet's tile width. Run it in
// every pass: whether its tiles are needed is known only once the shots are.
StoryboardOptions interval_sampler_options(const SheetStyle& style, const SheetSampling& sampling = {});

// A shot's tile: "Shot N" (1-based) and the still's timecode; its image shrunk to at most `max_width`
// (0 = as given), so a sheet of hundreds of shots does not hold hundreds of full-size stills.
SheetTile shot_tile(const cv::Mat& image, int shot_number, const media::RationalTime& time, int max_width = 0);
// The blank tile of a shot that has no still: "Shot N", its start, and why (from `omitted`, which
// lists shots by index), so the sheet accounts for every shot.
SheetTile omitted_shot_tile(int shot_index, const scenes::Shot& shot, const std::vector<OmittedShot>& omitted);
// The sampler's tiles, each labelled with the shot it falls in (when `scenes` has shots) and its timecode.
std::vector<SheetTile> interval_tiles(const StoryboardSampler& sampler, const scenes::SceneList& scenes);

// Film title, clip name, then duration, resolution, frame rate, codecs, file size and shot count.
SheetHeader clip_sheet_header(const media::ProbeResult& probe, std::string_view film_title, std::string_view clip_name,
                              size_t shot_count);

struct FilmSheetClip {
  std::string name;
  double duration_seconds = 0;
  cv::Mat poster;  // BGR; empty when the clip failed (its tile stays blank, but is listed)
};
// The film's sheet: one tile per clip, its poster with its name and duration.
SheetHeader film_sheet_header(std::string_view film_title, const std::vector<FilmSheetClip>& clips);
std::vector<SheetTile> film_sheet_tiles(const std::vector<FilmSheetClip>& clips);

// "84.2 MB"
std::string human_size(uintmax_t bytes);

}  // namespace pressreel::stills
