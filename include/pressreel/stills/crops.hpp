#pragma once
// Social and site crops of a poster frame. The window has the crop's aspect, is as large as the
// frame allows, and slides along the free axis to hold the faces whole, no text line cut, and as much
// of the salient picture as fits. When no window of that aspect keeps the subject (make_crop says
// when), the crop is the whole frame fitted inside it over a blurred, darkened copy of itself
// ("blurred fill"). Sizes larger than the source allows are not upscaled: the crop comes out at the
// largest size the source allows, and says so.

#include <nlohmann/json_fwd.hpp>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "pressreel/stills/frame_score.hpp"

namespace pressreel::stills {

struct CropSpec {
  std::string name;  // "16x9-1280x720": aspect, then size
  cv::Size size;     // requested output size
};

// The six crops of the issue: 16x9-1280x720, 16x9-1920x1080, og-1200x630, 1x1-1080, 4x5-1080x1350,
// 9x16-1080x1920.
const std::vector<CropSpec>& standard_crops();
// Parses ASPECT-WIDTHxHEIGHT or ASPECT-WIDTH, ASPECT being AxB or og (1.91:1, as 1200x630): "1x1-1080"
// means 1080x1080, "4x3-800" 800x600. A size that is not the aspect (to the pixel) is refused:
// throws std::invalid_argument naming the bad entry and the expected form.
CropSpec parse_crop(const std::string& name);
// A comma-separated list of names, or "all"/"" for standard_crops().
std::vector<CropSpec> parse_crop_list(const std::string& list);

struct Crop {
  CropSpec spec;
  cv::Rect window;  // in the source frame
  cv::Size size;    // actual output size (smaller than spec.size when the source is too small)
  bool upscale_refused = false;
  bool faces_whole = true;  // every face is inside: when no window holds them all, the crop is a blurred fill
  // The whole frame fitted inside the crop over a blurred copy of itself, because no window kept the
  // subject; then `window` is the whole frame and `placed` where it sits in the crop.
  bool blurred_fill = false;
  cv::Rect placed;
  cv::Mat image;  // a view of the source frame's pixels when no scaling was needed
};

// Where the subject is: saliency (OpenCV's spectral residual) with faces weighted on top, as a
// CV_32F map of `frame`'s size.
cv::Mat subject_map(const cv::Mat& frame, const std::vector<FaceBox>& faces);

// Rows of rendered text in `frame` (BGR), as boxes in its pixels: a crop keeps each whole or leaves it out.
std::vector<cv::Rect> text_lines_of(const cv::Mat& frame);

// Faces and text lines must be in `frame` coordinates.
Crop make_crop(const cv::Mat& frame, const CropSpec& spec, const std::vector<FaceBox>& faces, const cv::Mat& subject,
               const std::vector<cv::Rect>& text_lines = {});

nlohmann::json to_json(const Crop& crop);

}  // namespace pressreel::stills
