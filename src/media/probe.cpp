#include "pressreel/media/probe.hpp"

#include <algorithm>
#include <cmath>
#include <system_error>

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/display.h>
#include <libavutil/pixdesc.h>
}

#include "pressreel/media/error.hpp"
#include "media/stored_code.hpp"
#include "text/utf8.hpp"

namespace pressreel::media {
namespace {

// Tags are bytes as the muxer wrote them (often Latin-1 in old files); the manifest, the gallery and
// `probe --json` need UTF-8, so ill-formed sequences become U+FFFD here, once.
std::string valid_utf8(const char* tag) { return text::encode_utf8(text::decode_utf8(tag)); }

Metadata read_metadata(const AVDictionary* dict) {
  Metadata out;
  const AVDictionaryEntry* entry = nullptr;
  while ((entry = av_dict_get(dict, "", entry, AV_DICT_IGNORE_SUFFIX)) != nullptr) {
    out[valid_utf8(entry->key)] = valid_utf8(entry->value);
  }
  return out;
}

std::string or_empty(const char* s) { return s == nullptr ? std::string() : std::string(s); }

// A code is named only when in range (see stored_code.hpp).
template <typename Enum>
std::string code_name(const Enum& field, int count, const char* (*name)(Enum)) {
  const int code = stored_code(field);
  return code >= 0 && code < count ? or_empty(name(static_cast<Enum>(code))) : std::string();
}

std::string field_order_name(int order) {
  switch (order) {
    case AV_FIELD_PROGRESSIVE: return "progressive";
    case AV_FIELD_TT: return "tt";
    case AV_FIELD_BB: return "bb";
    case AV_FIELD_TB: return "tb";
    case AV_FIELD_BT: return "bt";
    default: return "unknown";
  }
}

double stream_duration(const AVStream* st, const AVFormatContext* ctx) {
  if (st->duration != AV_NOPTS_VALUE && st->duration > 0) return st->duration * av_q2d(st->time_base);
  return ctx->duration > 0 ? static_cast<double>(ctx->duration) / AV_TIME_BASE : 0.0;
}

VideoStreamInfo read_video(const AVStream* st, const AVFormatContext* ctx) {
  const AVCodecParameters* par = st->codecpar;
  VideoStreamInfo v;
  v.index = st->index;
  v.codec = avcodec_get_name(par->codec_id);
  v.profile = or_empty(avcodec_profile_name(par->codec_id, par->profile));
  v.width = par->width;
  v.height = par->height;
  AVRational sar = av_guess_sample_aspect_ratio(const_cast<AVFormatContext*>(ctx), const_cast<AVStream*>(st), nullptr);
  if (sar.num <= 0 || sar.den <= 0) sar = AVRational{1, 1};
  av_reduce(&sar.num, &sar.den, sar.num, sar.den, 1 << 20);
  v.sample_aspect = Rational::from_av(sar);
  if (v.width > 0 && v.height > 0) {
    AVRational dar{};
    av_reduce(&dar.num, &dar.den, int64_t{v.width} * sar.num, int64_t{v.height} * sar.den, 1 << 20);
    v.display_aspect = Rational::from_av(dar);
  }
  v.rotation = stream_rotation(st);
  const int shown_w = static_cast<int>(std::lround(v.width * av_q2d(sar)));
  v.display_width = (v.rotation % 180 == 0) ? shown_w : v.height;
  v.display_height = (v.rotation % 180 == 0) ? v.height : shown_w;
  v.frame_rate = Rational::from_av(st->r_frame_rate);
  v.average_frame_rate = Rational::from_av(st->avg_frame_rate);
  if (v.frame_rate.valid() && v.average_frame_rate.valid()) {
    const double ratio = v.frame_rate.to_double() / v.average_frame_rate.to_double();
    v.variable_frame_rate = std::abs(ratio - 1.0) > 0.01;
  }
  const auto fmt = static_cast<AVPixelFormat>(par->format);
  v.pixel_format = or_empty(av_get_pix_fmt_name(fmt));
  if (const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(fmt)) v.bit_depth = desc->comp[0].depth;
  const int field_order = stored_code(par->field_order);
  v.field_order = field_order_name(field_order);
  v.interlaced = field_order == AV_FIELD_TT || field_order == AV_FIELD_BB || field_order == AV_FIELD_TB ||
                 field_order == AV_FIELD_BT;
  v.color_primaries = code_name(par->color_primaries, AVCOL_PRI_NB, av_color_primaries_name);
  v.color_transfer = code_name(par->color_trc, AVCOL_TRC_NB, av_color_transfer_name);
  v.color_matrix = code_name(par->color_space, AVCOL_SPC_NB, av_color_space_name);
  v.color_range = code_name(par->color_range, AVCOL_RANGE_NB, av_color_range_name);
  const int transfer = stored_code(par->color_trc);
  if (transfer == AVCOL_TRC_SMPTE2084) v.hdr = "HDR10";
  if (transfer == AVCOL_TRC_ARIB_STD_B67) v.hdr = "HLG";
  if (st->nb_frames > 0) v.frame_count = st->nb_frames;
  v.time_base = st->time_base;
  v.start_pts = st->start_time == AV_NOPTS_VALUE ? 0 : st->start_time;
  v.duration_seconds = stream_duration(st, ctx);
  v.attached_picture = (st->disposition & AV_DISPOSITION_ATTACHED_PIC) != 0;
  v.metadata = read_metadata(st->metadata);
  return v;
}

AudioStreamInfo read_audio(const AVStream* st, const AVFormatContext* ctx) {
  const AVCodecParameters* par = st->codecpar;
  AudioStreamInfo a;
  a.index = st->index;
  a.codec = avcodec_get_name(par->codec_id);
  a.profile = or_empty(avcodec_profile_name(par->codec_id, par->profile));
  a.channels = par->ch_layout.nb_channels;
  char layout[128] = {};
  if (av_channel_layout_describe(&par->ch_layout, layout, sizeof layout) > 0) a.channel_layout = layout;
  a.sample_rate = par->sample_rate;
  a.bit_rate = par->bit_rate;
  a.duration_seconds = stream_duration(st, ctx);
  a.metadata = read_metadata(st->metadata);
  return a;
}

// Reads up to a few hundred video packets: timing is variable when their durations, in
// presentation order, vary by more than timestamp rounding.
std::optional<bool> packets_show_variable_timing(AVFormatContext* ctx, int stream_index) {
  std::vector<int64_t> pts;
  PacketPtr packet = make_packet();
  bool whole_stream = false;
  for (int read = 0; read < 2000 && pts.size() < 400; ++read) {
    if (av_read_frame(ctx, packet.get()) < 0) {
      whole_stream = true;
      break;
    }
    if (packet->stream_index == stream_index && packet->pts != AV_NOPTS_VALUE) pts.push_back(packet->pts);
    av_packet_unref(packet.get());
  }
  std::sort(pts.begin(), pts.end());
  // Packets come in decode order: the B-frames shown before the last packets read may still be
  // unread. No codec reorders by more than 16 frames, so the 16 latest timestamps are left out.
  constexpr size_t max_reorder = 16;
  if (!whole_stream) pts.resize(pts.size() > max_reorder ? pts.size() - max_reorder : 0);
  if (pts.size() < 4) return std::nullopt;
  int64_t lo = INT64_MAX, hi = 0;
  for (size_t i = 1; i < pts.size(); ++i) {
    const int64_t d = pts[i] - pts[i - 1];
    if (d <= 0) continue;
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  if (lo == INT64_MAX) return std::nullopt;
  return hi - lo > 2 && static_cast<double>(hi) > 1.25 * static_cast<double>(lo);
}

}  // namespace

int stream_rotation(const AVStream* stream) {
  const auto* matrix = reinterpret_cast<const int32_t*>(
      av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, nullptr));
  if (matrix == nullptr) return 0;
  const double ccw = av_display_rotation_get(matrix);
  if (std::isnan(ccw)) return 0;
  int cw = static_cast<int>(std::lround(-ccw / 90.0)) * 90;
  cw %= 360;
  return cw < 0 ? cw + 360 : cw;
}

ProbeResult probe(AVFormatContext* ctx, const std::filesystem::path& path) {
  ProbeResult r;
  r.path = path;
  r.container = ctx->iformat->name;
  r.container_long_name = or_empty(ctx->iformat->long_name);
  r.duration_seconds = ctx->duration > 0 ? static_cast<double>(ctx->duration) / AV_TIME_BASE : 0.0;
  r.bit_rate = ctx->bit_rate;
  std::error_code ec;
  r.size_bytes = std::filesystem::file_size(path, ec);
  if (ec) r.size_bytes = 0;
  r.metadata = read_metadata(ctx->metadata);
  for (unsigned i = 0; i < ctx->nb_streams; ++i) {
    const AVStream* st = ctx->streams[i];
    StreamSummary s{st->index, or_empty(av_get_media_type_string(st->codecpar->codec_type)),
                    avcodec_get_name(st->codecpar->codec_id), read_metadata(st->metadata)};
    r.streams.push_back(std::move(s));
    if (st->codecpar->codec_type == AVMEDIA_TYPE_VIDEO) r.video.push_back(read_video(st, ctx));
    if (st->codecpar->codec_type == AVMEDIA_TYPE_AUDIO) r.audio.push_back(read_audio(st, ctx));
  }
  const int best_v = av_find_best_stream(ctx, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  for (size_t i = 0; i < r.video.size(); ++i) {
    if (r.video[i].index == best_v && !r.video[i].attached_picture) r.best_video = static_cast<int>(i);
  }
  const int best_a = av_find_best_stream(ctx, AVMEDIA_TYPE_AUDIO, -1, best_v, nullptr, 0);
  for (size_t i = 0; i < r.audio.size(); ++i) {
    if (r.audio[i].index == best_a) r.best_audio = static_cast<int>(i);
  }
  if (r.duration_seconds <= 0 && r.main_video() != nullptr) r.duration_seconds = r.main_video()->duration_seconds;
  return r;
}

ProbeResult probe_with_packet_timing(AVFormatContext* ctx, const std::filesystem::path& path) {
  ProbeResult r = probe(ctx, path);
  if (auto* v = r.best_video < 0 ? nullptr : &r.video[r.best_video]) {
    // Packet timing is the better witness; the rate comparison stands only when packets are too few.
    if (auto vfr = packets_show_variable_timing(ctx, v->index)) v->variable_frame_rate = *vfr;
  }
  return r;
}

ProbeResult probe(const std::filesystem::path& path, const InputPolicy& policy) {
  FormatContextPtr ctx = open_input(path, policy);
  return probe_with_packet_timing(ctx.get(), path);
}

}  // namespace pressreel::media
