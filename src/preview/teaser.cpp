#include "pressreel/preview/teaser.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <optional>
#include <thread>

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_pipeline.h>

#include "io/atomic_file.hpp"
#include "media/stream_reader.hpp"
#include "pressreel/media/decoder.hpp"
#include "pressreel/media/error.hpp"
#include "pressreel/media/input.hpp"
#include "pressreel/media/muxer.hpp"
#include "pressreel/media/scaler.hpp"
#include "pressreel/preview/output_file.hpp"
#include "pressreel/preview/shot_look.hpp"
#include "preview/video_encoder.hpp"
#include "preview/webp_animation.hpp"
#include "preview/webp_budget.hpp"

namespace pressreel::preview {
namespace {

const char* teaser_stage = "teaser";

// x264's output depends on its thread count: a constant, so the teaser's bytes do not depend on the
// machine. Two frame threads suffice for a small loop whose stretches' decoders fill the other cores.
constexpr int mp4_encoder_threads = 2;

// Shorter pieces than this read as a flicker, not a shot.
constexpr double shortest_piece_seconds = 0.4;

// The looks of the shots (best first), worked out only for the shots a teaser gets to, and which of
// them have been taken.
class ShotVariety {
 public:
  explicit ShotVariety(const ShotLookOf& look_of) : look_of_(look_of) {}

  // Whether shot `i` looks like one already taken.
  bool repeats_a_taken_shot(size_t i) {
    for (size_t t : taken_) {
      if (look_alike(look(i), look(t))) return true;
    }
    return false;
  }
  void take(size_t i) { taken_.push_back(i); }
  void start_over() { taken_.clear(); }

 private:
  const ShotLook& look(size_t i) {
    auto found = looks_.find(i);
    if (found == looks_.end()) found = looks_.emplace(i, look_of_(i)).first;
    return found->second;
  }

