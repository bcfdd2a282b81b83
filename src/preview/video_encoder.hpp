#pragma once
// The one place preview video encoders are configured (renditions and teaser alike): codec,
// quality, caps, GOP grid, colour tags, threads.

#include <memory>
#include <string>

#include <opencv2/core/types.hpp>

#include "pressreel/media/encoder.hpp"
#include "pressreel/media/time.hpp"
#include "pressreel/preview/options.hpp"

namespace pressreel::preview {

struct VideoEncoderSetup {
  cv::Size size;                 // even, square pixels
  AVRational time_base{1, 25};   // of the frames' pts (the source stream's: VFR passes through)
  media::Rational frame_rate;    // nominal, for the GOP length and rate control
  double gop_seconds = 2.0;
  int threads = 1;
  bool variable_frame_rate = false;
};

// libx264 (High, yuv420p, CRF with VBV caps, closed fixed GOP), libvpx-vp9 or libsvtav1, BT.709.
std::unique_ptr<media::Encoder> open_video_encoder(const RenditionOptions& rendition, const VideoEncoderSetup& setup,
                                                   const std::string& clip);

// The threads an encoder of `rendition` runs when asked for `requested`: capped H.264 always one (x264's
// VBV with frame threads follows the machine's load, see open_video_encoder), others as asked.
int video_encoder_threads(const RenditionOptions& rendition, int requested);

// The libav encoder name for a preview codec ("libx264", "libvpx-vp9", "libsvtav1").
std::string encoder_name(VideoCodec codec);

}  // namespace pressreel::preview
