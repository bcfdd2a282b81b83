// The clip facts the gallery shows people, from the probe's technical names: "23.976 fps" rather
// than "24000/1001", "MP4" rather than FFmpeg's demuxer list "mov,mp4,m4a,3gp,3g2,mj2".
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <string_view>

#include "pressreel/batch/gallery_model.hpp"

namespace pressreel::batch {
namespace {

using nlohmann::json;

// "24000/1001" or "25" as a number; 0 when it is neither (a manifest may hold anything).
double rate_value(const std::string& text) {
  const auto slash = text.find('/');
  const std::string_view num_text = std::string_view(text).substr(0, slash);
  long long num = 0, den = 1;
  if (std::from_chars(num_text.data(), num_text.data() + num_text.size(), num).ec != std::errc()) return 0;
  if (slash != std::string::npos) {
    const std::string_view den_text = std::string_view(text).substr(slash + 1);
    if (std::from_chars(den_text.data(), den_text.data() + den_text.size(), den).ec != std::errc()) return 0;
  }
  return num > 0 && den > 0 ? static_cast<double>(num) / static_cast<double>(den) : 0;
}

// `decimals` places, trailing zeros dropped: 25 -> "25", 29.97003 -> "29.97", 23.976024 -> "23.976".
std::string trimmed(double value, int decimals) {
  std::string s = fmt::format("{:.{}f}", value, decimals);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

std::string frame_rate_text(const json& video) {
  double rate = rate_value(string_field(video, "average_frame_rate"));
  if (rate <= 0) rate = rate_value(string_field(video, "frame_rate"));
  if (rate <= 0) return {};
  const auto vfr = video.is_object() ? video.find("variable_frame_rate") : video.end();
  // A variable rate's average is only indicative: two places say so; a constant one gets the three
  // that tell 23.976 from 24.
  if (vfr != video.end() && vfr->is_boolean() && vfr->get<bool>()) return trimmed(rate, 2) + " fps (variable)";
  return trimmed(rate, 3) + " fps";
}

std::string container_name(const json& probe, const std::string& file_name) {
  const std::string demuxer = string_field(probe, "container");
  std::string extension = lower(std::filesystem::path(file_name).extension().string());
  if (demuxer == "mov,mp4,m4a,3gp,3g2,mj2") {
    // One demuxer reads them all; the file's brand (or, failing that, its extension) says which it is.
    const json metadata = probe.is_object() ? probe.value("metadata", json::object()) : json::object();
    const std::string brand = lower(string_field(metadata, "major_brand"));
    if (brand.starts_with("qt") || (brand.empty() && extension == ".mov")) return "QuickTime";
    if (brand.starts_with("3g") || (brand.empty() && (extension == ".3gp" || extension == ".3g2"))) return "3GP";
    return "MP4";
  }
  if (demuxer == "matroska,webm") return extension == ".webm" ? "WebM" : "Matroska";
  static const std::array<std::pair<std::string_view, std::string_view>, 14> names = {{
      {"avi", "AVI"},
      {"mpeg", "MPEG-PS"},
      {"mpegts", "MPEG-TS"},
      {"asf", "Windows Media (ASF)"},
      {"flv", "Flash Video (FLV)"},
      {"ogg", "Ogg"},
      {"mxf", "MXF"},
      {"dv", "DV"},
      {"yuv4mpegpipe", "Y4M"},
      {"h264", "H.264 stream"},
      {"hevc", "HEVC stream"},
      {"m4v", "MPEG-4 video stream"},
      {"gif", "GIF"},
      {"nut", "NUT"},
  }};
  for (const auto& [name, shown] : names) {
    if (demuxer == name) return std::string(shown);
  }
  // Unknown to this table: FFmpeg's long name ("Material eXchange Format") reads better than its id.
  const std::string long_name = string_field(probe, "container_long_name");
  return long_name.empty() ? demuxer : long_name;
}

}  // namespace pressreel::batch
