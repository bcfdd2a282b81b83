#pragma once
// libavformat output: streams from encoders, header with muxer options (e.g. movflags=+faststart),
// interleaved writes with timestamps rescaled once here, the trailer at the end.

#include <filesystem>
#include <map>
#include <string>

#include "pressreel/media/av_ptr.hpp"
#include "pressreel/media/encoder.hpp"

namespace pressreel::media {

class Muxer {
 public:
  // `format` is the muxer name ("mp4", "webm", "webp"): output files are written under temporary
  // names whose extension says nothing. `shown_as` names the file in errors (the final name of a
  // file written under a temporary one); by default `path`.
  Muxer(std::filesystem::path path, const std::string& format, std::string clip, std::string stage,
        std::string shown_as = {});
  Muxer(const Muxer&) = delete;
  Muxer& operator=(const Muxer&) = delete;

  // True when encoders feeding this muxer must put codec headers in extradata.
  bool wants_global_header() const;
  // Adds a stream carrying `encoder`'s packets; returns its index. Before begin().
  int add_stream(const Encoder& encoder);
  // Adds a stream carrying packets copied from `source` (a demuxed stream), without re-encoding;
  // `bit_rate` (bits/s, 0 = the source's) is what manifests such as DASH's announce for it, and
  // `sample_aspect` (0/1 = the source's) the pixels' shape the container states.
  int add_stream_copy(const AVStream& source, int64_t bit_rate = 0, AVRational sample_aspect = {0, 1});
  // Opens the file and writes the header; `options` are muxer options ("movflags" -> "+faststart").
  void begin(const std::map<std::string, std::string>& options = {});
  // Writes a packet of stream `stream` whose timestamps are in `time_base`. The packet is consumed
  // (its buffers move into the muxer); pass a reference copy to write one packet to several files.
  void write(AVPacket& packet, int stream, AVRational time_base);
  // Flushes interleaving queues, writes the trailer (for mp4 +faststart: moves moov to the front)
  // and closes the file. Write errors (a full disk often shows only here) throw MediaError.
  void finish();

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::string clip_, stage_, shown_as_;
  OutputFormatContextPtr context_;
  bool begun_ = false, finished_ = false;
};

}  // namespace pressreel::media
