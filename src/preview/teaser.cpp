#include "pressreel/preview/teaser.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <optional>
#include <thread>

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_pipeline.h>

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

// One picture of the teaser on its way through the pipeline below.
struct TeaserFrame {
  media::VideoFrame source;
  int64_t pts = 0;        // time in the teaser, in the source stream's time base
  bool to_webp = false;   // the frame nearest a tick of the WebP's lower frame rate
  media::FramePtr mp4, webp;
};

// Reads only the pieces' ranges of the clip, in order, and hands out their frames in teaser time.
class PieceReader {
 public:
  PieceReader(const media::ProbeResult& probe, std::vector<TeaserPiece> pieces, const media::InputPolicy& policy,
              double webp_fps)
      : clip_(probe.path.string()),
        video_(*probe.main_video()),
        pieces_(std::move(pieces)),
        webp_fps_(webp_fps),
        input_(media::open_input(probe.path, policy)) {
    for (unsigned i = 0; i < input_->nb_streams; ++i) input_->streams[i]->discard = AVDISCARD_ALL;
    stream_ = input_->streams[video_.index];
    stream_->discard = AVDISCARD_DEFAULT;
    decoder_ = std::make_unique<media::VideoDecoder>(stream_, video_, clip_);
  }

  std::optional<TeaserFrame> next() {
    while (true) {
      if (!in_piece_ && !start_piece()) return std::nullopt;
      if (std::optional<TeaserFrame> frame = next_in_piece()) return frame;
      end_piece();
    }
  }

  // Where the teaser ends, in seconds, and the pieces used.
  double seconds() const { return media::RationalTime(offset_, video_.time_base).seconds(); }
  const nlohmann::json& pieces_json() const { return pieces_json_; }

 private:
  bool start_piece() {
    if (piece_ == pieces_.size()) return false;
    const TeaserPiece& piece = pieces_[piece_];
    const AVRational tb = video_.time_base;
    start_ = video_.start_pts + piece.start.rescaled(tb).ticks();
    end_ = video_.start_pts + piece.end.rescaled(tb).ticks();
    // Only this range is read: seek to the keyframe before it, decode up to its end.
    media::check_av(av_seek_frame(input_.get(), stream_->index, start_, AVSEEK_FLAG_BACKWARD), clip_, stage,
                    fmt::format("seeking to {}", piece.start.timecode()));
    decoder_->reset(0);
    frames_.clear();
    first_ = last_end_ = AV_NOPTS_VALUE;
    drained_ = false;
    in_piece_ = true;
    return true;
  }

  // The piece runs from its first whole frame to the end of its last, so pieces join on the frame
  // grid with no gap or overlap.
  std::optional<TeaserFrame> next_in_piece() {
    while (true) {
      for (; !frames_.empty(); frames_.pop_front()) {
        media::VideoFrame& f = frames_.front();
        if (f.pts < start_) continue;
        if (f.pts >= end_) return std::nullopt;
        if (first_ == AV_NOPTS_VALUE) first_ = f.pts;
        last_end_ = f.pts + f.duration.rescaled(video_.time_base).ticks();
        TeaserFrame out;
        out.pts = offset_ + f.pts - first_;
        // The WebP takes the frame nearest each tick of its lower rate, so each of its frames lasts a whole
        // number of the clip's frames nearest a tick: 80 or 120 ms for 12 of 25 a second, never 40.
        const double middle = media::RationalTime(out.pts, video_.time_base).seconds() + f.duration.seconds() / 2;
        out.to_webp = next_webp_tick_ / webp_fps_ < middle;
        while (next_webp_tick_ / webp_fps_ < middle) ++next_webp_tick_;
        out.source = std::move(f);
        frames_.pop_front();
        return out;
      }
      if (drained_) return std::nullopt;
      const int rc = av_read_frame(input_.get(), packet_.get());
      if (rc < 0) {
        decoder_->decode(nullptr, frames_);
        drained_ = true;
      } else {
        if (packet_->stream_index == stream_->index) {
          // Frames before the piece are only the run-up from the keyframe: skip those nothing refers to.
          decoder_->skip_unreferenced(packet_->pts != AV_NOPTS_VALUE && packet_->pts < start_);
          decoder_->decode(packet_.get(), frames_);
        }
        av_packet_unref(packet_.get());
      }
    }
  }

  void end_piece() {
    const TeaserPiece& piece = pieces_[piece_++];
    if (first_ != AV_NOPTS_VALUE) offset_ += last_end_ - first_;
    pieces_json_.push_back({{"start", piece.start.timecode()}, {"end", piece.end.timecode()}});
    in_piece_ = false;
  }

  std::string clip_;
  const media::VideoStreamInfo& video_;
  std::vector<TeaserPiece> pieces_;
  double webp_fps_;
  media::FormatContextPtr input_;
  AVStream* stream_ = nullptr;
  std::unique_ptr<media::VideoDecoder> decoder_;
  media::PacketPtr packet_ = media::make_packet();
  std::deque<media::VideoFrame> frames_;
  size_t piece_ = 0;
  bool in_piece_ = false, drained_ = false;
  int64_t start_ = 0, end_ = 0, first_ = AV_NOPTS_VALUE, last_end_ = AV_NOPTS_VALUE;
  int64_t offset_ = 0;        // where the current piece starts in the teaser, in stream ticks
  double next_webp_tick_ = 0;  // whole ticks, counted in a double to divide
  nlohmann::json pieces_json_ = nlohmann::json::array();
};

