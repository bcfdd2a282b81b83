#include "pressreel/preview/teaser.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <thread>

#include "pressreel/media/decoder.hpp"
#include "pressreel/media/error.hpp"
#include "pressreel/media/input.hpp"
#include "pressreel/media/muxer.hpp"
#include "pressreel/media/scaler.hpp"
#include "pressreel/preview/output_file.hpp"
#include "pressreel/preview/video_encoder.hpp"

namespace pressreel::preview {
namespace {

const char* stage = "teaser";

// Shorter pieces than this read as a flicker, not a shot.
constexpr double shortest_piece_seconds = 0.4;

std::vector<TeaserPiece> take_pieces(std::span<const scenes::Shot> best_first, double piece_seconds, double target) {
  std::vector<TeaserPiece> pieces;
  double total = 0;
  for (const scenes::Shot& shot : best_first) {
    const double length = (shot.end_time - shot.start_time).seconds();
    const double take = std::min({piece_seconds, length, target - total});
    if (take < shortest_piece_seconds) continue;
    // The end's time base: a clip's first shot starts at a plain zero (time base 1/1), which would
    // round its piece to whole seconds (to nothing, in a clip shorter than a second).
    const AVRational tb = shot.end_time.time_base();
    const double start = shot.start_time.seconds() + (length - take) / 2;  // the middle of the shot
    pieces.push_back({media::RationalTime::from_seconds(start, tb), media::RationalTime::from_seconds(start + take, tb)});
    total += take;
    if (total >= target - 1e-6) break;
  }
  std::sort(pieces.begin(), pieces.end(), [](const TeaserPiece& a, const TeaserPiece& b) { return a.start < b.start; });
  return pieces;
}

double total_seconds(const std::vector<TeaserPiece>& pieces) {
  double total = 0;
  for (const TeaserPiece& p : pieces) total += (p.end - p.start).seconds();
  return total;
}

// The pieces as given, cut off once max_seconds is reached.
std::vector<TeaserPiece> clamp_pieces(std::span<const TeaserPiece> pieces, double max_seconds) {
  std::vector<TeaserPiece> used;
  double total = 0;
  for (const TeaserPiece& p : pieces) {
    const double length = (p.end - p.start).seconds();
    if (length <= 0) continue;
    TeaserPiece piece = p;
    if (total + length > max_seconds) piece.end = p.start + media::RationalTime::from_seconds(max_seconds - total, p.start.time_base());
    used.push_back(piece);
    total += (piece.end - piece.start).seconds();
    if (total >= max_seconds - 1e-6) break;
  }
  return used;
}

// The looping MP4 and the animated WebP, fed the same pictures in teaser time.
class TeaserWriter {
 public:
  TeaserWriter(const media::VideoStreamInfo& video, const std::filesystem::path& folder, const TeaserOptions& options,
               const std::string& clip)
      : clip_(clip),
        options_(options),
        tb_(video.time_base),
        mp4_file_(folder, "teaser.mp4"),
        webp_file_(folder, "teaser.webp") {
    const cv::Size display(video.display_width > 0 ? video.display_width : video.width,
                           video.display_height > 0 ? video.display_height : video.height);
    mp4_size_ = plan_renditions(display, {options.mp4}).front().size;
    webp_size_ = media::fit_within(display, options.webp_max_width, 0, true);
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const media::Rational rate = video.frame_rate.valid() ? video.frame_rate : video.average_frame_rate;
    mp4_ = open_video_encoder(options.mp4, {mp4_size_, tb_, rate, 2.0, cores}, clip_);
    mp4_mux_ = std::make_unique<media::Muxer>(mp4_file_.temporary(), "mp4", clip_, stage,
                                             mp4_file_.final_path().string());
    mp4_mux_->add_stream(*mp4_);
    mp4_mux_->begin({{"movflags", "+faststart"}});

    webp_ = std::make_unique<media::Encoder>(
        "libwebp_anim",
        [&](AVCodecContext& c) {
          c.width = webp_size_.width;
          c.height = webp_size_.height;
          c.pix_fmt = AV_PIX_FMT_YUV420P;
          c.time_base = AVRational{1, 1000};  // libwebp_anim counts frame durations in milliseconds
        },
        media::CodecOptions{{"quality", fmt::format("{}", options.webp_quality)}}, clip_, stage);
    webp_mux_ = std::make_unique<media::Muxer>(webp_file_.temporary(), "webp", clip_, stage,
                                             webp_file_.final_path().string());
    webp_mux_->add_stream(*webp_);
    webp_mux_->begin({{"loop", "0"}});  // 0 = loop forever
  }

  // `pts` is the picture's time in the teaser, in the source stream's time base.
  void add(const AVFrame* picture, int64_t pts) {
    media::FramePtr frame = mp4_scaler_.to_frame(picture, mp4_size_.width, mp4_size_.height, AV_PIX_FMT_YUV420P);
    frame->pict_type = AV_PICTURE_TYPE_NONE;
    frame->pts = pts;
    mp4_->send(frame.get(), [&](AVPacket& p) { mp4_mux_->write(p, 0, tb_); });
    ++mp4_frames_;
    // The WebP takes every picture that reaches the next tick of its lower frame rate.
    const int64_t ms = av_rescale_q(pts, tb_, AVRational{1, 1000});
    if (ms + 0.5 < next_webp_ms_) return;
    media::FramePtr small = webp_scaler_.to_frame(picture, webp_size_.width, webp_size_.height, AV_PIX_FMT_YUV420P);
    small->pict_type = AV_PICTURE_TYPE_NONE;
    small->pts = ms;
    webp_->send(small.get(), [&](AVPacket& p) { webp_mux_->write(p, 0, AVRational{1, 1000}); });
    ++webp_frames_;
    while (next_webp_ms_ <= ms) next_webp_ms_ += 1000.0 / options_.webp_fps;
  }

