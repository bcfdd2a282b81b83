#pragma once
// Player storyboards (hover previews, after Mux, JW Player and Jellyfin): small tiles sampled at a
// fixed interval during the one decode pass, packed into sprite images, described by a WebVTT file
// (`storyboard.jpg#xywh=x,y,w,h` per cue) and the same as JSON.

#include <tbb/enumerable_thread_specific.h>

#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <vector>

#include "pressreel/media/frame_sink.hpp"
#include "pressreel/media/scaler.hpp"
#include "pressreel/scenes/shot.hpp"
#include "pressreel/stills/contact_sheet.hpp"

namespace pressreel::stills {

struct StoryboardOptions {
  int tile_width = 160;             // height follows the display aspect
  int target_tiles = 100;           // interval = duration / target_tiles ...
  double min_interval_seconds = 1;  // ... but never shorter than this (short clips: one tile a second)
  double interval_seconds = 0;      // a fixed interval instead (0 = from the two above)
  // Where in its interval a tile is taken: 0 = its start (what a player's hover preview expects),
  // 0.5 = its middle (contact sheets: not the black first frame of a fade-in).
  double sample_position = 0;
  // Memory bound whatever the clip length: past this many tiles the interval doubles and every other
  // tile is dropped (also covers clips whose probed duration is missing or wrong).
  int max_tiles = 600;
  int max_sprite_size = 4096;       // sprite width and height limit
  std::string name = "storyboard";  // storyboard.jpg / storyboard-0.jpg..., storyboard.vtt, storyboard.json
  ImageOptions image{ImageFormat::jpeg, 80, false};  // baseline JPEG: sprites are decoded whole anyway
};

struct StoryboardTile {
  media::RationalTime time;  // of the sampled frame
  int64_t frame = 0;
  cv::Mat image;  // BGR, tile_size
};

// A FrameSink: decides the interval from the probe, scales (in the parallel stage) only the frames
// that will be kept, and keeps the tiles in order.
class StoryboardSampler : public media::FrameSink {
 public:
  explicit StoryboardSampler(StoryboardOptions options = {});

  std::string_view name() const override { return options_.name; }  // in the pass's logs too
  void on_start(const media::ProbeResult& probe, const media::VideoStreamInfo& video) override;
  std::any prepare(const media::VideoFrame& frame) override;
  void on_frame(const media::VideoFrame& frame, std::any& prepared) override;
  void on_end(const media::DecodeSummary& summary) override;

  const StoryboardOptions& options() const { return options_; }
  const std::vector<StoryboardTile>& tiles() const { return tiles_; }
  // The sampling interval, on the storyboard's millisecond grid (see storyboard_grid).
  media::RationalTime interval() const { return {interval_ticks_, storyboard_grid}; }
  cv::Size tile_size() const { return tile_size_; }
  // The clip's duration on the grid: the decode pass's when it has ended, the probe's before.
  media::RationalTime duration() const { return duration_; }
  // The interval `time` is sampled in (-1 before the first sampling position).
  int64_t slot_of(const media::RationalTime& time) const { return slot_of(time, interval_ticks_); }

  // WebVTT and Mux's storyboard JSON count milliseconds: the interval, the duration and the cues are
  // whole milliseconds, so the cues written are exactly the cues computed.
  static constexpr AVRational storyboard_grid{1, 1000};

 private:
  int64_t slot_of(const media::RationalTime& time, int64_t interval_ticks) const;
  void halve_tiles();

  StoryboardOptions options_;
  std::atomic<int64_t> interval_atomic_{1000};  // interval_ticks_, read by prepare() threads
  int64_t interval_ticks_ = 1000;               // of storyboard_grid
  media::RationalTime duration_{0, storyboard_grid};
  cv::Size tile_size_;
  std::vector<StoryboardTile> tiles_;
  tbb::enumerable_thread_specific<media::Scaler> scalers_;
  media::Scaler serial_scaler_;  // for a frame prepare() did not expect to be kept
};

// Where each tile goes in which sprite; a pure function of the counts, so it can be checked alone.
struct StoryboardLayout {
  struct Sprite {
    std::string file;
    int width = 0, height = 0;
    int first_tile = 0, tile_count = 0;
  };
  struct Place {
    int sprite = 0, x = 0, y = 0;
  };
  cv::Size tile;
  int columns = 0;
  std::vector<Sprite> sprites;
  std::vector<Place> places;  // one per tile
};
StoryboardLayout layout_storyboard(int tile_count, cv::Size tile, const StoryboardOptions& options);

// One cue per tile, contiguous from 0: a tile's cue is the interval it opens up to the next tile's,
// the last one's to the duration (never empty).
std::vector<media::TimeRange> storyboard_cues(const StoryboardSampler& sampler);

// Writes the sprites, `<name>.vtt` and `<name>.json` into `folder`, each atomically; returns what
// was written: {"vtt", "json", "sprites": [...], "tiles", "tile_width", "tile_height", "interval"}.
// Writes nothing and returns {"tiles": 0} when no frame was sampled.
nlohmann::json write_storyboard(const std::filesystem::path& folder, const StoryboardSampler& sampler);

}  // namespace pressreel::stills
