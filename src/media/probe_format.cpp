// Probe results as JSON (manifest, `probe --json`) and as text (`probe`).
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "pressreel/media/probe.hpp"

namespace pressreel::media {

nlohmann::json to_json(const ProbeResult& p) {
  using nlohmann::json;
  json streams = json::array();
  for (const auto& s : p.streams) {
    streams.push_back({{"index", s.index}, {"type", s.type}, {"codec", s.codec}, {"metadata", s.metadata}});
  }
  json video = json::array();
  for (const auto& v : p.video) {
    video.push_back({
        {"index", v.index}, {"codec", v.codec}, {"profile", v.profile}, {"width", v.width}, {"height", v.height},
        {"sample_aspect_ratio", v.sample_aspect.str()}, {"display_aspect_ratio", v.display_aspect.str()},
        {"rotation", v.rotation}, {"display_width", v.display_width}, {"display_height", v.display_height},
        {"frame_rate", v.frame_rate.str()}, {"average_frame_rate", v.average_frame_rate.str()},
        {"variable_frame_rate", v.variable_frame_rate}, {"pixel_format", v.pixel_format},
        {"bit_depth", v.bit_depth}, {"field_order", v.field_order}, {"interlaced", v.interlaced},
        {"color_primaries", v.color_primaries}, {"color_transfer", v.color_transfer},
        {"color_matrix", v.color_matrix}, {"color_range", v.color_range}, {"hdr", v.hdr},
        {"frame_count", v.frame_count ? json(*v.frame_count) : json(nullptr)},
        {"time_base", Rational::from_av(v.time_base).str()}, {"start_pts", v.start_pts},
        {"duration_seconds", v.duration_seconds}, {"attached_picture", v.attached_picture},
        {"metadata", v.metadata}});
  }
  json audio = json::array();
  for (const auto& a : p.audio) {
    audio.push_back({{"index", a.index}, {"codec", a.codec}, {"profile", a.profile}, {"channels", a.channels},
                     {"channel_layout", a.channel_layout}, {"sample_rate", a.sample_rate},
                     {"bit_rate", a.bit_rate}, {"duration_seconds", a.duration_seconds},
                     {"metadata", a.metadata}});
  }
  return {{"path", p.path.string()},
          {"container", p.container},
          {"container_long_name", p.container_long_name},
          {"duration_seconds", p.duration_seconds},
          {"duration", format_timecode(p.duration_seconds)},
          {"bit_rate", p.bit_rate},
          {"size_bytes", p.size_bytes},
          {"metadata", p.metadata},
          {"streams", streams},
          {"video", video},
          {"audio", audio},
          {"main_video_stream", p.main_video() ? json(p.main_video()->index) : json(nullptr)},
          {"main_audio_stream", p.main_audio() ? json(p.main_audio()->index) : json(nullptr)}};
}

std::string to_text(const ProbeResult& p) {
  std::string out = fmt::format("{}\n  container  {} ({}), {} ({:.3f} s), {} bytes, {} kb/s\n", p.path.string(),
                                p.container, p.container_long_name, format_timecode(p.duration_seconds),
                                p.duration_seconds, p.size_bytes, p.bit_rate / 1000);
  for (const auto& [key, value] : p.metadata) out += fmt::format("  meta       {} = {}\n", key, value);
  for (const auto& v : p.video) {
    out += fmt::format("  video #{}   {} {} {}x{} SAR {} DAR {} -> shown {}x{}{}\n", v.index, v.codec, v.profile,
                       v.width, v.height, v.sample_aspect.str(), v.display_aspect.str(), v.display_width,
                       v.display_height, v.rotation ? fmt::format(", rotate {} cw", v.rotation) : "");
    out += fmt::format("             {} fps nominal, {} average{}; {} {}-bit, {}{}\n", v.frame_rate.str(),
                       v.average_frame_rate.str(), v.variable_frame_rate ? ", VARIABLE" : "", v.pixel_format,
                       v.bit_depth, v.interlaced ? "interlaced " + v.field_order : v.field_order,
                       v.attached_picture ? ", attached picture" : "");
    out += fmt::format("             colour {}/{}/{} {}{}; frames {}; {:.3f} s\n", v.color_primaries,
                       v.color_transfer, v.color_matrix, v.color_range, v.hdr.empty() ? "" : " " + v.hdr,
                       v.frame_count ? std::to_string(*v.frame_count) : "unknown", v.duration_seconds);
  }
  for (const auto& a : p.audio) {
    out += fmt::format("  audio #{}   {} {} {} ch ({}), {} Hz, {} kb/s, {:.3f} s\n", a.index, a.codec, a.profile,
                       a.channels, a.channel_layout, a.sample_rate, a.bit_rate / 1000, a.duration_seconds);
  }
  for (const auto& s : p.streams) {
    if (s.type != "video" && s.type != "audio") out += fmt::format("  {} #{} {}\n", s.type, s.index, s.codec);
  }
  return out;
}

}  // namespace pressreel::media
