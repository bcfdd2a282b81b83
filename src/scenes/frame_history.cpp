#include "pressreel/scenes/frame_history.hpp"

namespace pressreel::scenes {

// As ffmpeg's blackdetect: a picture is black when 98% of its pixels are.
bool FrameRecord::black() const { return black_ratio >= 0.98; }
bool FrameRecord::white() const { return white_ratio >= 0.98; }

}  // namespace pressreel::scenes
