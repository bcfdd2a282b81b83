#pragma once
// Title cards, release dates, credits, logos and screens: frames whose detail is rendered text or
// graphics rather than a picture. Such a frame looks sharp and contrasty to the frame scorer because
// of its letters, and so beat real shots (Big Buck Bunny's title over a blurred meadow). This measures
// the evidence on the analysis copy, cheaply enough for every sampled frame.
//
// Rendered strokes are step edges far steeper than most natural detail, with flat fill on both sides,
// and they line up in rows wider than tall. The frame is cut into blocks; a block is "graphic" when
// it is dense in such steps with flat fill next to them; graphic blocks that join into a run at least
// three blocks wide and twice as wide as tall are text lines (or a logo's). Known misses and false
// hits, from the panel of shared and pool clips: a railing in front of a street reads as a text line,
// and a single short word or small credits over a busy picture fall under the thresholds.

#include <opencv2/core.hpp>
#include <vector>

namespace pressreel::stills {

struct TextEvidence {
  double text_lines = 0;       // share of the frame in text-line blocks, 0..1
  double flat_background = 0;  // share of the frame's pixels with almost no gradient, 0..1
};

// On 8-bit luma, any size (measured at most 640 wide).
TextEvidence measure_text(const cv::Mat& gray);
// The text lines measure_text counts, as boxes in `gray`'s pixels (rounded out to whole blocks), so
// that a crop can keep a line whole or leave it out.
std::vector<cv::Rect> text_line_boxes(const cv::Mat& gray);

// 0..1: how surely the frame is a card. Either wide text lines (a title over a picture), or some text
// over a background that is almost all flat (a release date on black, a slide).
double card_likelihood(const TextEvidence& evidence);

}  // namespace pressreel::stills
