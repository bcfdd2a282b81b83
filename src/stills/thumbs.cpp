#include "pressreel/stills/thumbs.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_invoke.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <regex>
#include <stdexcept>

#include "io/atomic_file.hpp"
#include "media/frame_grabber.hpp"
#include "pressreel/media/scaler.hpp"
#include "pressreel/stills/active_picture.hpp"
#include "pressreel/stills/frame_scorer.hpp"
#include "pressreel/stills/poster.hpp"

namespace pressreel::stills {
namespace {

// Luma change between neighbouring frames above which they belong to different shots.
constexpr double cut_motion = 0.18;
constexpr int cut_margin_frames = 3;

struct Scored {
  int64_t frame = 0;
  media::RationalTime time;
  FrameSignals signals;
  FrameBars bars;  // of the analysis copy
  double score = 0;
  cv::Mat image;                           // analysis copy
  std::shared_ptr<const AVFrame> picture;  // decoded, for the run's best few only
  cv::Mat full_resolution;                 // the chosen one
  bool near_cut = false;
  // The grabber that decoded it: a demuxer without an index (MPEG-PS) seeks precisely only where it
  // has read, so the refine reads on with the same one.
  media::FrameGrabber* seen_by = nullptr;
};

// Scores a run of consecutive frames as the candidate keeper does (with the same FrameScorer),
// marking the frames next to a cut the run crosses (the grabber has no scene list). Frames come in
// small batches, measured in parallel while the decoder waits for the next seek.
class RunScorer {
 public:
  RunScorer(FrameScorer& scorer, size_t keep_pictures) : scorer_(scorer), keep_pictures_(keep_pictures) {}

  void start_run() {
    previous_gray_.release();
    last_cut_ = -1;
    run_.clear();
  }
  // Consecutive frames of the run; `score_it[i]` says whether frame i is a candidate or only a
  // neighbour (for motion and cuts).
  void add(const std::vector<media::VideoFrame>& batch, const std::vector<bool>& score_it) {
    std::vector<MeasuredFrame> measured(batch.size());
    tbb::parallel_for(size_t{0}, batch.size(),
                      [&](size_t i) { measured[i] = scorer_.measure(batch[i].picture.get(), score_it[i]); });
    for (size_t i = 0; i < batch.size(); ++i) {
      const int64_t frame = batch[i].index;
      const double motion = previous_gray_.empty() ? -1 : motion_between(measured[i].motion_gray, previous_gray_);
      previous_gray_ = measured[i].motion_gray;
      if (motion > cut_motion) {
        for (Scored& earlier : run_) earlier.near_cut = earlier.near_cut || frame - earlier.frame <= cut_margin_frames;
        last_cut_ = frame;
      }
      if (!score_it[i]) continue;
      Scored s;
      s.image = std::move(measured[i].image);
      s.signals = measured[i].signals;
      s.bars = measured[i].bars;
      s.frame = frame;
      s.time = batch[i].time;
      s.picture = batch[i].picture;
      s.signals.motion = motion;
      s.near_cut = last_cut_ >= 0 && frame - last_cut_ <= cut_margin_frames;
      s.score = scorer_.score_of(s.signals);
      run_.push_back(std::move(s));
    }
    // Decoded pictures are large: only the best few of the run keep theirs.
    std::vector<Scored*> ranked;
    for (Scored& s : run_) ranked.push_back(&s);
    std::sort(ranked.begin(), ranked.end(), [](const Scored* a, const Scored* b) { return a->score > b->score; });
    for (size_t k = keep_pictures_ + cut_margin_frames; k < ranked.size(); ++k) ranked[k]->picture.reset();
  }
  // The run's usable candidates (not blank, not next to a cut), best first.
  std::vector<Scored> take_candidates() {
    std::vector<Scored> usable;
    for (Scored& s : run_) {
      if (!s.near_cut && !is_near_uniform(s.signals)) usable.push_back(std::move(s));
    }
    run_.clear();
    std::sort(usable.begin(), usable.end(), [](const Scored& a, const Scored& b) { return a.score > b.score; });
    return usable;
  }

