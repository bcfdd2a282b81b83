#include "pressreel/preview/stream_packager.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>

#include "io/atomic_file.hpp"
#include "media/packet_read.hpp"
#include "pressreel/media/error.hpp"
#include "pressreel/media/input.hpp"
#include "pressreel/media/muxer.hpp"

namespace pressreel::preview {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
constexpr const char* stream_stage = "stream";

// One written rendition, open for reading its packets.
struct Source {
  fs::path path;
  media::FormatContextPtr input;
  int video = -1, audio = -1;        // stream indices in `input`
  int video_out = -1, audio_out = -1;  // stream indices in the packager's output
  int64_t bandwidth = 0;               // the video's peak bit rate over a segment
  media::PacketPtr pending = media::make_packet();
  bool ended = false;
};

// The folder being built: removed with what is in it unless it was renamed into place.
class TemporaryFolder {
 public:
  explicit TemporaryFolder(const fs::path& final_path) : path_(io::temporary_path_for(final_path)) {
    fs::create_directories(path_);
  }
  ~TemporaryFolder() {
    std::error_code ignored;
    if (!committed_) fs::remove_all(path_, ignored);
  }
  TemporaryFolder(const TemporaryFolder&) = delete;
  TemporaryFolder& operator=(const TemporaryFolder&) = delete;
  const fs::path& path() const { return path_; }
  // Replaces `final_path` (an older stream) with this folder. Between the two steps neither exists;
  // the clip's manifest, removed before any output is written, is not back yet either.
  void commit(const fs::path& final_path) {
    fs::remove_all(final_path);
    fs::rename(path_, final_path);
    committed_ = true;
  }

