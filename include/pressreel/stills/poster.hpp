#pragma once
// A clip's poster is its best-scored shot still; the next best are listed as alternates. A film's
// poster is the best of its clips' posters. The functions the batch layer calls write `stills/` and
// `poster/` and return JSON describing every file, its size and why it was chosen.

#include <filesystem>
#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <opencv2/core.hpp>
#include <optional>
#include <vector>

#include "pressreel/media/decoder.hpp"
#include "pressreel/media/input.hpp"
#include "pressreel/media/probe.hpp"
#include "pressreel/stills/candidate_keeper.hpp"
#include "pressreel/stills/crops.hpp"
#include "pressreel/stills/image_writer.hpp"

namespace pressreel::stills {

struct PosterChoice {
  const ShotStill* poster = nullptr;  // null when the clip has no still at all
  std::vector<const ShotStill*> alternates;
};

PosterChoice choose_poster(const std::vector<ShotStill>& stills, size_t alternates = 3);

// Index of the film's poster among its clips' poster JSON (as write_poster returns it): the highest
// score; nullopt when no clip has a poster.
std::optional<size_t> choose_film_poster(const std::vector<nlohmann::json>& clip_posters);

// `dir`/shot-001.jpg ... (1-based shot numbers), one per still; an array describing each file.
nlohmann::json write_shot_stills(const std::vector<ShotStill>& stills, const std::filesystem::path& dir,
                                 const ImageOptions& options = {});

// `dir`/poster.<ext> at full resolution and `dir`/<crop name>.<ext>; faces in `frame` coordinates.
nlohmann::json write_poster_files(const cv::Mat& frame, const std::vector<FaceBox>& faces,
                                  const std::filesystem::path& dir, const std::vector<CropSpec>& crops,
                                  const ImageOptions& options = {});

// Reads one frame of the clip again at full resolution (display size, BGR), for a poster whose
// full-resolution copy the keeper did not keep. Throws on a read error.
using FullFrameReader = std::function<cv::Mat(const media::RationalTime& time)>;

// A reader that seeks in `probe`'s clip with a FrameGrabber: frames come out exactly as the decode
// pass delivered them, so the poster is the frame that was scored.
FullFrameReader grab_full_frames(const media::ProbeResult& probe, const media::VideoDecoderOptions& decoder,
                                 const media::InputPolicy& input);

// The clip's poster and crops from the keeper's stills, at full resolution: the keeper's copy, or
// else one read again through `reread` (when given). Only when neither is possible is the analysis
// copy used, and the JSON says so ("full_resolution": false and a warning). With its score breakdown
// and the alternates. Returns null JSON when there is no still.
nlohmann::json write_poster(const std::vector<ShotStill>& stills, const std::filesystem::path& dir,
                            const std::vector<CropSpec>& crops = standard_crops(), const ImageOptions& options = {},
                            size_t alternates = 3, const FullFrameReader& reread = {});

// What the batch layer writes for a clip, and how.
struct StillsOutput {
  ImageOptions image;
  std::vector<CropSpec> crops = standard_crops();
  size_t alternates = 3;
  bool shot_stills = true;  // write stills/
  bool poster = true;       // write poster/
  FullFrameReader reread;   // the poster's full-resolution frame when the keeper has none
};

// `clip_folder`/stills/shot-NNN.<ext> and `clip_folder`/poster/ (poster + crops), as DESIGN.md lays
// them out: {"stills": {"folder": "stills", "files": [...]}, "poster": {"folder": "poster", ...} or null}.
nlohmann::json write_clip_stills(const std::vector<ShotStill>& stills, const std::filesystem::path& clip_folder,
                                 const StillsOutput& output = {});

// Faces found at `from` size, in the coordinates of an image of `to` size.
std::vector<FaceBox> scale_faces(const std::vector<FaceBox>& faces, cv::Size from, cv::Size to);

}  // namespace pressreel::stills
