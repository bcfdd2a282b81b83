#include "media/packet_read.hpp"

#include <fmt/format.h>

#include "pressreel/media/error.hpp"

extern "C" {
#include <libavformat/avio.h>
}

namespace pressreel::media {
namespace {

bool cancelled(const PacketSource& source) { return source.cancel != nullptr && source.cancel->load(); }

}  // namespace

bool read_packet(AVFormatContext& input, AVPacket& packet, const PacketSource& source, std::string& cut_off) {
  av_packet_unref(&packet);
  cut_off.clear();
  if (cancelled(source)) throw MediaError(source.clip, source.stage, "cancelled");
  const int rc = av_read_frame(&input, &packet);
  if (rc >= 0) return true;
  // A read the interrupt callback cut off can surface as end of file (demuxers scanning for a start
  // code stop at "EOF"): a cancelled read must not pass for a complete one.
  if (rc == AVERROR_EXIT || cancelled(source)) throw MediaError(source.clip, source.stage, "cancelled");
  // AVIOContext keeps the I/O layer's error apart from its end of file: demuxers that check only
  // avio_feof() turn a failed read into AVERROR_EOF, so the return code alone cannot tell them apart.
  const AVIOContext* io = input.pb;
  if (io != nullptr && io->error < 0 && io->error != AVERROR_EOF) {
    throw MediaError(source.clip, source.stage,
                     fmt::format("read failed at byte {}: {}", io->pos, av_error_string(io->error)));
  }
  if (rc != AVERROR_EOF) cut_off = av_error_string(rc);
  return false;
}

}  // namespace pressreel::media
