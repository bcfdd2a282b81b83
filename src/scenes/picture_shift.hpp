#pragma once
// Where the picture of a moving shot has gone some frames later. A hand-held camera moves the whole
// picture, so one shift (a translation: over a second the camera's roll is small) brings the picture of
// one frame onto another. Phase correlation finds it from the two frames' spectra, and in a mix of two
// pictures (a dissolve between moving shots) it finds the shift of the picture it is given, which the
// other picture of the mix does not correlate with.

#include <optional>
#include <vector>

#include <opencv2/core.hpp>

namespace pressreel::scenes {

// The shift (x, y, in their pixels) that moves the picture of `from` onto `to`: CV_8U lumas of one size.
// None when the picture cannot be found in `to` (too faint there, or not in it at all).
std::optional<cv::Point2d> picture_shift(const cv::Mat& from, const cv::Mat& to);

// Each picture moved by its shift (sub-pixel, in its own pixels), all of them cut to the part of the
// frame that every one of them covers once moved; empty when that part is less than `min_share` of the
// frame. The pictures are of one size and type.
std::vector<cv::Mat> on_common_part(const std::vector<cv::Mat>& pictures, const std::vector<cv::Point2d>& shifts,
                                    double min_share);

}  // namespace pressreel::scenes
