#include "preview/video_encoder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "pressreel/media/error.hpp"

extern "C" {
#include <libavutil/cpu.h>
}

namespace pressreel::preview {
namespace {

// How many nominal GOPs' worth of frames a VFR source's GOP may run to before the encoder starts
// one of its own.
constexpr int vfr_gop_backstop = 4;

// x264's AVX-512 code reads memory nothing wrote, so its bytes follow whatever the heap held: under
// MALLOC_PERTURB_ 0, 85 and 170 (glibc filling each new block with that byte) the same pictures gave a
// capped 426x240 rendition three different streams, and at 96 rows tall 209 of 272 widths from 16 to
// 558 varied (bench/x264_heap_garbage.sh, SIZES="$(seq -f %gx96 16 2 558)"). In a long-lived worker
// the heap holds the last clip's leftovers. Limited to AVX2, none of 233 widths from 16 to 480 did;
// ReproduciblePreview.TheBytesDoNotFollowWhatTheHeapHeld checks it. A CPU with AVX-512 has every
// AVX2-level feature named here, and one without never uses more, so the limit also keeps the bytes of
// those two kinds of machine alike (on the 2-minute bench trailer x264's own choice and AVX2 give other
// bytes from 14 MB into the 720p stream). It costs x264 about 8% more CPU (bench/x264_isa_cost.sh).
std::string x264_params() {
  std::string params = "scenecut=0:open-gop=0:sync-lookahead=0";
  if ((av_get_cpu_flags() & AV_CPU_FLAG_AVX512) != 0) params += ":asm=avx2,fma3,bmi2,lzcnt";
  return params;
}

}  // namespace

// x264's VBV with frame threads plans each frame's size from the frames the other threads are still
// encoding, as far as they have got (ratecontrol.c, update_vbv_plan: frame_size_estimated of each
// active thread): a capped rendition's bytes then follow the machine's load (two previews of one clip
// at once differed). One thread per capped encoder gives the same bytes every time.
int video_encoder_threads(const RenditionOptions& r, int requested) {
  if (r.codec == VideoCodec::h264 && r.maxrate > 0) return 1;
  return std::max(1, requested);
}

std::string encoder_name(VideoCodec codec) {
  switch (codec) {
    case VideoCodec::h264: return "libx264";
    case VideoCodec::vp9: return "libvpx-vp9";
    case VideoCodec::av1: return "libsvtav1";
  }
  return "libx264";
}

// libx264 refuses pictures over 16384 pixels a side ("invalid width x height"), and libx264 164 then
// leaks the copy of the parameters x264_encoder_open made (LeakSanitizer aborted the whole run). Such
// a size is refused here first, with a cause people can read.
constexpr int x264_largest_side = 16384;

std::unique_ptr<media::Encoder> open_video_encoder(const RenditionOptions& r, const VideoEncoderSetup& setup,
                                                   const std::string& clip) {
  if (r.codec == VideoCodec::h264 &&
      (setup.size.width > x264_largest_side || setup.size.height > x264_largest_side)) {
    throw media::MediaError(clip, "preview",
                            fmt::format("a {}x{} picture is larger than H.264 (libx264) encodes, {} pixels a side",
                                        setup.size.width, setup.size.height, x264_largest_side));
  }
  const double fps = setup.frame_rate.valid() ? setup.frame_rate.to_double() : 25.0;
  const int keyint = std::max(1, static_cast<int>(std::lround(fps * setup.gop_seconds)));
  auto configure = [&](AVCodecContext& c) {
    c.width = setup.size.width;
    c.height = setup.size.height;
    c.pix_fmt = AV_PIX_FMT_YUV420P;
    c.sample_aspect_ratio = AVRational{1, 1};
    // The source's timestamps pass straight through: VFR stays VFR and in sync with the audio.
    c.time_base = setup.time_base;
    if (setup.frame_rate.valid()) c.framerate = setup.frame_rate.to_av();
    c.gop_size = keyint;
    c.keyint_min = keyint;
    // A VFR source's GOPs are started by time (RenditionEncoder forces each keyframe): the frame
    // count then is only a backstop, far enough off that a burst of faster frames never reaches it.
    if (setup.variable_frame_rate) c.gop_size = keyint * vfr_gop_backstop;
    c.flags |= AV_CODEC_FLAG_GLOBAL_HEADER | AV_CODEC_FLAG_CLOSED_GOP;
    c.color_primaries = AVCOL_PRI_BT709;
    c.color_trc = AVCOL_TRC_BT709;
    c.colorspace = AVCOL_SPC_BT709;
    c.color_range = AVCOL_RANGE_MPEG;
    c.thread_count = video_encoder_threads(r, setup.threads);
    // MP4 derives a track's length from decode timestamps; with B-frames those are the reordered
    // presentation times shifted by the reorder delay, which for VFR no longer lands on the real
    // end. Without B-frames decode and presentation times coincide and the duration is exact.
    if (setup.variable_frame_rate && r.codec == VideoCodec::h264) c.max_b_frames = 0;
    if (r.codec != VideoCodec::av1 && r.maxrate > 0) {
      c.rc_max_rate = r.maxrate;
      c.rc_buffer_size = static_cast<int>(r.bufsize > 0 ? r.bufsize : 2 * r.maxrate);
    }
    if (r.codec == VideoCodec::vp9) c.bit_rate = r.maxrate;  // constrained quality: CRF under this rate
  };
  media::CodecOptions options;
  switch (r.codec) {
    case VideoCodec::h264:
      options = {{"preset", r.preset},
                 {"profile", "high"},
                 {"crf", std::to_string(r.crf)},
                 // Keyframes only on the GOP grid, every GOP closed: players and segmenters cut cleanly.
                 // No lookahead thread (sync-lookahead=0): with frame threads x264 runs one by
                 // default, and it decides frame types, MB-tree and VBV plans over however many
                 // frames have arrived when it wakes. Frames that come in bursts (the teaser's
                 // stretches, a loaded machine) then give other bytes run to run; on the encoding
                 // thread the lookahead sees the same frames every time, and the frame threads stay.
                 // Below AVX-512 only: see x264_params.
                 {"x264-params", x264_params()}};
      break;
    case VideoCodec::vp9:
      options = {{"crf", std::to_string(r.crf)}, {"cpu-used", r.preset}, {"deadline", "good"}, {"row-mt", "1"}};
      break;
    case VideoCodec::av1:
      options = {{"preset", r.preset}, {"crf", std::to_string(r.crf)}};
      break;
  }
  return std::make_unique<media::Encoder>(encoder_name(r.codec), configure, options, clip, "preview");
}

}  // namespace pressreel::preview