  const ShotLookOf& look_of_;
  std::map<size_t, ShotLook> looks_;  // node-based: a look stays where it is while others are added
  std::vector<size_t> taken_;
};

std::vector<TeaserPiece> take_pieces(std::span<const scenes::Shot> best_first, double piece_seconds, double target,
                                     ShotVariety* variety) {
  std::vector<TeaserPiece> pieces;
  double total = 0;
  if (variety != nullptr) variety->start_over();
  for (size_t i = 0; i < best_first.size(); ++i) {
    const scenes::Shot& shot = best_first[i];
    const double length = shot.time.duration().seconds();
    const double take = std::min({piece_seconds, length, target - total});
    if (take < shortest_piece_seconds) continue;
    if (variety != nullptr) {
      if (variety->repeats_a_taken_shot(i)) continue;
      variety->take(i);
    }
    // The end's time base: a clip's first shot starts at a plain zero (time base 1/1), which would
    // round its piece to whole seconds (to nothing, in a clip shorter than a second).
    const AVRational tb = shot.time.end.time_base();
    const double start = shot.time.start.seconds() + (length - take) / 2;  // the middle of the shot
    pieces.push_back({media::RationalTime::from_seconds(start, tb), media::RationalTime::from_seconds(start + take, tb)});
    total += take;
    if (total >= target - 1e-6) break;
  }
  std::sort(pieces.begin(), pieces.end(), [](const TeaserPiece& a, const TeaserPiece& b) { return a.start < b.start; });
  return pieces;
}

double total_seconds(const std::vector<TeaserPiece>& pieces) {
  double total = 0;
  for (const TeaserPiece& p : pieces) total += p.duration().seconds();
  return total;
}

// The pieces as given, cut off once max_seconds is reached.
std::vector<TeaserPiece> clamp_pieces(std::span<const TeaserPiece> pieces, double max_seconds) {
  std::vector<TeaserPiece> used;
  double total = 0;
  for (const TeaserPiece& p : pieces) {
    const double length = p.duration().seconds();
    if (length <= 0) continue;
    TeaserPiece piece = p;
    if (total + length > max_seconds) piece.end = p.start + media::RationalTime::from_seconds(max_seconds - total, p.start.time_base());
    used.push_back(piece);
    total += piece.duration().seconds();
    if (total >= max_seconds - 1e-6) break;
  }
  return used;
}

// One stretch of a piece, read on its own (see plan_stretches).
struct Stretch {
  size_t piece = 0;
  bool last = false;           // of its piece
  int64_t start = 0, end = 0;  // [start, end) in stream ticks
};

// A picture of the teaser, scaled for the encoders, with its place in the clip.
struct TeaserPicture {
  int64_t pts = 0, duration = 0;  // stream ticks
  media::FramePtr mp4;   // BT.709
  media::FramePtr webp;  // BT.601 (see YuvMatrix); only when the WebP's size differs from the MP4's
  int64_t webp_ms = -1;  // its time in the teaser when the WebP takes it
};

// The pictures each encoder takes: the MP4's size, and the WebP's when it differs (rounding to even).
struct PictureSizes {
  cv::Size mp4, webp;
  size_t bytes() const {
    const size_t mp4_bytes = static_cast<size_t>(mp4.area()) * 3 / 2;
    return webp == mp4 ? mp4_bytes : mp4_bytes + static_cast<size_t>(webp.area()) * 3 / 2;
  }
};

// Scaled pictures one stretch may hold while it waits for the encoders. Tens of megabytes: a piece
// of the usual 1.5 s at 640 px is one stretch, a long piece at a high frame rate several.
constexpr size_t stretch_bytes = 24u << 20;

// The pieces' ranges in stream ticks, long pieces cut into stretches of at most stretch_bytes of
// pictures. Stretches are decoded side by side, each from the keyframe before it, so a teaser of a
// few pieces keeps every core busy with single-threaded decoders (a decoder's frame threads cost a
// sixth more CPU for the same frames, and restart at every seek).
std::vector<Stretch> plan_stretches(std::span<const TeaserPiece> pieces, const media::VideoStreamInfo& video,
                                    const PictureSizes& sizes) {
  const media::Rational rate = video.frame_rate.valid() ? video.frame_rate : video.average_frame_rate;
  const double fps = rate.valid() ? rate.to_double() : 30.0;
  const double most_seconds = std::max(1.0, static_cast<double>(stretch_bytes / sizes.bytes())) / fps;
  const AVRational tb = video.time_base;
  std::vector<Stretch> stretches;
  for (size_t i = 0; i < pieces.size(); ++i) {
    const int64_t start = video.start_pts + pieces[i].start.rescaled(tb).ticks();
    const int64_t end = video.start_pts + pieces[i].end.rescaled(tb).ticks();
    const auto parts = static_cast<int64_t>(std::ceil(pieces[i].duration().seconds() / most_seconds));
    const int64_t count = std::max<int64_t>(1, parts);
    for (int64_t k = 0; k < count; ++k) {
      stretches.push_back(
          {i, k == count - 1, start + (end - start) * k / count, start + (end - start) * (k + 1) / count});
    }
  }
  return stretches;
}

// The clip read for its video stream alone, from the keyframe before `start`. A stream that cannot
// seek (a raw .h264 elementary stream has no index: "Operation not permitted") is read forward from
// its beginning instead; a failed seek may have moved the read position, so it is opened afresh.
void open_at(std::optional<media::StreamReader>& reader, const media::ProbeResult& probe, int64_t start,
             const media::InputPolicy& policy, media::VideoDecoderOptions decode) {
  media::ReaderStreams streams;
  streams.video = probe.main_video();
  streams.decoder = decode;
  streams.stage = teaser_stage;
  reader.emplace(probe.path, streams, policy);
  const int rc = reader->seek_video(start, AVSEEK_FLAG_BACKWARD);
  if (rc >= 0) return;
  spdlog::debug("{}: teaser: cannot seek to {} ({}), reading from the start", probe.path.string(),
                media::RationalTime(start, probe.main_video()->time_base).timecode(), media::av_error_string(rc));
  reader.emplace(probe.path, streams, policy);
}

// Reads one stretch of the clip: seeks to the keyframe before it, decodes to its end, and scales
// the frames inside it. Its own input and decoder, so stretches are read side by side.
std::vector<TeaserPicture> read_stretch(const media::ProbeResult& probe, const Stretch& stretch,
                                        const media::InputPolicy& policy, media::VideoDecoderOptions decode,
                                        const PictureSizes& sizes) {
  const media::VideoStreamInfo& video = *probe.main_video();
  std::optional<media::StreamReader> reader;
  open_at(reader, probe, stretch.start, policy, decode);
  media::Scaler mp4_scaler(media::ScaleQuality::good), webp_scaler(media::ScaleQuality::good);
  std::vector<TeaserPicture> pictures;
  std::deque<media::VideoFrame>& frames = reader->video_frames();
  bool drained = false;
  while (true) {
    for (; !frames.empty(); frames.pop_front()) {
      const media::VideoFrame& f = frames.front();
      if (f.pts < stretch.start) continue;
      if (f.pts >= stretch.end) return pictures;
      TeaserPicture& p = pictures.emplace_back();
      p.pts = f.pts;
      p.duration = f.duration.rescaled(video.time_base).ticks();
      p.mp4 = mp4_scaler.to_frame(f.picture.get(), sizes.mp4.width, sizes.mp4.height, AV_PIX_FMT_YUV420P);
      if (sizes.webp != sizes.mp4) {
        p.webp = webp_scaler.to_frame(f.picture.get(), sizes.webp.width, sizes.webp.height, AV_PIX_FMT_YUV420P,
                                      media::YuvMatrix::bt601);
      }
    }
    if (drained) return pictures;
    const AVPacket* packet = reader->read();
    if (packet == nullptr) {
      reader->decode(nullptr);
      drained = true;
      continue;
    }
    if (packet->stream_index == reader->video_index()) {
      // Frames before the stretch are only the run-up from the keyframe: skip those nothing refers to.
      reader->video().skip_unreferenced(packet->pts != AV_NOPTS_VALUE && packet->pts < stretch.start);
      reader->decode(packet);
    }
  }
}

// Lays the stretches' pictures end to end in teaser time. A piece runs from its first whole frame to
// the end of its last, so pieces join on the frame grid with no gap or overlap.
class TeaserTimeline {
 public:
  TeaserTimeline(std::span<const TeaserPiece> pieces, AVRational time_base, double webp_fps)
      : pieces_(pieces), tb_(time_base), webp_fps_(webp_fps) {}

