#pragma once
// Recipes (pipelines/*.toml): which outputs a run makes and every stage's settings. Strict: unknown
// keys, wrong types and impossible values are errors naming the file, line and key.

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "pressreel/batch/limits.hpp"
#include "pressreel/media/decoder.hpp"
#include "pressreel/preview/options.hpp"
#include "pressreel/preview/stream_packager.hpp"
#include "pressreel/preview/teaser.hpp"
#include "pressreel/scenes/scene_options.hpp"
#include "pressreel/stills/candidate_keeper.hpp"
#include "pressreel/stills/contact_sheet.hpp"
#include "pressreel/stills/contact_sheet_tiles.hpp"
#include "pressreel/stills/poster.hpp"
#include "pressreel/stills/storyboard.hpp"

namespace pressreel::batch {

class RecipeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Recipe {
  std::string name;
  std::string description;
  std::filesystem::path source;

  // [input]
  std::vector<std::string> allow_demuxers;
  bool follow_symlinks_outside = false;
  // [decode]
  media::VideoDecoderOptions decoder;
  int frames_in_flight = 0;  // 0 = automatic
  // [batch]
  int jobs = 0;  // clips processed at once; 0 = automatic
  bool strict = false;  // a clip with warnings (corrupt packets, broken audio, missing outputs) fails
  // [limits]: what one clip may be (checked after the probe) and cost (watched while it runs)
  Limits limits;

  // [outputs]: what a clip gets. Shots are always detected (everything else is placed by them).
  struct Outputs {
    bool scenes = true;         // scenes.json/csv/edl, chapters.vtt
    bool stills = true;         // stills/: best frame per shot
    bool poster = true;         // poster/: poster and crops
    bool contact_sheet = true;  // contact-sheet.jpg
    bool storyboard = true;     // storyboard sprites + vtt + json
    bool previews = true;       // preview-<rendition>.mp4/webm
    bool teaser = true;         // teaser.mp4 + teaser.webp
    bool stream = true;         // stream/: HLS + DASH over CMAF segments of the H.264 previews (needs previews)
  } outputs;

  scenes::SceneOptions scenes;            // [scenes]
  stills::KeeperOptions keeper;           // [stills]
  stills::StillsOutput stills;            // [stills] image format, quality, crops, alternates
  stills::StoryboardOptions storyboard;   // [storyboard]
  stills::SheetStyle sheet;               // [contact_sheet]
  stills::SheetSampling sheet_sampling;   // [contact_sheet]
  preview::PreviewOptions preview;        // [preview]
  preview::TeaserOptions teaser;          // [teaser]
  preview::StreamOptions stream;          // [stream]

  // Every effective setting, for the manifest and the incremental-run key.
  nlohmann::json effective() const;
};

// NAME (a built-in recipe in a pipelines folder) or a path to a .toml file.
Recipe load_recipe(const std::string& name_or_file);
Recipe parse_recipe(const std::string& toml_text, const std::filesystem::path& source);

// Every key a recipe may set, with its type, default and a line of help (`pressreel pipelines --keys`).
struct RecipeKey {
  std::string section, key, type, help;
  std::string default_value;  // as JSON text; empty for [recipe]'s keys
};
std::vector<RecipeKey> recipe_keys();

struct RecipeListing {
  std::string name, description;
  std::filesystem::path file;
};
std::vector<RecipeListing> list_recipes();
// Folders searched for built-in recipes, in order.
std::vector<std::filesystem::path> recipe_folders();

}  // namespace pressreel::batch
