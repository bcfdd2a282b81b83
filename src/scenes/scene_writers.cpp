#include "pressreel/scenes/scene_writers.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace pressreel::scenes {
nlohmann::json to_json(const SceneList& scenes) {
  nlohmann::json cuts = nlohmann::json::array();
  for (const Cut& c : scenes.cuts) {
    cuts.push_back({{"frame", c.frame},
                    {"seconds", c.time.seconds()},
                    {"time", c.time.fraction()},
                    {"timecode", c.time.timecode()},
                    {"kind", to_string(c.kind)},
                    {"confidence", c.confidence},
                    {"first_frame", c.first_frame},
                    {"last_frame", c.last_frame},
                    {"first_seconds", c.transition.start.seconds()},
                    {"last_seconds", c.transition.end.seconds()}});
  }
  nlohmann::json shots = nlohmann::json::array();
  for (const Shot& s : scenes.shots) {
    shots.push_back({{"start_frame", s.start_frame},
                     {"end_frame", s.end_frame},
                     {"frames", s.end_frame - s.start_frame + 1},
                     {"start_seconds", s.time.start.seconds()},
                     {"end_seconds", s.time.end.seconds()},
                     {"start_time", s.time.start.fraction()},
                     {"end_time", s.time.end.fraction()},
                     {"start_timecode", s.time.start.timecode()},
                     {"end_timecode", s.time.end.timecode()}});
  }
  return {{"frames", scenes.frames},
          {"fps", scenes.fps.str()},
          {"duration_seconds", scenes.duration.seconds()},
          {"cuts", std::move(cuts)},
          {"shots", std::move(shots)}};
}

std::string scenes_json(const SceneList& scenes) { return to_json(scenes).dump(2) + "\n"; }

std::string scenes_csv(const SceneList& scenes) {
  std::string out = "Timecode List:";
  for (size_t i = 1; i < scenes.shots.size(); ++i) out += "," + scenes.shots[i].time.start.timecode();
  out += "\n";
  out += "Scene Number,Start Frame,Start Timecode,Start Time (seconds),End Frame,End Timecode,End Time (seconds),"
         "Length (frames),Length (timecode),Length (seconds)\n";
  for (size_t i = 0; i < scenes.shots.size(); ++i) {
    const Shot& s = scenes.shots[i];
    const media::RationalTime length = s.time.duration();
    out += fmt::format("{},{},{},{:.3f},{},{},{:.3f},{},{},{:.3f}\n", i + 1, s.start_frame + 1,
                       s.time.start.timecode(), s.time.start.seconds(), s.end_frame + 1, s.time.end.timecode(),
                       s.time.end.seconds(), s.end_frame - s.start_frame + 1, length.timecode(), length.seconds());
  }
  return out;
}

std::string scenes_edl(const SceneList& scenes, std::string_view title) {
  // EDL titles are one line of plain text.
  std::string clean;
  for (char c : title) clean += (c == '\n' || c == '\r') ? ' ' : c;
  std::string out = fmt::format("TITLE: {}\nFCM: NON-DROP FRAME\n\n", clean);
  for (size_t i = 0; i < scenes.shots.size(); ++i) {
    const Shot& s = scenes.shots[i];
    const std::string in = s.time.start.smpte(scenes.fps), end = s.time.end.smpte(scenes.fps);
    out += fmt::format("{:03}  AX       V     C        {} {} {} {}\n", i + 1, in, end, in, end);
    out += fmt::format("* FROM CLIP NAME: {}\n", clean);
    if (i > 0 && i - 1 < scenes.cuts.size()) {
      out += fmt::format("* PRESSREEL BOUNDARY: {}\n", to_string(scenes.cuts[i - 1].kind));
    }
    out += "\n";
  }
  return out;
}

std::string chapters_vtt(const SceneList& scenes) {
  std::string out = "WEBVTT\n\n";
  for (size_t i = 0; i < scenes.shots.size(); ++i) {
    const Shot& s = scenes.shots[i];
    out += fmt::format("{}\n{} --> {}\nShot {}\n\n", i + 1, s.time.start.timecode(), s.time.end.timecode(), i + 1);
  }
  return out;
}

std::string format_scenes(const SceneList& scenes, std::string_view format, std::string_view title) {
  if (format == "json") return scenes_json(scenes);
  if (format == "csv") return scenes_csv(scenes);
  if (format == "edl") return scenes_edl(scenes, title);
  if (format == "vtt") return chapters_vtt(scenes);
  throw std::invalid_argument(fmt::format("unknown scene list format '{}' (json, csv, edl, vtt)", format));
}

std::string stats_csv_header() {
  return "frame,seconds,timecode,score,content,luma,scdet,histogram,hash,edges,flicker,residual,unexplained,mean_luma,black_ratio,white_ratio,colour,layout,layout_kept,still,still_kept,kept_regions,repeat\n";
}

std::string stats_csv_row(const FrameRecord& f) {
  const FrameDifference& d = f.diff;
  // One value per header column, in its order.
  return fmt::format(
      "{},{:.6f},{},{:.3f},{:.3f},{:.3f},{:.3f},{:.4f},{:.4f},{:.4f},{:.3f},{:.3f},{:.4f},{:.3f},{:.4f},{:.4f},{:.4f},"
      "{:.4f},{:.4f},{:.4f},{:.4f},{:.4f},{:d}\n",
      f.index, f.time.seconds(), f.time.timecode(), d.score, d.content, d.luma, d.scdet, d.histogram, d.hash, d.edges,
      d.flicker, d.residual, d.unexplained, f.mean_luma, f.black_ratio, f.white_ratio, d.colour, d.layout, d.layout_kept,
      d.still, d.still_kept, d.kept_regions, d.repeat ? 1 : 0);
}

}  // namespace pressreel::scenes