  // The picture's time in the teaser (stream ticks), and whether the WebP takes it: the frame nearest
  // each tick of its lower rate, so each of its frames lasts a whole number of the clip's frames
  // nearest a tick (80 or 120 ms for 12 of 25 a second, never 40).
  std::pair<int64_t, bool> place(const TeaserPicture& p) {
    if (first_ == AV_NOPTS_VALUE) first_ = p.pts;
    last_end_ = p.pts + p.duration;
    const int64_t pts = offset_ + p.pts - first_;
    const double middle = media::RationalTime(pts, tb_).seconds() + media::RationalTime(p.duration, tb_).seconds() / 2;
    const bool to_webp = next_webp_tick_ / webp_fps_ < middle;
    while (next_webp_tick_ / webp_fps_ < middle) ++next_webp_tick_;
    return {pts, to_webp};
  }
  void end_piece(size_t piece) {
    if (first_ != AV_NOPTS_VALUE) offset_ += last_end_ - first_;
    first_ = last_end_ = AV_NOPTS_VALUE;
    pieces_json_.push_back({{"start", pieces_[piece].start.timecode()}, {"end", pieces_[piece].end.timecode()}});
  }

  // Where the teaser ends, in seconds, and the pieces used.
  double seconds() const { return media::RationalTime(offset_, tb_).seconds(); }
  const nlohmann::json& pieces_json() const { return pieces_json_; }

