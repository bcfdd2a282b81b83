#pragma once
// Where the picture of a moving shot has gone some frames later. A hand-held camera moves the whole
// picture, so one shift (a translation: over a second the camera's roll is small) brings the picture of
// one frame onto another. Phase correlation finds it from the two frames' spectra, and in a mix of two
// pictures (a dissolve between moving shots) it finds the shift of the picture it is given, which the
// other picture of the mix does not correlate with. A frame is compared with many others (every window
// of the dissolve detector that it is in): its spectrum is worked out once, and each pair of frames
// costs one product of spectra and one inverse transform.

#include <optional>
#include <vector>

#include <opencv2/core.hpp>

namespace pressreel::scenes {

// One luma as phase correlation needs it: the phase of its windowed spectrum.
struct ShiftSpectrum {
  cv::Mat phase;      // CV_32FC2, every frequency of unit magnitude; empty when the luma is too small
  cv::Size picture;   // the luma's size as correlated (a few dozen pixels wide), before padding
  double scale = 1;   // luma pixels per correlated pixel
};

// The spectrum of a CV_8U luma.
ShiftSpectrum shift_spectrum(const cv::Mat& luma);

// Phase correlation of two lumas' spectra (the lumas of one size, at least 16 pixels each way once
// scaled), as cv::phaseCorrelate with a Hann window finds it: the shift (x, y, in the lumas' pixels)
// that moves the picture of `from` onto `to`, and the peak's height (1 for a picture found whole).
struct Correlation {
  cv::Point2d shift;
  double peak = 0;
};
Correlation phase_correlation(const ShiftSpectrum& from, const ShiftSpectrum& to);

// The shift of phase_correlation. None when the picture cannot be found in `to` (too faint there, or not
// in it at all), or the lumas are too small.
std::optional<cv::Point2d> picture_shift(const ShiftSpectrum& from, const ShiftSpectrum& to);

// Each picture moved by its shift (sub-pixel, in its own pixels), all of them cut to the part of the
// frame that every one of them covers once moved; empty when that part is less than `min_share` of the
// frame. The pictures are of one size and type.
std::vector<cv::Mat> on_common_part(const std::vector<cv::Mat>& pictures, const std::vector<cv::Point2d>& shifts,
                                    double min_share);

}  // namespace pressreel::scenes
