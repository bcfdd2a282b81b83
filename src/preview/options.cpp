#include "pressreel/preview/options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "pressreel/media/scaler.hpp"

namespace pressreel::preview {

std::string to_string(VideoCodec codec) {
  switch (codec) {
    case VideoCodec::h264: return "h264";
    case VideoCodec::vp9: return "vp9";
    case VideoCodec::av1: return "av1";
  }
  return "h264";
}

VideoCodec video_codec_from_string(const std::string& name) {
  if (name == "h264") return VideoCodec::h264;
  if (name == "vp9") return VideoCodec::vp9;
  if (name == "av1") return VideoCodec::av1;
  throw std::invalid_argument(fmt::format("unknown preview codec '{}' (h264, vp9 or av1)", name));
}

PreviewOptions::PreviewOptions() : renditions(default_renditions()) {}

std::vector<RenditionOptions> default_renditions() {
  // Caps about twice the average CRF 23 rate of busy trailer footage at each size.
  return {
      {"1080p", 1080, VideoCodec::h264, 23, 6'000'000, 12'000'000, "veryfast"},
      {"720p", 720, VideoCodec::h264, 23, 3'500'000, 7'000'000, "veryfast"},
      {"480p", 480, VideoCodec::h264, 23, 1'500'000, 3'000'000, "veryfast"},
  };
}

RenditionOptions webm_rendition(VideoCodec codec, int height) {
  const int64_t maxrate = static_cast<int64_t>(3'000'000.0 * height * height / (720.0 * 720.0));
  if (codec == VideoCodec::av1) return {fmt::format("{}p", height), height, codec, 35, maxrate, 2 * maxrate, "10"};
  return {fmt::format("{}p", height), height, VideoCodec::vp9, 33, maxrate, 2 * maxrate, "6"};
}

namespace {

cv::Size size_for(cv::Size display, int short_side) {
  const bool landscape = display.width >= display.height;
  return landscape ? media::fit_within(display, 0, short_side, true) : media::fit_within(display, short_side, 0, true);
}

}  // namespace

std::vector<PlannedRendition> plan_renditions(cv::Size display, const std::vector<RenditionOptions>& wanted) {
  const int short_side = std::min(display.width, display.height);
  std::vector<PlannedRendition> planned;
  std::set<std::string> files;
  auto add = [&](RenditionOptions options, int height) {
    PlannedRendition r;
    r.container = options.codec == VideoCodec::h264 ? "mp4" : "webm";
    r.size = size_for(display, height);
    r.file_name = fmt::format("preview-{}.{}", options.name, r.container);
    r.options = std::move(options);
    if (files.insert(r.file_name).second) planned.push_back(std::move(r));
  };
  for (bool webm : {false, true}) {
    const RenditionOptions* smallest = nullptr;
    bool any = false;
    for (const RenditionOptions& r : wanted) {
      if ((r.codec != VideoCodec::h264) != webm) continue;
      if (smallest == nullptr || r.height < smallest->height) smallest = &r;
      if (r.height <= short_side) {
        add(r, r.height);
        any = true;
      }
    }
    if (!any && smallest != nullptr) {
      // Smaller than every rendition: one at the source size, its bitrate caps scaled by area.
      RenditionOptions at_source = *smallest;
      const int height = short_side - short_side % 2;
      const double area = static_cast<double>(height) * height / (static_cast<double>(smallest->height) * smallest->height);
      at_source.name = fmt::format("{}p", height);
      at_source.height = height;
      at_source.maxrate = static_cast<int64_t>(smallest->maxrate * area);
      at_source.bufsize = static_cast<int64_t>(smallest->bufsize * area);
      add(std::move(at_source), height);
    }
  }
  return planned;
}

nlohmann::json to_json(const RenditionOptions& o) {
  return {{"name", o.name}, {"height", o.height}, {"codec", to_string(o.codec)}, {"crf", o.crf},
          {"maxrate", o.maxrate}, {"bufsize", o.bufsize}, {"preset", o.preset}};
}

}  // namespace pressreel::preview