 private:
  std::span<const TeaserPiece> pieces_;
  AVRational tb_;
  double webp_fps_;
  int64_t first_ = AV_NOPTS_VALUE, last_end_ = AV_NOPTS_VALUE;
  int64_t offset_ = 0;         // where the current piece starts in the teaser, in stream ticks
  double next_webp_tick_ = 0;  // whole ticks, counted in a double to divide
  nlohmann::json pieces_json_ = nlohmann::json::array();
};

// The WebP's pictures of one stretch (BT.601, the WebP's size) at their times in the teaser (ms).
struct WebpStretch {
  std::vector<media::FramePtr> pictures;
  std::vector<int64_t> at_ms;
  int64_t end_ms = 0;  // where the last picture's time in the clip ends
};

// An animated WebP over its byte budget is encoded again at a lower quality, down to the lowest
// (below it, blocks swamp the picture); then smaller, down to this many pixels on its longer side
// (below it, a teaser is too small to read); then with fewer frames (see fit_webp_budget).
constexpr float lowest_webp_quality = 20.0f;
constexpr int smallest_webp_side = 160;

// A part of the teaser's WebP (see WebpPart) and when it starts in the teaser.
struct EncodedWebpPart {
  int64_t start_ms = 0;
  std::vector<uint8_t> webp;
};

// The looping MP4, fed every picture in teaser time by one serial stage, and the animated WebP,
// encoded a part per stretch side by side (see WebpPart) and joined at the end.
class TeaserWriter {
 public:
  TeaserWriter(const media::VideoStreamInfo& video, const PictureSizes& sizes, const std::filesystem::path& folder,
               const TeaserOptions& options, const std::string& clip)
      : clip_(clip),
        tb_(video.time_base),
        sizes_(sizes),
        webp_settings_{static_cast<float>(options.webp_quality), options.webp_effort},
        webp_max_bytes_(options.webp_max_bytes),
        mp4_file_(folder, "teaser.mp4"),
        webp_path_(folder / "teaser.webp"),
        webp_scalers_([] { return media::Scaler(media::ScaleQuality::good); }) {
    const media::Rational rate = video.frame_rate.valid() ? video.frame_rate : video.average_frame_rate;
    mp4_ = open_video_encoder(options.mp4, {sizes.mp4, tb_, rate, 2.0, mp4_encoder_threads}, clip_);
    mp4_mux_ =
        std::make_unique<media::Muxer>(mp4_file_.temporary(), "mp4", clip_, teaser_stage, mp4_file_.final_path().string());
    mp4_mux_->add_stream(*mp4_);
    mp4_mux_->begin({{"movflags", "+faststart"}});
  }

  // Serial, in order: the MP4 takes every picture at `pts` (teaser time, stream ticks). A picture the
  // WebP takes keeps its time in milliseconds, and the MP4's picture when it has none of its own.
  void encode_mp4(TeaserPicture& p, int64_t pts, bool to_webp) {
    p.mp4->pict_type = AV_PICTURE_TYPE_NONE;
    p.mp4->pts = pts;
    mp4_->send(p.mp4.get(), [&](AVPacket& packet) { write_mp4(packet); });
    ++mp4_frames_;
    if (to_webp) {
      p.webp_ms = av_rescale_q(pts, tb_, AVRational{1, 1000});
      if (p.webp) p.mp4.reset();
    } else {
      p.mp4.reset();
      p.webp.reset();
    }
  }
  // Serial: an MP4 packet into the file, its size noted at its time in the teaser.
  void write_mp4(AVPacket& packet) {
    if (packet.pts != AV_NOPTS_VALUE) mp4_packets_.emplace_back(av_rescale_q(packet.pts, tb_, AVRational{1, 1000}), packet.size);
    mp4_mux_->write(packet, 0, tb_);
  }

  // Serial, after the last picture: the MP4 is complete.
  void finish_mp4() {
    mp4_->finish([&](AVPacket& p) { write_mp4(p); });
    mp4_mux_->finish();
    mp4_mux_.reset();
    mp4_.reset();
  }