// The looping MP4 and the animated WebP, fed the same pictures in teaser time. The two encoders are
// separate serial stages, so the single-threaded WebP encoder runs beside x264 instead of after it.
class TeaserWriter {
 public:
  TeaserWriter(const media::VideoStreamInfo& video, const std::filesystem::path& folder, const TeaserOptions& options,
               const std::string& clip)
      : clip_(clip),
        tb_(video.time_base),
        mp4_file_(folder, "teaser.mp4"),
        webp_file_(folder, "teaser.webp") {
    const cv::Size display(video.display_width > 0 ? video.display_width : video.width,
                           video.display_height > 0 ? video.display_height : video.height);
    mp4_size_ = media::fit_within(plan_renditions(display, {options.mp4}).front().size, options.max_width, 0, true);
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
          c.compression_level = options.webp_effort;  // libwebp's method
        },
        media::CodecOptions{{"quality", fmt::format("{}", options.webp_quality)}}, clip_, stage);
    webp_mux_ = std::make_unique<media::Muxer>(webp_file_.temporary(), "webp", clip_, stage,
                                             webp_file_.final_path().string());
    webp_mux_->add_stream(*webp_);
    webp_mux_->begin({{"loop", "0"}});  // 0 = loop forever
  }

  // Parallel stage: the pictures each encoder takes (one picture for both when their sizes agree).
  void scale(TeaserFrame& frame) {
    const AVFrame* picture = frame.source.picture.get();
    frame.mp4 = mp4_scalers_.local().to_frame(picture, mp4_size_.width, mp4_size_.height, AV_PIX_FMT_YUV420P);
    frame.mp4->pict_type = AV_PICTURE_TYPE_NONE;
    frame.mp4->pts = frame.pts;
    if (frame.to_webp) {
      const cv::Size size = webp_size_;
      frame.webp = size == mp4_size_
                       ? media::ref_frame(frame.mp4.get())
                       : webp_scalers_.local().to_frame(picture, size.width, size.height, AV_PIX_FMT_YUV420P);
      frame.webp->pict_type = AV_PICTURE_TYPE_NONE;
      frame.webp->pts = av_rescale_q(frame.pts, tb_, AVRational{1, 1000});
    }
    frame.source.picture.reset();  // the decoder's buffer goes back as soon as it is scaled
  }

  // Serial stages, in order.
  void encode_mp4(TeaserFrame& frame) {
    mp4_->send(frame.mp4.get(), [&](AVPacket& p) { mp4_mux_->write(p, 0, tb_); });
    frame.mp4.reset();
    ++mp4_frames_;
  }
  void encode_webp(TeaserFrame& frame) {
    if (!frame.webp) return;
    webp_->send(frame.webp.get(), [&](AVPacket& p) { webp_mux_->write(p, 0, AVRational{1, 1000}); });
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
    return nlohmann::json::array({mp4, describe_webp(webp_file_.final_path(), seconds)});
  }

 private:
  std::string clip_;
  AVRational tb_;
  OutputFile mp4_file_, webp_file_;
  cv::Size mp4_size_, webp_size_;
  std::unique_ptr<media::Encoder> mp4_, webp_;
  std::unique_ptr<media::Muxer> mp4_mux_, webp_mux_;
  tbb::enumerable_thread_specific<media::Scaler> mp4_scalers_{media::ScaleQuality::good},
      webp_scalers_{media::ScaleQuality::good};
  int64_t mp4_frames_ = 0;
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

  PieceReader reader(probe, used, input_policy, options.webp_fps);
  TeaserWriter writer(*video, folder, options, clip);
  using Token = std::shared_ptr<TeaserFrame>;
  const size_t tokens = 2 * std::max(1u, std::thread::hardware_concurrency()) + 2;
  tbb::parallel_pipeline(
      tokens,
      tbb::make_filter<void, Token>(tbb::filter_mode::serial_in_order,
                                    [&](tbb::flow_control& control) -> Token {
                                      std::optional<TeaserFrame> frame = reader.next();
                                      if (!frame) {
                                        control.stop();
                                        return nullptr;
                                      }
                                      return std::make_shared<TeaserFrame>(std::move(*frame));
                                    }) &
          tbb::make_filter<Token, Token>(tbb::filter_mode::parallel,
                                         [&](Token frame) {
                                           writer.scale(*frame);
                                           return frame;
                                         }) &
          tbb::make_filter<Token, Token>(tbb::filter_mode::serial_in_order,
                                         [&](Token frame) {
                                           writer.encode_mp4(*frame);
                                           return frame;
                                         }) &
          tbb::make_filter<Token, void>(tbb::filter_mode::serial_in_order,
                                        [&](Token frame) { writer.encode_webp(*frame); }));
  const double seconds = reader.seconds();
  return {{"seconds", seconds}, {"pieces", reader.pieces_json()}, {"outputs", writer.finish(seconds)}};
}

}  // namespace pressreel::preview
