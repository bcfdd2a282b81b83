#pragma once
// Fitting an animated WebP into its byte budget in few encodes. Each encode of a teaser's WebP costs
// seconds of CPU, so the next one is predicted from the sizes already seen rather than stepped down
// blindly: quality first (its size is close to log-linear in libwebp's quality), then, when even the
// lowest quality is over, a smaller canvas (bytes follow the area; in the second encode already when the
// first is too far over for any quality to fit), then fewer frames. Every choice
// depends only on the sizes of earlier encodes, so the same pictures give the same bytes on any
// machine.
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace pressreel::preview {

// What one encode of the WebP is asked for.
struct WebpTrial {
  float quality = 60.0f;  // libwebp quality
  double scale = 1.0;     // of the canvas's width and height
  int frame_step = 1;     // every n-th picture of each part is kept (1: all of them)
  bool operator==(const WebpTrial&) const = default;
};

struct WebpBudget {
  int64_t max_bytes = 1'000'000;
  float lowest_quality = 20.0f;  // below it, blocks swamp the picture: a smaller one looks better
  double smallest_scale = 0.25;  // below it, the picture is too small to read: fewer frames instead
  int largest_frame_step = 1;    // keeping one picture of this many leaves each part a single one
};

// The WebP as written, what it was encoded at, and how many encodes that took (the first included).
struct FittedWebp {
  std::vector<uint8_t> bytes;
  WebpTrial trial;
  int encodes = 1;
  bool over_budget = false;  // not even the smallest trial fit: the smallest is returned
};

using WebpEncode = std::function<std::vector<uint8_t>(const WebpTrial&)>;

// `first`, already encoded as `first_bytes`, when it fits; otherwise the highest quality, then the
// largest canvas, then the most frames the predictions find within budget.max_bytes.
FittedWebp fit_webp_budget(const WebpTrial& first, std::vector<uint8_t> first_bytes, const WebpBudget& budget,
                           const WebpEncode& encode);

// The trial fit_webp_budget encodes after a first encode at `first` of `first_bytes` bytes; nothing
// when those fit, or when no smaller trial is left.
std::optional<WebpTrial> next_webp_trial(const WebpTrial& first, double first_bytes, const WebpBudget& budget);

// fit_webp_budget when the first trial was not encoded whole: `projected_bytes` is its size projected
// from a part of it. The search takes the same steps as after a whole encode of that size, so its
// first encode is next_webp_trial's; only whole encodes are counted. (`first` is encoded whole only
// when no smaller trial is left.)
FittedWebp fit_webp_budget_projected(const WebpTrial& first, double projected_bytes, const WebpBudget& budget,
                                     const WebpEncode& encode);

}  // namespace pressreel::preview
