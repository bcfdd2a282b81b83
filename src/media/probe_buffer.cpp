#include "pressreel/media/probe_buffer.hpp"

#include <algorithm>
#include <cstring>
#include <new>

#include "pressreel/media/error.hpp"

namespace pressreel::media {
namespace {

// The read position in the caller's bytes; the AVIOContext reads and seeks through it.
struct MemoryReader {
  std::span<const std::uint8_t> bytes;
  size_t position = 0;
};

int read_packet(void* opaque, uint8_t* buf, int buf_size) {
  auto* reader = static_cast<MemoryReader*>(opaque);
  if (reader->position >= reader->bytes.size()) return AVERROR_EOF;
  const size_t n = std::min(static_cast<size_t>(std::max(buf_size, 0)), reader->bytes.size() - reader->position);
  std::memcpy(buf, reader->bytes.data() + reader->position, n);
  reader->position += n;
  return static_cast<int>(n);
}

int64_t seek(void* opaque, int64_t offset, int whence) {
  auto* reader = static_cast<MemoryReader*>(opaque);
  const auto size = static_cast<int64_t>(reader->bytes.size());
  if (whence & AVSEEK_SIZE) return size;
  int64_t base = 0;
  switch (whence & ~AVSEEK_FORCE) {
    case SEEK_SET:
      base = 0;
      break;
    case SEEK_CUR:
      base = static_cast<int64_t>(reader->position);
      break;
    case SEEK_END:
      base = size;
      break;
    default:
      return AVERROR(EINVAL);
  }
  // Offsets come from the container, so they may be anything: refuse rather than overflow.
  if (offset < -base || offset > size - base) return AVERROR(EINVAL);
  reader->position = static_cast<size_t>(base + offset);
  return base + offset;
}

// Demuxers open other resources through io_open (playlists, concat lists, mov data references, image
// sequences); an in-memory input has no files or network to offer, so every such open is refused.
int refuse_io_open(AVFormatContext*, AVIOContext**, const char*, int, AVDictionary**) {
  return AVERROR(EPERM);
}

struct MemoryIoDeleter {
  void operator()(AVIOContext* io) const {
    av_freep(&io->buffer);  // the context may have replaced the buffer it was given
    avio_context_free(&io);
  }
};
using MemoryIoPtr = std::unique_ptr<AVIOContext, MemoryIoDeleter>;

MemoryIoPtr make_memory_io(MemoryReader& reader) {
  constexpr int kBufferSize = 64 * 1024;
  auto* buffer = static_cast<unsigned char*>(av_malloc(kBufferSize));
  if (buffer == nullptr) throw std::bad_alloc();
  AVIOContext* io = avio_alloc_context(buffer, kBufferSize, 0, &reader, &read_packet, nullptr, &seek);
  if (io == nullptr) {
    av_free(buffer);
    throw std::bad_alloc();
  }
  io->seekable = AVIO_SEEKABLE_NORMAL;
  return MemoryIoPtr(io);
}

}  // namespace

ProbeResult probe_buffer(std::span<const std::uint8_t> bytes, const std::string& name, const InputPolicy& policy) {
  if (bytes.empty()) throw MediaError(name, "open", "empty input (0 bytes)");
  MemoryReader reader{bytes, 0};
  // Declared before the format context so it outlives it: a custom AVIOContext is the caller's to free.
  MemoryIoPtr io = make_memory_io(reader);

  // From the bytes alone (no file name, so no extension to guess from), as open_input does.
  const AVInputFormat* format = nullptr;
  const int probed = av_probe_input_buffer2(io.get(), &format, nullptr, nullptr, 0, 0);
  if (probed < 0 || format == nullptr) {
    throw MediaError(name, "open", "not a media file FFmpeg recognises (" + av_error_string(probed) + ")");
  }
  check_demuxer_allowed(format, name, policy);

  AVFormatContext* raw = avformat_alloc_context();
  if (raw == nullptr) throw std::bad_alloc();
  raw->pb = io.get();
  raw->flags |= AVFMT_FLAG_CUSTOM_IO;
  raw->interrupt_callback = make_interrupt(policy);
  raw->io_open = &refuse_io_open;
  AVDictionary* opts = nullptr;
  av_dict_set(&opts, "enable_drefs", "0", 0);                        // mov: never follow data references
  const int rc = avformat_open_input(&raw, nullptr, format, &opts);  // frees raw on failure
  av_dict_free(&opts);
  check_av(rc, name, "open");
  FormatContextPtr ctx(raw);
  check_av(avformat_find_stream_info(ctx.get(), nullptr), name, "probe", "reading stream info");

  ProbeResult result = probe_with_packet_timing(ctx.get(), name);
  result.size_bytes = bytes.size();
  return result;
}

}  // namespace pressreel::media