  // Parallel: one stretch's pictures kept for the WebP, in its own matrix; nothing when the stretch
  // kept none. They stay until the WebP fits its byte budget (a few dozen megabytes at most: the
  // WebP's frames of an 8 s teaser).
  std::optional<WebpStretch> keep_webp_pictures(std::vector<TeaserPicture>& pictures) {
    WebpStretch kept;
    for (TeaserPicture& p : pictures) {
      if (p.webp_ms < 0) continue;
      // The WebP's pictures in its own matrix, converted from the MP4's when their sizes agree.
      if (!p.webp) {
        p.webp = webp_scalers_.local().to_frame(p.mp4.get(), p.mp4->width, p.mp4->height, AV_PIX_FMT_YUV420P,
                                                media::YuvMatrix::bt601);
      }
      kept.end_ms = p.webp_ms + std::max<int64_t>(1, av_rescale_q(p.duration, tb_, AVRational{1, 1000}));
      kept.at_ms.push_back(p.webp_ms);
      kept.pictures.push_back(std::move(p.webp));
      p.mp4.reset();
    }
    if (kept.pictures.empty()) return std::nullopt;
    return kept;
  }

  // The WebP's first try: all its pictures at full size, at the recipe's quality.
  WebpTrial first_webp_trial() const { return {webp_settings_.quality}; }

  // Once the MP4 is complete, for the first stretch with WebP pictures and its part at the first
  // trial: that part tells the whole WebP's size at that trial, by its share of the teaser. Pieces
  // differ in how hard they are to encode, and both codecs pay alike for detail and motion: on the
  // bench trailer a calm first part is 3.6% of the WebP and its stretch 3.8% of the MP4, where its
  // share of the time (22%) projected a sixth of the WebP's size. So the share is the MP4's bytes
  // when they say the part is far calmer or busier than its time; otherwise its time, as x264's rate
  // control alone moves a share by a sixth (on uniform grain the first half of the time took 59% of
  // the bytes: mbtree gives the last frames fewer). Over the budget, the other parts are encoded at
  // the trial the search would take next, rather than at a trial known to be thrown away. Returns
  // whether the part already is at that trial.
  bool choose_webp_trial(const EncodedWebpPart& probe, const WebpStretch& stretch, double teaser_ms) {
    const double part_ms = static_cast<double>(std::max<int64_t>(1, stretch.end_ms - stretch.at_ms.front()));
    int64_t mp4_total = 0, mp4_part = 0;
    for (const auto& [ms, bytes] : mp4_packets_) {
      mp4_total += bytes;
      if (ms >= stretch.at_ms.front() && ms < stretch.end_ms) mp4_part += bytes;
    }
    const double time_share = std::min(1.0, part_ms / teaser_ms);
    const double mp4_share = mp4_total > 0 ? static_cast<double>(mp4_part) / static_cast<double>(mp4_total) : 0.0;
    constexpr double far_from_time = 1.5;
    const bool by_bytes = mp4_share > 0 && (mp4_share > far_from_time * time_share || mp4_share * far_from_time < time_share);
    const double share = by_bytes ? mp4_share : time_share;
    projected_bytes_ = static_cast<double>(probe.webp.size()) / share;
    // The frame step is not known yet, nor needed: quality and canvas are searched before frames.
    parts_trial_ = next_webp_trial(first_webp_trial(), projected_bytes_, budget(1)).value_or(first_webp_trial());
    spdlog::debug("{}: teaser: the WebP's first part, {} bytes over {} of {} ms and {:.1f}% of the MP4's bytes, "
                  "projects {:.0f} bytes at quality {} by its share of the {}: its parts are encoded at quality {}, "
                  "scale {:.3f}", clip_, probe.webp.size(), part_ms, teaser_ms, 100 * mp4_share, projected_bytes_,
                  first_webp_trial().quality, by_bytes ? "bytes" : "time", parts_trial_.quality, parts_trial_.scale);
    return parts_trial_ == first_webp_trial();
  }
  // The trial every part is encoded at (choose_webp_trial's choice).
  const WebpTrial& parts_trial() const { return parts_trial_; }