  nlohmann::json finish(double seconds) {
    mp4_->finish([&](AVPacket& p) { mp4_mux_->write(p, 0, tb_); });
    mp4_mux_->finish();
    webp_->finish([&](AVPacket& p) { webp_mux_->write(p, 0, AVRational{1, 1000}); });
    webp_mux_->finish();
    mp4_mux_.reset();
    webp_mux_.reset();
    mp4_file_.commit();
    webp_file_.commit();
    nlohmann::json mp4 = describe_output(mp4_file_.final_path());
    mp4["frames"] = mp4_frames_;
    // FFmpeg cannot read animated WebP back, so it is described from what was encoded.
    nlohmann::json webp = {{"file", webp_file_.final_path().filename().string()},
                           {"container", "webp"},
                           {"bytes", std::filesystem::file_size(webp_file_.final_path())},
                           {"duration_seconds", seconds},
                           {"frames", webp_frames_},
                           {"video", {{"codec", "webp"}, {"width", webp_size_.width}, {"height", webp_size_.height}}}};
    return nlohmann::json::array({mp4, webp});
  }

 private:
  std::string clip_;
  TeaserOptions options_;
  AVRational tb_;
  OutputFile mp4_file_, webp_file_;
  cv::Size mp4_size_, webp_size_;
  std::unique_ptr<media::Encoder> mp4_, webp_;
  std::unique_ptr<media::Muxer> mp4_mux_, webp_mux_;
  media::Scaler mp4_scaler_{media::ScaleQuality::good}, webp_scaler_{media::ScaleQuality::good};
  double next_webp_ms_ = 0;
  int64_t mp4_frames_ = 0, webp_frames_ = 0;
};

}  // namespace

std::vector<TeaserPiece> choose_teaser_pieces(std::span<const scenes::Shot> best_first, const TeaserOptions& options) {
  const double target = (options.min_seconds + options.max_seconds) / 2;
  // Few or short shots: longer pieces of each until the teaser is long enough.
  std::vector<TeaserPiece> pieces;
  for (double piece = options.piece_seconds; piece <= options.max_seconds * 2; piece *= 2) {
    pieces = take_pieces(best_first, piece, target);
    if (total_seconds(pieces) >= options.min_seconds) break;
  }
  return pieces;
}

nlohmann::json make_teaser(const media::ProbeResult& probe, std::span<const TeaserPiece> pieces,
                           const std::filesystem::path& folder, const TeaserOptions& options,
                           const media::InputPolicy& input_policy) {
  const std::string clip = probe.path.string();
  const media::VideoStreamInfo* video = probe.main_video();
  if (video == nullptr) throw media::MediaError(clip, stage, "no video stream");
  const std::vector<TeaserPiece> used = clamp_pieces(pieces, options.max_seconds);
  if (used.empty()) throw media::MediaError(clip, stage, "no time range to take the teaser from");
  std::filesystem::create_directories(folder);

  media::FormatContextPtr input = media::open_input(probe.path, input_policy);
  for (unsigned i = 0; i < input->nb_streams; ++i) input->streams[i]->discard = AVDISCARD_ALL;
  AVStream* stream = input->streams[video->index];
  stream->discard = AVDISCARD_DEFAULT;
  media::VideoDecoder decoder(stream, *video, clip);
  TeaserWriter writer(*video, folder, options, clip);
  const AVRational tb = video->time_base;
  media::PacketPtr packet = media::make_packet();
  std::deque<media::VideoFrame> frames;

  int64_t offset = 0;  // where the current piece starts in the teaser, in stream ticks
  nlohmann::json pieces_json = nlohmann::json::array();
  for (const TeaserPiece& piece : used) {
    const int64_t start = video->start_pts + piece.start.rescaled(tb).ticks();
    const int64_t end = video->start_pts + piece.end.rescaled(tb).ticks();
    // Only this range is read: seek to the keyframe before it, decode up to its end.
    media::check_av(av_seek_frame(input.get(), stream->index, start, AVSEEK_FLAG_BACKWARD), clip, stage,
                    fmt::format("seeking to {}", piece.start.timecode()));
    decoder.reset(0);
    // The piece runs from its first whole frame to the end of its last, so pieces join on the
    // frame grid with no gap or overlap.
    int64_t first = AV_NOPTS_VALUE, last_end = AV_NOPTS_VALUE;
    bool done = false;
    while (!done) {
      const int rc = av_read_frame(input.get(), packet.get());
      if (rc < 0) {
        decoder.decode(nullptr, frames);
        done = true;
      } else {
        if (packet->stream_index == stream->index) decoder.decode(packet.get(), frames);
        av_packet_unref(packet.get());
      }
      for (; !frames.empty(); frames.pop_front()) {
        const media::VideoFrame& f = frames.front();
        if (f.pts < start) continue;
        if (f.pts >= end) {
          done = true;
          continue;
        }
        if (first == AV_NOPTS_VALUE) first = f.pts;
        writer.add(f.picture.get(), offset + f.pts - first);
        last_end = f.pts + f.duration.rescaled(tb).ticks();
      }
    }
    if (first != AV_NOPTS_VALUE) offset += last_end - first;
    pieces_json.push_back({{"start", piece.start.timecode()}, {"end", piece.end.timecode()}});
  }
  const double seconds = media::RationalTime(offset, tb).seconds();
  return {{"seconds", seconds}, {"pieces", pieces_json}, {"outputs", writer.finish(seconds)}};
}

}  // namespace pressreel::preview
