#pragma once
// The one place that reads a packet out of a demuxer and says how an input ended. StreamReader (the
// decode pass, the frame grabber, the teaser, loudness) and the stream packager read through it, so
// they agree on what is the end of a file and what is not:
// - the cancel flag stops a read at once (a read it cut off can surface as "end of file");
// - an I/O error mid-file (a disk or network read failing) is an error, even where the demuxer
//   reports it as the end of file, as several do: a clip that could not be read is not a short clip;
// - a demuxer that gives up on damaged data while the file itself reads fine (a truncated or corrupt
//   tail) ends the input early, with its reason; the caller decides whether that is acceptable.

#include <atomic>
#include <string>

#include "pressreel/media/av_ptr.hpp"

namespace pressreel::media {

// Whose input it is, for the errors read_packet throws.
struct PacketSource {
  const std::string& clip;   // names the clip in errors
  const std::string& stage;  // names the stage in errors
  const std::atomic<bool>* cancel = nullptr;
};

// Reads the next packet of `input` into `packet` (av_read_frame): true with a packet; false at the
// end of the input, with `cut_off` set to why the demuxer stopped before the end of the file (empty
// at the end of the file). Throws MediaError(clip, stage, ...) "cancelled" once the cancel flag is
// set, and naming the failed read when the I/O layer reported an error.
bool read_packet(AVFormatContext& input, AVPacket& packet, const PacketSource& source, std::string& cut_off);

}  // namespace pressreel::media
