#include "pressreel/stills/crops.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/saliency.hpp>
#include <regex>
#include <stdexcept>

#include "pressreel/media/scaler.hpp"

namespace pressreel::stills {
namespace {

constexpr int saliency_width = 320;

// A face box grown to the head: hair above, chin and some neck below, ears at the sides.
cv::Rect head_of(const cv::Rect& face, cv::Size bounds) {
  const int dx = face.width / 5;
  const int top = face.height / 3;
  const int bottom = face.height / 4;
  const cv::Rect head(face.x - dx, face.y - top, face.width + 2 * dx, face.height + top + bottom);
  return head & cv::Rect({0, 0}, bounds);
}

}  // namespace

const std::vector<CropSpec>& standard_crops() {
  static const std::vector<CropSpec> crops = {
      {"16x9-1280x720", {1280, 720}}, {"16x9-1920x1080", {1920, 1080}}, {"og-1200x630", {1200, 630}},
      {"1x1-1080", {1080, 1080}},     {"4x5-1080x1350", {1080, 1350}},  {"9x16-1080x1920", {1080, 1920}},
  };
  return crops;
}

CropSpec parse_crop(const std::string& name) {
  // The aspect names the shape; the size must have that shape, or a name would promise one image and
  // deliver another ("2x1-2000" once made a 544x544 square).
  static const std::regex pattern(R"(^(?:(\d{1,3})x(\d{1,3})|(og))-(\d{1,5})(?:x(\d{1,5}))?$)");
  const std::string expected = "expected ASPECT-WIDTHxHEIGHT or ASPECT-WIDTH, ASPECT being AxB or og (e.g. "
                               "16x9-1280x720, 4x3-800, og-1200x630)";
  std::smatch m;
  if (!std::regex_match(name, m, pattern)) throw std::invalid_argument("crop '" + name + "': " + expected);
  // og:image's 1.91:1, as 1200x630 has it.
  const int aw = m[3].matched ? 40 : std::stoi(m[1]);
  const int ah = m[3].matched ? 21 : std::stoi(m[2]);
  if (aw == 0 || ah == 0) throw std::invalid_argument("crop '" + name + "': the aspect has a zero side; " + expected);
  const int w = std::stoi(m[4]);
  const long exact_h = std::lround(static_cast<double>(w) * ah / aw);
  if (exact_h > 99999) throw std::invalid_argument("crop '" + name + "': size too large");
  const int h = m[5].matched ? std::stoi(m[5]) : static_cast<int>(exact_h);
  // Rounding to whole pixels: the height may be off the exact aspect by under a pixel either way.
  if (std::abs(static_cast<double>(h) - static_cast<double>(w) * ah / aw) >= 1.0) {
    throw std::invalid_argument(fmt::format("crop '{}': {}x{} is not {}:{} (a {}-wide crop of that aspect is {}x{}); {}",
                                            name, w, h, aw, ah, w, w, exact_h, expected));
  }
  if (w < 16 || h < 16) throw std::invalid_argument("crop '" + name + "': size too small (16 pixels at least)");
  return {name, {w, h}};
}

std::vector<CropSpec> parse_crop_list(const std::string& list) {
  if (list.empty() || list == "all") return standard_crops();
  std::vector<CropSpec> crops;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = std::min(list.find(',', start), list.size());
    const std::string name = list.substr(start, comma - start);
    if (!name.empty()) crops.push_back(parse_crop(name));
    start = comma + 1;
  }
  if (crops.empty()) throw std::invalid_argument("crops: empty list");
  return crops;
}

cv::Mat subject_map(const cv::Mat& frame, const std::vector<FaceBox>& faces) {
  cv::Mat small;
  cv::resize(frame, small, media::analysis_size(frame.size(), saliency_width, true), 0, 0, cv::INTER_AREA);
  cv::Mat saliency;
  auto detector = cv::saliency::StaticSaliencySpectralResidual::create();
  if (!detector->computeSaliency(small, saliency) || saliency.empty()) {
    saliency = cv::Mat(small.size(), CV_32F, cv::Scalar(1.0f));
  }
  saliency.convertTo(saliency, CV_32F);
  cv::GaussianBlur(saliency, saliency, {0, 0}, 3.0);
  cv::normalize(saliency, saliency, 0.0, 1.0, cv::NORM_MINMAX);
  cv::Mat map;
  cv::resize(saliency, map, frame.size(), 0, 0, cv::INTER_LINEAR);
  // A face outweighs any texture: people look at people first.
  for (const FaceBox& f : faces) map(head_of(f.box, frame.size())) += 4.0;
  return map;
}

