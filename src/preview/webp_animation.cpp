#include "preview/webp_animation.hpp"

#include <fmt/format.h>
#include <webp/encode.h>
#include <webp/mux.h>

extern "C" {
#include <libavutil/frame.h>
#include <libavutil/pixfmt.h>
}

#include "pressreel/media/error.hpp"

namespace pressreel::preview {
namespace {

const char* webp_stage = "teaser";

struct MuxDeleter {
  void operator()(WebPMux* mux) const { WebPMuxDelete(mux); }
};
using MuxPtr = std::unique_ptr<WebPMux, MuxDeleter>;

// Owns what libwebp allocated for it.
struct WebpBytes {
  WebPData data;
  WebpBytes() { WebPDataInit(&data); }
  ~WebpBytes() { WebPDataClear(&data); }
  WebpBytes(const WebpBytes&) = delete;
  WebpBytes& operator=(const WebpBytes&) = delete;
  std::vector<uint8_t> copy() const { return {data.bytes, data.bytes + data.size}; }
};

// libwebp's own default background (white, opaque); every frame covers the whole canvas anyway.
constexpr WebPMuxAnimParams looping{0xffffffff, 0};

}  // namespace

struct WebpPart::Encoder {
  WebPAnimEncoder* animation = nullptr;
  WebPConfig config;
  ~Encoder() { WebPAnimEncoderDelete(animation); }
};

WebpPart::WebpPart(cv::Size canvas, WebpSettings settings, std::string clip)
    : encoder_(std::make_unique<Encoder>()), canvas_(canvas), clip_(std::move(clip)) {
  WebPAnimEncoderOptions options;
  if (!WebPAnimEncoderOptionsInit(&options) || !WebPConfigInit(&encoder_->config)) {
    throw media::MediaError(clip_, webp_stage, "this libwebp does not match the one pressreel was built with");
  }
  options.anim_params = looping;
  encoder_->config.quality = settings.quality;
  encoder_->config.method = settings.method;
  if (!WebPValidateConfig(&encoder_->config)) {
    throw media::MediaError(clip_, webp_stage, fmt::format("invalid WebP settings: quality {}, method {}", settings.quality, settings.method));
  }
  encoder_->animation = WebPAnimEncoderNew(canvas.width, canvas.height, &options);
  if (encoder_->animation == nullptr) throw std::bad_alloc();
}

WebpPart::~WebpPart() = default;
WebpPart::WebpPart(WebpPart&&) noexcept = default;
WebpPart& WebpPart::operator=(WebpPart&&) noexcept = default;

void WebpPart::add(const AVFrame& picture, int64_t at_ms) {
  if (picture.format != AV_PIX_FMT_YUV420P || picture.width != canvas_.width || picture.height != canvas_.height ||
      picture.linesize[1] != picture.linesize[2]) {
    throw media::MediaError(clip_, webp_stage, "a WebP picture must be YUV 4:2:0 of the canvas size");
  }
  if (at_ms <= last_ms_) at_ms = last_ms_ + 1;  // pictures closer than a millisecond
  WebPPicture input;
  if (!WebPPictureInit(&input)) throw media::MediaError(clip_, webp_stage, "WebPPictureInit");
  input.use_argb = 0;
  input.colorspace = WEBP_YUV420;
  input.width = picture.width;
  input.height = picture.height;
  input.y = picture.data[0];
  input.u = picture.data[1];
  input.v = picture.data[2];
  input.y_stride = picture.linesize[0];
  input.uv_stride = picture.linesize[1];
  // The encoder converts the planes to ARGB in memory of its own, which WebPPictureFree releases (the
  // planes stay the frame's).
  const int ok = WebPAnimEncoderAdd(encoder_->animation, &input, static_cast<int>(at_ms), &encoder_->config);
  WebPPictureFree(&input);
  if (!ok) {
    throw media::MediaError(clip_, webp_stage, fmt::format("encoding a WebP frame: {}", WebPAnimEncoderGetError(encoder_->animation)));
  }
  last_ms_ = at_ms;
  ++pictures_;
}

std::vector<uint8_t> WebpPart::finish(int64_t end_ms) {
  if (pictures_ == 0) throw media::MediaError(clip_, webp_stage, "a WebP part without pictures");
  end_ms = std::max(end_ms, last_ms_ + 1);
  WebpBytes out;
  if (!WebPAnimEncoderAdd(encoder_->animation, nullptr, static_cast<int>(end_ms), nullptr) ||
      !WebPAnimEncoderAssemble(encoder_->animation, &out.data)) {
    throw media::MediaError(clip_, webp_stage, fmt::format("writing the WebP: {}", WebPAnimEncoderGetError(encoder_->animation)));
  }
  return out.copy();
}

std::vector<uint8_t> join_webp_parts(std::span<const std::vector<uint8_t>> parts, std::span<const int64_t> durations_ms,
                                     const std::string& clip) {
  if (parts.empty() || parts.size() != durations_ms.size()) throw std::invalid_argument("join_webp_parts: parts and durations");
  const auto check = [&](WebPMuxError rc, const char* what) {
    if (rc != WEBP_MUX_OK) throw media::MediaError(clip, webp_stage, fmt::format("joining the WebP's parts: {} ({})", what, static_cast<int>(rc)));
  };
  const auto open = [&](size_t i) {
    const WebPData data{parts[i].data(), parts[i].size()};
    MuxPtr part(WebPMuxCreate(&data, 0));
    if (!part) throw media::MediaError(clip, webp_stage, fmt::format("part {} of the WebP is not a WebP", i + 1));
    uint32_t flags = 0;
    check(WebPMuxGetFeatures(part.get(), &flags), "reading a part's features");
    return std::make_pair(std::move(part), (flags & ANIMATION_FLAG) != 0);
  };
  if (parts.size() == 1 && !open(0).second) return parts.front();  // a still: it has no duration to set

  MuxPtr joined(WebPMuxNew());
  if (!joined) throw std::bad_alloc();
  int width = 0, height = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    const auto [part, animated] = open(i);
    if (i == 0) check(WebPMuxGetCanvasSize(part.get(), &width, &height), "reading the canvas size");
    int frames = 1;
    if (animated) check(WebPMuxNumChunks(part.get(), WEBP_CHUNK_ANMF, &frames), "counting a part's frames");
    int64_t shown = 0;  // the part's frames before this one
    for (int n = 1; n <= frames; ++n) {
      WebPMuxFrameInfo frame;
      check(WebPMuxGetFrame(part.get(), static_cast<uint32_t>(n), &frame), "reading a part's frame");
      WebpBytes owned;  // WebPMuxGetFrame's copy of the frame's data
      owned.data = frame.bitstream;
      if (!animated) {  // a still part: one whole frame
        frame.id = WEBP_CHUNK_ANMF;
        frame.x_offset = frame.y_offset = 0;
        frame.dispose_method = WEBP_MUX_DISPOSE_NONE;
        frame.blend_method = WEBP_MUX_NO_BLEND;
      }
      // The part's last frame lasts until the next part begins.
      if (n == frames) frame.duration = static_cast<int>(std::max<int64_t>(1, durations_ms[i] - shown));
      shown += frame.duration;
      check(WebPMuxPushFrame(joined.get(), &frame, 1), "adding a frame");
    }
  }
  check(WebPMuxSetCanvasSize(joined.get(), width, height), "setting the canvas size");
  check(WebPMuxSetAnimationParams(joined.get(), &looping), "setting the loop");
  WebpBytes out;
  check(WebPMuxAssemble(joined.get(), &out.data), "assembling");
  return out.copy();
}

}  // namespace pressreel::preview