 private:
  fs::path path_;
  bool committed_ = false;
};

// The peak bit rate over the segments the dash muxer will cut (it ends segment k at the first
// keyframe at or after k x segment length), read from the demuxer's index: no packet is read. HLS
// BANDWIDTH must be at least every segment's rate (RFC 8216, 4.3.4.2); a player picking a rendition by
// the average would stall on a busy scene.
int64_t peak_segment_bit_rate(AVStream& stream, double segment_seconds) {
  const int count = avformat_index_get_entries_count(&stream);
  if (count == 0) return 0;
  const double tb = av_q2d(stream.time_base);
  const double first = static_cast<double>(avformat_index_get_entry(&stream, 0)->timestamp) * tb;
  double peak = 0.0, segment_start = 0.0;
  int64_t bytes = 0;
  int segment = 1;
  const auto close_segment = [&](double end) {
    if (end > segment_start) peak = std::max(peak, static_cast<double>(bytes) * 8.0 / (end - segment_start));
  };
  double last = 0.0;
  for (int i = 0; i < count; ++i) {
    const AVIndexEntry* entry = avformat_index_get_entry(&stream, i);
    const double t = static_cast<double>(entry->timestamp) * tb - first;
    if ((entry->flags & AVINDEX_KEYFRAME) && i > 0 && t >= segment * segment_seconds) {
      close_segment(t);
      segment_start = t;
      bytes = 0;
      ++segment;
    }
    bytes += entry->size;
    last = t;
  }
  // The last segment ends one frame after its last packet starts.
  const double frame = stream.avg_frame_rate.num > 0 ? av_q2d(av_inv_q(stream.avg_frame_rate)) : 0.0;
  close_segment(last + (frame > 0 ? frame : (count > 1 ? last / (count - 1) : 0.0)));
  return static_cast<int64_t>(std::ceil(peak));
}

Source open_rendition(const fs::path& path, bool take_audio, const std::string& clip) {
  Source source;
  source.path = path;
  source.input = media::open_input(path);
  AVFormatContext* input = source.input.get();
  source.video = av_find_best_stream(input, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (source.video < 0) throw media::MediaError(clip, stream_stage, fmt::format("{}: no video stream", path.filename().string()));
  if (input->streams[source.video]->codecpar->codec_id != AV_CODEC_ID_H264) {
    throw media::MediaError(clip, stream_stage, fmt::format("{}: video is not H.264", path.filename().string()));
  }
  if (take_audio) source.audio = av_find_best_stream(input, AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  if (source.audio < 0) source.audio = -1;
  // The demuxer skips what is not copied: the other renditions' audio is the same as the first's.
  for (unsigned i = 0; i < input->nb_streams; ++i) {
    if (static_cast<int>(i) != source.video && static_cast<int>(i) != source.audio) {
      input->streams[i]->discard = AVDISCARD_ALL;
    }
  }
  return source;
}

// Reads `source`'s next packet of a copied stream into `pending`, or marks it ended. A rendition is
// this run's own file: one the demuxer cannot read to its end is an error, not a short stream.
void read_next(Source& source, const std::string& clip) {
  const std::string stage = stream_stage;
  std::string cut_off;
  while (media::read_packet(*source.input, *source.pending, {clip, stage}, cut_off)) {
    const int index = source.pending->stream_index;
    if ((index == source.video || index == source.audio) && source.pending->dts != AV_NOPTS_VALUE) return;
  }
  if (!cut_off.empty()) {
    throw media::MediaError(clip, stream_stage, fmt::format("reading {}: {}", source.path.filename().string(), cut_off));
  }
  source.ended = true;
}

AVRational time_base_of(const Source& source) {
  return source.input->streams[source.pending->stream_index]->time_base;
}

// The playlists libavformat's dash muxer writes are made for live streams: each segment carries an
// EXT-X-PROGRAM-DATE-TIME from the wall clock. A published trailer has no date, and its playlists must
// come out the same on every run, so those lines go; the media playlists say they are complete (VOD),
// and the master that every segment starts with a keyframe (closed GOPs), which lets a player switch
// renditions at any segment.
void finish_playlist(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  const bool media_playlist = path.filename() != hls_master_name;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("#EXT-X-PROGRAM-DATE-TIME")) continue;
    out << line << '\n';
    if (line.starts_with("#EXT-X-VERSION:")) {
      out << (media_playlist ? "#EXT-X-PLAYLIST-TYPE:VOD\n" : "#EXT-X-INDEPENDENT-SEGMENTS\n");
    }
  }
  in.close();
  io::write_file_atomic(path, out.str());
}

}  // namespace

