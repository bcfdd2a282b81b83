#pragma once
// Random access to a clip's frames without a full decode, for the `thumbs` article path: seek to
// the keyframe before a time and decode forward. Frames come out exactly as the decode pass
// delivers them (upright, tone-mapped, same time origin), so a still taken here matches one taken
// there. Not a second decode pass: it reads only the GOPs it is asked about.

#include <functional>
#include <memory>
#include <optional>

#include "media/stream_reader.hpp"
#include "pressreel/media/probe.hpp"

namespace pressreel::media {

class FrameGrabber {
 public:
  // Opens the clip and decodes its first frame, which fixes the time origin. Throws MediaError.
  explicit FrameGrabber(const ProbeResult& probe, VideoDecoderOptions decoder = {}, const InputPolicy& input = {});
  // The same on an input `open_input` opened (under `input`, whose cancel flag the reads honour) and
  // `probe` read, still at its start: a one-off command opens and reads the stream info once, not twice.
  FrameGrabber(FormatContextPtr opened, const ProbeResult& probe, VideoDecoderOptions decoder = {},
               const InputPolicy& input = {});
  // A second reader of the clip `same_clip` reads (on its own opened input, for another thread):
  // it takes that one's time origin and first frame instead of decoding the first frame again.
  FrameGrabber(FormatContextPtr opened, const ProbeResult& probe, VideoDecoderOptions decoder,
               const InputPolicy& input, const FrameGrabber& same_clip);
  ~FrameGrabber();
  FrameGrabber(const FrameGrabber&) = delete;
  FrameGrabber& operator=(const FrameGrabber&) = delete;

  // Called for each decoded frame in presentation order; return false to stop.
  using Visitor = std::function<bool(const VideoFrame&)>;

  // Seeks to the keyframe at or before `time` and decodes forward, handing each frame to `visit`
  // until it returns false or the clip ends.
  void decode_from(RationalTime time, const Visitor& visit);
  // The keyframe at or before `time` alone, one packet decoded: a quick look at many places of a
  // clip whatever its GOP length. Empty when no keyframe follows the seek, when it does not decode,
  // or when its frame index is `unless_index` (a keyframe already seen is not decoded again).
  std::optional<VideoFrame> keyframe_at(RationalTime time, int64_t unless_index = -1);
  // The frame whose presentation interval [time, time + duration) contains `time` (the first frame
  // before the clip's start, the last one past its end): frame-accurate.
  VideoFrame frame_at(RationalTime time);

  // Frame index for a time, from the nominal rate (exact for constant frame rate clips).
  int64_t index_at(RationalTime time) const;
  RationalTime duration() const { return duration_; }
  Rational frame_rate() const { return rate_; }
  // Frames decoded so far, all seeks together: the cost of what was asked.
  int64_t frames_decoded() const { return frames_decoded_; }

 private:
  FrameGrabber(FormatContextPtr opened, const ProbeResult& probe, VideoDecoderOptions decoder,
               const InputPolicy& input, const FrameGrabber* same_clip);
  // Seeks to the keyframe at or before `time` and readies the decoder for it.
  void seek_before(RationalTime time);

  std::string clip_;
  StreamReader reader_;  // the main video stream alone
  Rational rate_;
  RationalTime origin_;  // first frame's PTS
  RationalTime duration_;
  VideoFrame first_;  // decoded at the open: a keyframe search that lands on it does not decode it again
  int64_t frames_decoded_ = 0;
};

}  // namespace pressreel::media
