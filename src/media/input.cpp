#include "pressreel/media/input.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <system_error>

#include "pressreel/media/error.hpp"
#include "media/external_refs.hpp"

namespace pressreel::media {
namespace {

struct AvioDeleter {
  void operator()(AVIOContext* ctx) const { avio_closep(&ctx); }
};
using AvioPtr = std::unique_ptr<AVIOContext, AvioDeleter>;

int interrupt_callback(void* opaque) {
  const auto* cancel = static_cast<const std::atomic<bool>*>(opaque);
  return cancel != nullptr && cancel->load(std::memory_order_relaxed) ? 1 : 0;
}

bool is_refused(std::string_view names, const InputPolicy& policy) {
  // A demuxer's name may list aliases: "mov,mp4,m4a,3gp,3g2,mj2".
  for (size_t start = 0; start <= names.size();) {
    const size_t end = std::min(names.find(',', start), names.size());
    const std::string name(names.substr(start, end - start));
    const auto& refused = refused_demuxers();
    const bool listed = std::find(refused.begin(), refused.end(), name) != refused.end();
    const bool allowed =
        std::find(policy.allow_demuxers.begin(), policy.allow_demuxers.end(), name) != policy.allow_demuxers.end();
    if (listed && !allowed) return true;
    start = end + 1;
  }
  return false;
}

// Guesses the container from the bytes alone (never from the extension), through a file-only AVIO.
const AVInputFormat* probe_format(const std::string& url, const std::string& clip, const InputPolicy& policy) {
  AVDictionary* raw_opts = nullptr;
  av_dict_set(&raw_opts, "protocol_whitelist", "file", 0);
  std::unique_ptr<AVDictionary, DictionaryDeleter> opts(raw_opts);
  AVIOContext* raw_io = nullptr;
  const AVIOInterruptCB interrupt = make_interrupt(policy);
  raw_opts = opts.release();
  const int rc = avio_open2(&raw_io, url.c_str(), AVIO_FLAG_READ, &interrupt, &raw_opts);
  opts.reset(raw_opts);
  check_av(rc, clip, "open");
  AvioPtr io(raw_io);
  const AVInputFormat* format = nullptr;
  const int probed = av_probe_input_buffer2(io.get(), &format, url.c_str(), nullptr, 0, 0);
  if (probed < 0 || format == nullptr) {
    throw MediaError(clip, "open", "not a media file FFmpeg recognises (" + av_error_string(probed) + ")");
  }
  return format;
}

}  // namespace

AVIOInterruptCB make_interrupt(const InputPolicy& policy) {
  return AVIOInterruptCB{&interrupt_callback, const_cast<std::atomic<bool>*>(policy.cancel)};
}

void check_demuxer_allowed(const AVInputFormat* format, const std::string& clip, const InputPolicy& policy) {
  if (!is_refused(format->name, policy)) return;
  throw MediaError(clip, "open",
                   fmt::format("refused demuxer '{}': it opens other files or URLs (allow it in the recipe's "
                               "[input] allow_demuxers to use it)",
                               format->name));
}

const std::vector<std::string>& refused_demuxers() {
  static const std::vector<std::string> names = {
      "hls", "applehttp", "concat", "ffconcat", "dash", "imf", "image2", "sdp", "rtsp", "rtp", "sap",
      "webm_dash_manifest", "libmodplug", "avisynth", "vapoursynth", "tedcaptions", "bluray",
      // These open sibling files named after the input (clip.M00..., clip.sub), which may be
      // symlinks the input folder's policy would not follow.
      "mlv", "vobsub"};
  return names;
}

bool is_image_demuxer(const AVInputFormat* format) {
  if (format == nullptr) return false;
  const std::string_view name = format->name;
  return name == "image2" || name.ends_with("_pipe") || name == "gif" || name == "webp_pipe";
}

FormatContextPtr open_input(const std::filesystem::path& path, const InputPolicy& policy) {
  const std::string clip = path.string();
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) throw MediaError(clip, "open", "no such file");
  if (!std::filesystem::is_regular_file(status)) throw MediaError(clip, "open", "not a regular file");
  if (std::filesystem::file_size(path, ec) == 0) throw MediaError(clip, "open", "empty file (0 bytes)");

  // "file:" makes a name such as "http:x.mp4" or "concat:a|b" a plain local path, never a protocol.
  const std::string url = "file:" + std::filesystem::absolute(path).string();
  const AVInputFormat* format = probe_format(url, clip, policy);
  check_demuxer_allowed(format, clip, policy);
  // mov: a track whose samples are in another file would be skipped (enable_drefs=0 below) and the
  // clip fail later as undecodable; the real cause is known now.
  if (std::string_view(format->name).starts_with("mov,")) {
    if (auto reference = external_data_reference(path)) throw MediaError(clip, "open", *reference);
  }

  AVFormatContext* raw = avformat_alloc_context();
  if (raw == nullptr) throw std::bad_alloc();
  raw->interrupt_callback = make_interrupt(policy);
  AVDictionary* opts = nullptr;
  av_dict_set(&opts, "protocol_whitelist", "file", 0);
  av_dict_set(&opts, "enable_drefs", "0", 0);  // mov: never follow data references to other files
  const int rc = avformat_open_input(&raw, url.c_str(), format, &opts);  // frees raw on failure
  av_dict_free(&opts);
  check_av(rc, clip, "open");
  FormatContextPtr ctx(raw);
  check_av(avformat_find_stream_info(ctx.get(), nullptr), clip, "probe", "reading stream info");
  return ctx;
}

}  // namespace pressreel::media