 private:
  FrameScorer& scorer_;
  size_t keep_pictures_;
  cv::Mat previous_gray_;
  int64_t last_cut_ = -1;
  std::vector<Scored> run_;
};

// Probes [first, last) of `probes` well-spread places: each keyframe decoded alone and scored, in
// clip order. A long GOP: the same keyframe as the previous probe's is not decoded twice.
std::vector<Scored> probe_keyframes(media::FrameGrabber& grabber, RunScorer& scorer, int probes, int first, int last) {
  std::vector<Scored> found;
  const AVRational time_base = grabber.duration().time_base();
  int64_t previous_keyframe = -1;
  for (int i = first; i < last; ++i) {
    const double t = grabber.duration().seconds() * (i + 0.5) / probes;
    std::optional<media::VideoFrame> key =
        grabber.keyframe_at(media::RationalTime::from_seconds(t, time_base), previous_keyframe);
    if (!key || key->index == previous_keyframe) continue;
    previous_keyframe = key->index;
    scorer.start_run();
    scorer.add({*key}, {true});
    std::vector<Scored> run = scorer.take_candidates();
    if (!run.empty()) {
      run.front().picture.reset();
      run.front().seen_by = &grabber;
      found.push_back(std::move(run.front()));
    }
  }
  return found;
}

// Faces on the finalists, then the final score; returns the index of the best.
size_t pick_final(std::vector<Scored>& finalists, const FrameScorer& scorer) {
  FaceDetector faces;
  size_t best = 0;
  for (size_t i = 0; i < finalists.size(); ++i) {
    finalists[i].signals.faces = faces.detect(finalists[i].image);
    finalists[i].signals.faces_checked = true;
    finalists[i].score = scorer.score_of(finalists[i].signals);
    if (finalists[i].score > finalists[best].score) best = i;
  }
  return best;
}

}  // namespace

double parse_time(const std::string& text) {
  static const std::regex pattern(R"(^(?:(?:(\d+):)?(\d{1,2}):)?(\d+(?:\.\d+)?)$)");
  std::smatch m;
  if (!std::regex_match(text, m, pattern)) {
    throw std::invalid_argument("time '" + text + "': expected seconds (12.5) or [HH:]MM:SS(.mmm)");
  }
  const double hours = m[1].matched ? std::stod(m[1]) : 0;
  const double minutes = m[2].matched ? std::stod(m[2]) : 0;
  return hours * 3600 + minutes * 60 + std::stod(m[3]);
}

nlohmann::json make_thumbs(const std::filesystem::path& clip, const std::filesystem::path& out_dir,
                           const ThumbsOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  const std::clock_t cpu_started = std::clock();
  // One open for the stream facts and the frames; the packet-timing scan `pressreel probe` adds is
  // not needed to pick a frame.
  media::FormatContextPtr input = media::open_input(clip, options.input);
  const media::ProbeResult probe = media::probe(input.get(), clip);
  media::VideoDecoderOptions decoder;
  decoder.threads = options.decoder_threads;
  media::FrameGrabber grabber(std::move(input), probe, decoder, options.input);
  const double fps = grabber.frame_rate().valid() ? grabber.frame_rate().to_double() : 25.0;
  FrameScorer frame_scorer(options.max_width, options.weights, fps);
  const AVRational time_base = grabber.duration().time_base();
  media::Scaler full_scaler(media::ScaleQuality::good);
  const auto full_copy = [&](const media::VideoFrame& f) {
    return full_scaler.to_bgr(f.picture.get(), media::display_size(f.picture.get()));
  };

  nlohmann::json j;
  j["clip"] = clip.string();
  // Where the time goes, for the benchmark: seconds since the start at the end of each step, on the
  // clock and in CPU time of the whole process (a loaded machine stretches the first, not the second).
  nlohmann::json& timings = j["timings"];
  nlohmann::json& cpu_timings = j["cpu_timings"];
  const auto mark = [&](const char* step) {
    timings[step] = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    cpu_timings[step] = static_cast<double>(std::clock() - cpu_started) / CLOCKS_PER_SEC;
  };
  mark("open");
  Scored chosen;
  std::vector<Scored> alternates;
  std::optional<media::FrameGrabber> second;  // probes the clip's second half
  std::vector<FrameBars> bars_seen;  // of the frames scored around the chosen one
  if (options.at_seconds) {
    // Past the end the last frame would stay on screen: a silent stand-in for a time that does not exist.
    if (const double duration = grabber.duration().seconds(); duration > 0 && *options.at_seconds >= duration) {
      throw TimePastEnd(fmt::format("{}: --at {:.3f} s is past the end of the clip (duration {}, {:.3f} s)",
                                          clip.string(), *options.at_seconds, grabber.duration().timecode(), duration));
    }
    const media::VideoFrame f = grabber.frame_at(media::RationalTime::from_seconds(*options.at_seconds, time_base));
    j["mode"] = "at";
    j["requested_seconds"] = *options.at_seconds;
    chosen.frame = f.index;
    chosen.time = f.time;
    chosen.full_resolution = full_copy(f);
    cv::resize(chosen.full_resolution, chosen.image,
               media::analysis_size(chosen.full_resolution.size(), options.max_width, false), 0, 0, cv::INTER_AREA);
    chosen.signals = measure_frame(chosen.image);
    std::vector<Scored> one;
    one.push_back(std::move(chosen));
    pick_final(one, frame_scorer);
    chosen = std::move(one.front());
  } else {
    j["mode"] = "search";
    RunScorer scorer(frame_scorer, std::max<size_t>(1, options.finalists));
    // 1. Well-spread keyframes, each decoded alone: one packet per place, whatever the GOP length.
    // A keyframe shows what its GOP looks like; the refine below skips the first frames after it,
    // where an encoder's keyframe on a cut would be.
    // The two halves of the clip are probed side by side, each on its own opened input: keyframes
    // decode one at a time on one core, and the second input costs one more open (its time origin
    // and first frame are the first input's).
    const int probes = std::max(1, options.probes);
    const int first_half = (probes + 1) / 2;
    std::vector<Scored> probe_best, later_probes;
    tbb::parallel_invoke(
        [&] { probe_best = probe_keyframes(grabber, scorer, probes, 0, first_half); },
        [&] {
          if (first_half == probes) return;
          second.emplace(media::open_input(clip, options.input), probe, decoder, options.input, grabber);
          RunScorer second_scorer(frame_scorer, 1);
          later_probes = probe_keyframes(*second, second_scorer, probes, first_half, probes);
        });
    // A GOP longer than a probe's spacing gives both halves the keyframe at their border.
    for (Scored& s : later_probes) {
      if (probe_best.empty() || probe_best.back().frame != s.frame) probe_best.push_back(std::move(s));
    }
    const int per_run = options.skip_after_keyframe + options.frames_per_probe;
    std::vector<media::VideoFrame> batch;
    std::vector<bool> score_it;
    std::sort(probe_best.begin(), probe_best.end(), [](const Scored& a, const Scored& b) { return a.score > b.score; });
    mark("probes");
    // 2. Refine: every frame for about a second from the best probe's keyframe; the best few by
    // cheap score keep a full-resolution copy, then faces decide among them.
    media::FrameGrabber& reader = probe_best.empty() ? grabber : *probe_best.front().seen_by;
    const media::RationalTime refine_at =
        probe_best.empty() ? media::RationalTime::from_seconds(grabber.duration().seconds() / 2, time_base)
                           : probe_best.front().time;
    scorer.start_run();
    std::vector<Scored> finalists;
    int n = 0;
    const int refine_frames = std::max(per_run, static_cast<int>(std::lround(options.refine_seconds * fps)));
    constexpr size_t refine_batch = 8;
    reader.decode_from(refine_at, [&](const media::VideoFrame& f) {
      // Every other frame is a candidate: neighbours differ little, and each is still seen for motion.
      score_it.push_back(n >= options.skip_after_keyframe && (n - options.skip_after_keyframe) % 2 == 0);
      batch.push_back(f);
      if (batch.size() == refine_batch) {
        scorer.add(batch, score_it);
        batch.clear();
        score_it.clear();
      }
      return ++n < refine_frames;
    });
    if (!batch.empty()) scorer.add(batch, score_it);
    batch.clear();
    std::vector<Scored> refined = scorer.take_candidates();
    for (const Scored& s : refined) bars_seen.push_back(s.bars);
    for (Scored& s : refined) {
      if (finalists.size() >= std::max<size_t>(1, options.finalists)) break;
      finalists.push_back(std::move(s));
    }
    if (finalists.empty()) {  // nothing usable (a blank clip): the frame at the refine point, as it is
      Scored s;
      const media::VideoFrame f = reader.frame_at(refine_at);
      s.frame = f.index;
      s.time = f.time;
      s.full_resolution = full_copy(f);
      s.image = s.full_resolution;
      s.signals = measure_frame(s.image);
      finalists.push_back(std::move(s));
    }
    mark("refine");
    const size_t best = pick_final(finalists, frame_scorer);
    mark("faces");
    chosen = std::move(finalists[best]);
    if (chosen.full_resolution.empty()) {
      chosen.full_resolution = chosen.picture
                                   ? full_scaler.to_bgr(chosen.picture.get(), media::display_size(chosen.picture.get()))
                                   : full_copy(reader.frame_at(chosen.time));
    }
    chosen.picture.reset();
    mark("full_resolution");
    for (size_t i = 1; i < probe_best.size() && alternates.size() < 3; ++i)
      alternates.push_back(std::move(probe_best[i]));
  }

  // Letterbox and pillarbox bars, from the frames scored around the chosen one (a bar is in every
  // frame of a shot, and these are about a second of it), or the one frame asked for.
  if (bars_seen.empty()) bars_seen.push_back(measure_bars(chosen.image));
  std::erase_if(bars_seen, [&](const FrameBars& b) { return b.size != chosen.image.size(); });
  const cv::Rect active = active_picture(bars_seen);
  const cv::Rect full_active = active.empty() ? cv::Rect({0, 0}, chosen.full_resolution.size())
                                              : scale_rect(active, chosen.image.size(), chosen.full_resolution.size());
  std::vector<FaceBox> faces;
  for (FaceBox f : scale_faces(chosen.signals.faces, chosen.image.size(), chosen.full_resolution.size())) {
    f.box = (f.box & full_active) - full_active.tl();
    if (!f.box.empty()) faces.push_back(f);
  }
  nlohmann::json poster =
      write_poster_files(chosen.full_resolution(full_active), faces, out_dir, options.crops, options.image);
  poster["active_picture"] = {{"x", full_active.x}, {"y", full_active.y}, {"width", full_active.width},
                              {"height", full_active.height}};
  poster["frame"] = chosen.frame;
  poster["time"] = time_json(chosen.time);
  poster["score"] = frame_scorer.score_of(chosen.signals);
  poster["breakdown"] = to_json(frame_scorer.breakdown(chosen.signals));
  poster["signals"] = to_json(chosen.signals);
  nlohmann::json alts = nlohmann::json::array();
  for (const Scored& a : alternates)
    alts.push_back({{"frame", a.frame}, {"time", time_json(a.time)}, {"score", a.score}});
  poster["alternates"] = std::move(alts);
  j["poster"] = std::move(poster);
  mark("written");
  j["frames_decoded"] = grabber.frames_decoded() + (second ? second->frames_decoded() : 0);
  j["clip_frames"] = std::llround(grabber.duration().seconds() * fps);
  j["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  io::write_json_atomic(out_dir / "thumbs.json", j);
  return j;
}

}  // namespace pressreel::stills