json package_stream(const fs::path& clip_folder, const std::vector<fs::path>& renditions, const StreamOptions& options,
                    const std::string& clip) {
  if (renditions.empty()) throw media::MediaError(clip, stream_stage, "no H.264 rendition to package");
  std::vector<Source> sources;
  for (size_t i = 0; i < renditions.size(); ++i) sources.push_back(open_rendition(renditions[i], i == 0, clip));

  const fs::path final_folder = clip_folder / stream_folder_name;
  TemporaryFolder folder(final_folder);
  {
    media::Muxer muxer(folder.path() / dash_manifest_name, "dash", clip, stream_stage,
                       (final_folder / dash_manifest_name).string());
    const AVCodecParameters& best = *sources.front().input->streams[sources.front().video]->codecpar;
    for (Source& source : sources) {
      AVStream& video = *source.input->streams[source.video];
      source.bandwidth = peak_segment_bit_rate(video, options.segment_seconds);
      // One adaptation set holds pictures of one shape (the dash muxer refuses others), but widths
      // rounded to even make 854x480 beside 1280x720 1.7792 against 1.7778. The sample aspect that
      // brings a rendition to the best one's shape (1280:1281 here) is what its pixels really are.
      AVRational sar{1, 1};
      av_reduce(&sar.num, &sar.den, static_cast<int64_t>(best.width) * video.codecpar->height,
                static_cast<int64_t>(best.height) * video.codecpar->width, 1 << 20);
      source.video_out = muxer.add_stream_copy(video, source.bandwidth, sar);
    }
    Source& first = sources.front();
    if (first.audio >= 0) first.audio_out = muxer.add_stream_copy(*first.input->streams[first.audio]);
    muxer.begin({
        {"fflags", "+bitexact"},  // no library version in the init segments: the same bytes on every build
        {"seg_duration", fmt::format("{}", options.segment_seconds)},
        {"use_template", "1"},
        {"use_timeline", "1"},  // exact segment durations (the last one is short)
        {"single_file", "0"},
        {"init_seg_name", "init-$RepresentationID$.m4s"},
        {"media_seg_name", "chunk-$RepresentationID$-$Number%05d$.m4s"},
        {"dash_segment_type", "mp4"},
        {"adaptation_sets", first.audio >= 0 ? "id=0,streams=v id=1,streams=a" : "id=0,streams=v"},
        {"hls_playlist", "1"},
        {"hls_master_name", hls_master_name},
        {"streaming", "0"},
        {"write_prft", "0"},  // a producer reference time is the wall clock
        {"window_size", "0"},
        {"remove_at_exit", "0"},
    });

    // Packets go out in decode-time order across the renditions, so the muxer's interleaving queues
    // stay short whatever the clip's length.
    for (Source& source : sources) read_next(source, clip);
    while (true) {
      Source* next = nullptr;
      for (Source& source : sources) {
        if (source.ended) continue;
        if (next == nullptr || av_compare_ts(source.pending->dts, time_base_of(source), next->pending->dts,
                                             time_base_of(*next)) < 0) {
          next = &source;
        }
      }
      if (next == nullptr) break;
      const AVRational time_base = time_base_of(*next);
      const int out = next->pending->stream_index == next->video ? next->video_out : next->audio_out;
      muxer.write(*next->pending, out, time_base);
      read_next(*next, clip);
    }
    muxer.finish();
  }

  for (const auto& entry : fs::directory_iterator(folder.path())) {
    if (entry.path().extension() == ".m3u8") finish_playlist(entry.path());
  }

  // What the manifest says: the streams are numbered as added (the renditions, then the audio), and
  // the muxer names each one's files and playlist after its number.
  json stream = {{"folder", stream_folder_name},
                 {"hls", fmt::format("{}/{}", stream_folder_name, hls_master_name)},
                 {"dash", fmt::format("{}/{}", stream_folder_name, dash_manifest_name)},
                 {"segment_seconds", options.segment_seconds},
                 {"renditions", json::array()},
                 {"audio", nullptr}};
  const auto segments_of = [&](int index) {
    const std::string prefix = fmt::format("chunk-{}-", index);
    return std::count_if(fs::directory_iterator(folder.path()), fs::directory_iterator(), [&](const auto& entry) {
      return entry.path().filename().string().starts_with(prefix);
    });
  };
  for (const Source& source : sources) {
    const AVCodecParameters& video = *source.input->streams[source.video]->codecpar;
    stream["renditions"].push_back(
        {{"file", source.path.filename().string()},
         {"playlist", fmt::format("{}/media_{}.m3u8", stream_folder_name, source.video_out)},
         {"width", video.width},
         {"height", video.height},
         {"bandwidth", source.bandwidth},
         {"segments", segments_of(source.video_out)}});
  }
  if (const Source& first = sources.front(); first.audio >= 0) {
    stream["audio"] = {{"file", first.path.filename().string()},
                       {"playlist", fmt::format("{}/media_{}.m3u8", stream_folder_name, first.audio_out)},
                       {"bit_rate", first.input->streams[first.audio]->codecpar->bit_rate},
                       {"segments", segments_of(first.audio_out)}};
  }
  try {
    folder.commit(final_folder);
  } catch (const fs::filesystem_error& e) {
    throw media::MediaError(clip, stream_stage, fmt::format("renaming the stream folder into place: {}", e.code().message()));
  }
  return stream;
}

}  // namespace pressreel::preview
