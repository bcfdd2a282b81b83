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
#include "stills/text_card.hpp"

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

std::vector<cv::Rect> text_lines_of(const cv::Mat& frame) {
  cv::Mat gray;
  cv::cvtColor(frame, gray, cv::COLOR_BGR2GRAY);
  return text_line_boxes(gray);
}

namespace {

// A window keeps the subject when all of these hold:
// - every face's head (head_of) is inside it whole;
// - every text line is wholly inside or wholly outside it: a title is whole or absent, never sliced;
// - in a frame without faces (with faces, the people are the subject: an editor crops to them), it
//   holds at least min_subject_share of the frame's salient mass (the subject map above its mean),
//   unless that mass is spread along the whole free axis (the middle 90% of it spans at least
//   spread_extent of the frame's length): a texture or a wide landscape has no one subject to lose,
//   and any part of it is a fair crop.
constexpr double min_subject_share = 0.6;
constexpr double spread_extent = 0.8;
// The fill behind a fitted frame: blurred at 1/blur_scale of the crop's size (a blur this wide needs no
// detail, and at full size would cost more than the crop), and darkened so the frame stands out.
constexpr int blur_scale = 16;
constexpr double blur_sigma = 2.0;  // in the small copy's pixels: blur_scale times that in the crop
constexpr double fill_brightness = 0.6;

// The whole frame, fitted inside the crop's size (crop.size, as make_crop decided it for either kind)
// and centred over a blurred, darkened copy of it scaled to cover the crop.
void fill_blurred(const cv::Mat& frame, Crop& crop) {
  crop.blurred_fill = true;
  const double scale = std::min(static_cast<double>(crop.size.width) / frame.cols,
                                static_cast<double>(crop.size.height) / frame.rows);
  const cv::Size fitted(std::clamp(static_cast<int>(std::lround(frame.cols * scale)), 1, crop.size.width),
                        std::clamp(static_cast<int>(std::lround(frame.rows * scale)), 1, crop.size.height));
  crop.placed = cv::Rect((crop.size.width - fitted.width) / 2, (crop.size.height - fitted.height) / 2, fitted.width,
                         fitted.height);
  crop.window = cv::Rect({0, 0}, frame.size());
  crop.faces_whole = true;

  // The middle of the frame with the crop's aspect, the largest that fits: the fill's picture.
  const double cover = std::max(static_cast<double>(crop.size.width) / frame.cols,
                                static_cast<double>(crop.size.height) / frame.rows);
  const int cw = std::clamp(static_cast<int>(std::lround(crop.size.width / cover)), 1, frame.cols);
  const int ch = std::clamp(static_cast<int>(std::lround(crop.size.height / cover)), 1, frame.rows);
  const cv::Rect middle((frame.cols - cw) / 2, (frame.rows - ch) / 2, cw, ch);
  const cv::Size small_size(std::max(1, crop.size.width / blur_scale), std::max(1, crop.size.height / blur_scale));
  cv::Mat small;
  cv::resize(frame(middle), small, small_size, 0, 0, cv::INTER_AREA);
  cv::GaussianBlur(small, small, {0, 0}, blur_sigma, blur_sigma, cv::BORDER_REFLECT);
  small.convertTo(small, -1, fill_brightness);
  cv::resize(small, crop.image, crop.size, 0, 0, cv::INTER_CUBIC);
  if (fitted == frame.size()) {
    frame.copyTo(crop.image(crop.placed));
  } else {
    cv::resize(frame, crop.image(crop.placed), fitted, 0, 0, cv::INTER_AREA);
  }
}

}  // namespace

Crop make_crop(const cv::Mat& frame, const CropSpec& spec, const std::vector<FaceBox>& faces, const cv::Mat& subject,
               const std::vector<cv::Rect>& text_lines) {
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

  // Mass of the subject along the free axis, and prefix sums to slide the window over it: all of it
  // (to place the window), and the part above the map's mean (to judge what the window keeps).
  cv::Mat profile;
  cv::reduce(subject, profile, slide_x ? 0 : 1, cv::REDUCE_SUM, CV_64F);
  profile = profile.reshape(1, 1);
  const double mean_line = cv::sum(profile)[0] / std::max(1, extent);
  std::vector<double> prefix(extent + 1, 0.0), salient(extent + 1, 0.0);
  for (int i = 0; i < extent; ++i) {
    prefix[i + 1] = prefix[i] + profile.at<double>(0, i);
    salient[i + 1] = salient[i] + std::max(0.0, profile.at<double>(0, i) - mean_line);
  }

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
    lo_allowed = std::max(lo_allowed, hi - length);
    hi_allowed = std::min(hi_allowed, lo);
  }
  const auto cuts_text = [&](int p) {
    return std::any_of(text_lines.begin(), text_lines.end(), [&](const cv::Rect& line) {
      const auto [a, b] = span_of(line);
      const bool overlaps = a < p + length && b > p;
      const bool whole = a >= p && b <= p + length;
      return overlaps && !whole;
    });
  };
  const double centre = (extent - length) / 2.0;
  int best = -1;
  double best_mass = -1;
  for (int p = lo_allowed; p <= hi_allowed; ++p) {
    if (cuts_text(p)) continue;
    const double mass = prefix[p + length] - prefix[p];
    // Ties (flat maps) go to the most central placement.
    if (best < 0 || mass > best_mass + 1e-9 ||
        (std::abs(mass - best_mass) <= 1e-9 && std::abs(p - centre) < std::abs(best - centre))) {
      best_mass = mass;
      best = p;
    }
  }
  bool keeps = best >= 0;
  if (keeps && faces.empty() && salient[extent] > 0) {
    const auto at_share = [&](double q) {
      return std::lower_bound(salient.begin(), salient.end(), q * salient[extent]) - salient.begin();
    };
    const bool spread = at_share(0.95) - at_share(0.05) >= spread_extent * extent;
    const double share = (salient[best + length] - salient[best]) / salient[extent];
    keeps = share >= min_subject_share || spread;
  }
  // Either kind of crop is as large as the largest window of its aspect inside the frame: neither
  // grows past what the source holds.
  crop.upscale_refused = window.width < spec.size.width || window.height < spec.size.height;
  crop.size = crop.upscale_refused ? window : spec.size;
  if (!keeps) {
    fill_blurred(frame, crop);
    return crop;
  }
  crop.window =
      slide_x ? cv::Rect(best, 0, window.width, window.height) : cv::Rect(0, best, window.width, window.height);
  crop.placed = cv::Rect({0, 0}, crop.size);
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
          {"fit", crop.blurred_fill ? "blurred_fill" : "window"},
          {"window",
           {{"x", crop.window.x}, {"y", crop.window.y}, {"width", crop.window.width}, {"height", crop.window.height}}},
          {"placed",
           {{"x", crop.placed.x}, {"y", crop.placed.y}, {"width", crop.placed.width}, {"height", crop.placed.height}}}};
}

}  // namespace pressreel::stills