Crop make_crop(const cv::Mat& frame, const CropSpec& spec, const std::vector<FaceBox>& faces, const cv::Mat& subject) {
  Crop crop;
  crop.spec = spec;
  const double aspect = static_cast<double>(spec.size.width) / spec.size.height;
  const bool slide_x = static_cast<double>(frame.cols) / frame.rows > aspect;
  cv::Size window =
      slide_x ? cv::Size(std::min(frame.cols, static_cast<int>(std::lround(frame.rows * aspect))), frame.rows)
              : cv::Size(frame.cols, std::min(frame.rows, static_cast<int>(std::lround(frame.cols / aspect))));
  window.width = std::max(1, window.width);
  window.height = std::max(1, window.height);
  const int extent = slide_x ? frame.cols : frame.rows;
  const int length = slide_x ? window.width : window.height;

  // Mass of the subject along the free axis, and a prefix sum to slide the window over it.
  cv::Mat profile;
  cv::reduce(subject, profile, slide_x ? 0 : 1, cv::REDUCE_SUM, CV_64F);
  profile = profile.reshape(1, 1);
  std::vector<double> prefix(extent + 1, 0.0);
  for (int i = 0; i < extent; ++i) prefix[i + 1] = prefix[i] + profile.at<double>(0, i);

  int lo_allowed = 0, hi_allowed = extent - length;
  const auto span_of = [&](const cv::Rect& r) {
    return slide_x ? std::pair{r.x, r.x + r.width} : std::pair{r.y, r.y + r.height};
  };
  if (!faces.empty()) {
    int lo = extent, hi = 0;
    for (const FaceBox& f : faces) {
      const auto [a, b] = span_of(head_of(f.box, frame.size()));
      lo = std::min(lo, a);
      hi = std::max(hi, b);
    }
    if (hi - lo > length) {  // all faces cannot fit: keep the largest whole
      std::tie(lo, hi) = span_of(head_of(faces.front().box, frame.size()));
      crop.faces_whole = false;
    }
    if (hi - lo <= length) {
      lo_allowed = std::max(lo_allowed, hi - length);
      hi_allowed = std::min(hi_allowed, lo);
    } else {
      crop.faces_whole = false;
    }
  }
  const double centre = (extent - length) / 2.0;
  int best = std::clamp(static_cast<int>(std::lround(centre)), lo_allowed, hi_allowed);
  double best_mass = -1;
  for (int p = lo_allowed; p <= hi_allowed; ++p) {
    const double mass = prefix[p + length] - prefix[p];
    // Ties (flat maps) go to the most central placement.
    if (mass > best_mass + 1e-9 ||
        (std::abs(mass - best_mass) <= 1e-9 && std::abs(p - centre) < std::abs(best - centre))) {
      best_mass = mass;
      best = p;
    }
  }
  crop.window =
      slide_x ? cv::Rect(best, 0, window.width, window.height) : cv::Rect(0, best, window.width, window.height);

  crop.upscale_refused = window.width < spec.size.width || window.height < spec.size.height;
  crop.size = crop.upscale_refused ? window : spec.size;
  if (crop.size == window) {
    crop.image = frame(crop.window);  // the frame's own pixels: nothing to scale, nothing to copy
  } else {
    cv::resize(frame(crop.window), crop.image, crop.size, 0, 0, cv::INTER_AREA);
  }
  return crop;
}

nlohmann::json to_json(const Crop& crop) {
  return {{"name", crop.spec.name},
          {"requested", {{"width", crop.spec.size.width}, {"height", crop.spec.size.height}}},
          {"width", crop.size.width},
          {"height", crop.size.height},
          {"upscale_refused", crop.upscale_refused},
          {"faces_whole", crop.faces_whole},
          {"window",
           {{"x", crop.window.x}, {"y", crop.window.y}, {"width", crop.window.width}, {"height", crop.window.height}}}};
}

}  // namespace pressreel::stills