  // Parallel: one stretch's WebP pictures as a part of their own (see WebpPart), as `trial` asks.
  EncodedWebpPart encode_webp_part(const WebpStretch& stretch, const WebpTrial& trial) {
    const cv::Size canvas = webp_canvas(trial.scale);
    WebpPart part(canvas, {trial.quality, webp_settings_.method}, clip_);
    const int64_t first_ms = stretch.at_ms.front();
    for (size_t i = 0; i < stretch.pictures.size(); i += static_cast<size_t>(trial.frame_step)) {
      const AVFrame* picture = stretch.pictures[i].get();
      media::FramePtr smaller;
      if (canvas != sizes_.webp) {  // already BT.601: only the size changes
        smaller = webp_scalers_.local().to_frame(picture, canvas.width, canvas.height, AV_PIX_FMT_YUV420P,
                                                 media::YuvMatrix::bt601);
        picture = smaller.get();
      }
      part.add(*picture, stretch.at_ms[i] - first_ms);
    }
    return {first_ms, part.finish(stretch.end_ms - first_ms)};  // its last frame's length is set when joined
  }

  // The parts in teaser order joined into the WebP, which lasts until `seconds`; over its byte
  // budget, every part is encoded again as fit_webp_budget asks. Then both files are committed and
  // described.
  nlohmann::json finish(std::span<const WebpStretch> stretches, std::vector<EncodedWebpPart> parts, double seconds) {
    if (parts.empty()) throw media::MediaError(clip_, teaser_stage, "no picture for the WebP");
    int largest_frame_step = 1;
    for (const WebpStretch& stretch : stretches) {
      largest_frame_step = std::max(largest_frame_step, static_cast<int>(stretch.pictures.size()));
    }
    WebpTrial encoded = parts_trial_;
    const auto encode = [&](const WebpTrial& trial) {
      if (trial != encoded) {
        tbb::parallel_for(size_t{0}, parts.size(), [&](size_t i) { parts[i] = encode_webp_part(stretches[i], trial); });
        encoded = trial;
      }
      return join(parts, seconds);
    };
    const FittedWebp webp =
        parts_trial_ == first_webp_trial()
            ? fit_webp_budget(first_webp_trial(), join(parts, seconds), budget(largest_frame_step), encode)
            : fit_webp_budget_projected(first_webp_trial(), projected_bytes_, budget(largest_frame_step), encode);
    if (webp.over_budget) {
      spdlog::warn("{}: teaser: the WebP is {} bytes, over its budget of {} even at its smallest", clip_,
                   webp.bytes.size(), webp_max_bytes_);
    }
    io::write_file_atomic(webp_path_,
                          std::string_view(reinterpret_cast<const char*>(webp.bytes.data()), webp.bytes.size()));
    mp4_file_.commit();
    nlohmann::json mp4 = describe_output(mp4_file_.final_path());
    mp4["frames"] = mp4_frames_;
    nlohmann::json described = describe_webp(webp_path_, seconds);
    described["quality"] = webp.trial.quality;
    described["max_bytes"] = webp_max_bytes_;
    described["encodes"] = webp.encodes;
    described["over_budget"] = webp.over_budget;
    return nlohmann::json::array({mp4, described});
  }

 private:
  WebpBudget budget(int largest_frame_step) const {
    WebpBudget budget{webp_max_bytes_, lowest_webp_quality};
    budget.smallest_scale =
        std::min(1.0, static_cast<double>(smallest_webp_side) / std::max(sizes_.webp.width, sizes_.webp.height));
    budget.largest_frame_step = largest_frame_step;
    return budget;
  }

  // The canvas `scale` times the WebP's size, in even pixels (4:2:0).
  cv::Size webp_canvas(double scale) const {
    if (scale >= 1.0) return sizes_.webp;
    const auto even = [&](int side) { return std::max(2, 2 * static_cast<int>(std::lround(side * scale / 2))); };
    return {even(sizes_.webp.width), even(sizes_.webp.height)};
  }

  std::vector<uint8_t> join(const std::vector<EncodedWebpPart>& parts, double seconds) const {
    std::vector<std::vector<uint8_t>> bytes;
    std::vector<int64_t> durations;
    const auto end_ms = static_cast<int64_t>(std::llround(seconds * 1000));
    for (size_t i = 0; i < parts.size(); ++i) {
      durations.push_back((i + 1 < parts.size() ? parts[i + 1].start_ms : end_ms) - parts[i].start_ms);
      bytes.push_back(parts[i].webp);
    }
    return join_webp_parts(bytes, durations, clip_);
  }

  std::string clip_;
  AVRational tb_;
  PictureSizes sizes_;
  WebpSettings webp_settings_;
  int64_t webp_max_bytes_;
  OutputFile mp4_file_;
  std::filesystem::path webp_path_;  // written whole once joined (io::write_file_atomic)
  std::unique_ptr<media::Encoder> mp4_;
  std::unique_ptr<media::Muxer> mp4_mux_;
  // BT.709 to BT.601 at the same size; a smaller WebP's pictures
  tbb::enumerable_thread_specific<media::Scaler> webp_scalers_;
  int64_t mp4_frames_ = 0;
  std::vector<std::pair<int64_t, int>> mp4_packets_;  // each packet's time in the teaser (ms) and bytes
  WebpTrial parts_trial_{webp_settings_.quality};
  double projected_bytes_ = 0;  // the whole WebP's at the first trial, from choose_webp_trial's part
};

// `video` as the decoder delivers it (upright, or as stored without autorotate). The caps bound the
// picture as it is shown: a portrait clip's teaser is at most mp4.height tall, not that wide.
PictureSizes picture_sizes(const media::VideoStreamInfo& video, const TeaserOptions& options) {
  const cv::Size display = media::display_size(video);
  return {media::fit_within(display, options.max_width, options.mp4.height, true),
          media::fit_within(display, options.webp_max_width, options.mp4.height, true)};
}

// One stretch on its way through the pipeline in make_teaser.
struct StretchWork {
  const Stretch* stretch = nullptr;
  std::vector<TeaserPicture> pictures;
};

}  // namespace

std::vector<TeaserPiece> choose_teaser_pieces(std::span<const scenes::Shot> best_first, const TeaserOptions& options,
                                              const ShotLookOf& look_of) {
  const double target = (options.min_seconds + options.max_seconds) / 2;
  std::optional<ShotVariety> variety;
  if (look_of) variety.emplace(look_of);
  // Few or short shots: longer pieces of each until the teaser is long enough. Shots that look like
  // a better one are passed over; when the different-looking ones cannot fill the teaser even so,
  // they are taken after all.
  std::vector<ShotVariety*> attempts;
  if (variety) attempts.push_back(&*variety);
  attempts.push_back(nullptr);
  std::vector<TeaserPiece> pieces;
  for (ShotVariety* v : attempts) {
    for (double piece = options.piece_seconds; piece <= options.max_seconds * 2; piece *= 2) {
      pieces = take_pieces(best_first, piece, target, v);
      if (total_seconds(pieces) >= options.min_seconds) return pieces;
    }
  }
  return pieces;
}

nlohmann::json make_teaser(const media::ProbeResult& probe, std::span<const TeaserPiece> pieces,
                           const std::filesystem::path& folder, const TeaserOptions& options,
                           const media::InputPolicy& input_policy, const media::VideoDecoderOptions& decode) {
  const std::string clip = probe.path.string();
  const media::VideoStreamInfo* video = probe.main_video();
  if (video == nullptr) throw media::MediaError(clip, teaser_stage, "no video stream");
  const std::vector<TeaserPiece> used = clamp_pieces(pieces, options.max_seconds);
  if (used.empty()) throw media::MediaError(clip, teaser_stage, "no time range to take the teaser from");
  std::filesystem::create_directories(folder);

  const PictureSizes sizes = picture_sizes(media::as_delivered(*video, decode), options);
  const std::vector<Stretch> stretches = plan_stretches(used, *video, sizes);
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // Decoder threads only for what the stretches leave idle (one long piece gets them all).
  media::VideoDecoderOptions stretch_decode = decode;
  stretch_decode.threads = std::max(1, cores / static_cast<int>(std::min<size_t>(stretches.size(), cores)));
  TeaserWriter writer(*video, sizes, folder, options, clip);
  TeaserTimeline timeline(used, video->time_base, options.webp_fps);
  // One per stretch, in order: its WebP pictures and their part.
  std::vector<std::optional<WebpStretch>> webp_pictures(stretches.size());
  std::vector<std::optional<EncodedWebpPart>> parts(stretches.size());
  size_t next = 0;
  using Token = std::shared_ptr<StretchWork>;
  const auto index_of = [&](const Token& work) { return static_cast<size_t>(work->stretch - stretches.data()); };
  const double teaser_ms = total_seconds(used) * 1000;
  std::optional<size_t> first_part;  // the first stretch with WebP pictures: its part, at the first trial
  // One stretch more than the cores in flight: every core decodes while the MP4's encoder takes the
  // oldest. The first WebP part is encoded at the first trial alongside; the others wait for the
  // trial the whole MP4 lets choose_webp_trial pick.
  tbb::parallel_pipeline(
      static_cast<size_t>(cores) + 1,
      tbb::make_filter<void, Token>(tbb::filter_mode::serial_in_order, [&](tbb::flow_control& control) -> Token {
        if (next == stretches.size()) {
          control.stop();
          return nullptr;
        }
        auto work = std::make_shared<StretchWork>();
        work->stretch = &stretches[next++];
        return work;
      }) & tbb::make_filter<Token, Token>(tbb::filter_mode::parallel, [&](Token work) {
        work->pictures = read_stretch(probe, *work->stretch, input_policy, stretch_decode, sizes);
        return work;
      }) & tbb::make_filter<Token, Token>(tbb::filter_mode::serial_in_order, [&](Token work) {
        for (TeaserPicture& p : work->pictures) {
          const auto [pts, to_webp] = timeline.place(p);
          writer.encode_mp4(p, pts, to_webp);
        }
        if (work->stretch->last) timeline.end_piece(work->stretch->piece);
        if (work->stretch == &stretches.back()) writer.finish_mp4();
        return work;
      }) & tbb::make_filter<Token, Token>(tbb::filter_mode::parallel, [&](Token work) {
        webp_pictures[index_of(work)] = writer.keep_webp_pictures(work->pictures);
        return work;
      }) & tbb::make_filter<Token, void>(tbb::filter_mode::serial_in_order, [&](Token work) {
        const size_t index = index_of(work);
        if (!first_part && webp_pictures[index]) {
          parts[index] = writer.encode_webp_part(*webp_pictures[index], writer.first_webp_trial());
          first_part = index;
        }
      }));
  if (first_part && !writer.choose_webp_trial(*parts[*first_part], *webp_pictures[*first_part], teaser_ms)) {
    parts[*first_part].reset();
  }
  tbb::parallel_for(size_t{0}, parts.size(), [&](size_t i) {
    if (webp_pictures[i] && !parts[i]) parts[i] = writer.encode_webp_part(*webp_pictures[i], writer.parts_trial());
  });
  std::vector<WebpStretch> kept_pictures;
  std::vector<EncodedWebpPart> kept;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (!parts[i]) continue;
    kept_pictures.push_back(std::move(*webp_pictures[i]));
    kept.push_back(std::move(*parts[i]));
  }
  const double seconds = timeline.seconds();
  return {{"seconds", seconds},
          {"pieces", timeline.pieces_json()},
          {"outputs", writer.finish(kept_pictures, std::move(kept), seconds)}};
}

}  // namespace pressreel::preview
