#include "pressreel/scenes/scene_detector.hpp"

#include <spdlog/spdlog.h>
#include <tbb/enumerable_thread_specific.h>

#include <algorithm>
#include <cmath>

#include "pressreel/scenes/predictability.hpp"
#include "scenes/layout_survival.hpp"

namespace pressreel::scenes {
namespace {

// A transition wins over a hard cut found inside it, a fade over a dissolve (a dip to black is
// linear too, and the fade detector knows its true extent).
int precedence(CutKind kind) {
  switch (kind) {
    case CutKind::fade: return 2;
    case CutKind::dissolve: return 1;
    case CutKind::cut: return 0;
  }
  return 0;
}

// A hard cut this confident (score and ratio both well above their thresholds) needs no minimum
// shot length; a few frames still separate two boundaries.
constexpr double kDecisive = 0.99;
constexpr int64_t kMinFramesAfterDecisive = 5;  // a 3-frame flash between two shots is one cut
// Frames whose stillness makes the layout a new frame is checked against (layout_survival.hpp): a few
// are enough for noise and a moving subject to show, few enough that a shot of a handful has one.
constexpr int64_t kLayoutFrames = 3;

// The lumas of the frames just before the next one, oldest first (fewer at the start of the clip or
// when the picture size changed).
std::vector<cv::Mat> lumas_before(const FrameHistory& history, cv::Size size) {
  std::vector<cv::Mat> lumas;
  for (int64_t i = history.newest_index(); i > history.newest_index() - kLayoutFrames && history.contains(i); --i) {
    const cv::Mat& luma = history.at(i).luma;
    if (luma.size() != size) break;
    lumas.insert(lumas.begin(), luma);
  }
  return lumas;
}

int64_t span_begin(const Boundary& b) { return std::min(b.first_frame, b.frame); }
int64_t span_end(const Boundary& b) { return std::max(b.last_frame, b.frame); }
bool overlap(const Boundary& a, const Boundary& b) {
  return span_begin(a) <= span_end(b) + 1 && span_begin(b) <= span_end(a) + 1;
}

// Whether two proposals are one boundary: they overlap, unless they are the two hard cuts around a
// one-frame insert.
bool same_boundary(const FrameHistory& history, const Boundary& a, const Boundary& b) {
  if (!overlap(a, b)) return false;
  if (a.kind != CutKind::cut || b.kind != CutKind::cut || std::abs(a.frame - b.frame) != 1) return true;
  // A soft cut's middle frame is on the way between the shots: two detectors may see its change a frame
  // apart, and it is one cut.
  const int64_t insert = std::min(a.frame, b.frame);
  return !stands_apart(history, insert, insert);
}

}  // namespace

struct SceneDetector::Scalers {
  tbb::enumerable_thread_specific<media::Scaler> per_thread{media::ScaleQuality::area};
};

SceneDetector::SceneDetector(SceneOptions options)
    : options_(options), scalers_(std::make_unique<Scalers>()) {}

SceneDetector::~SceneDetector() = default;

void SceneDetector::on_start(const media::ProbeResult& /*probe*/, const media::VideoStreamInfo& video) {
  fps_ = video.frame_rate.valid() ? video.frame_rate
         : video.average_frame_rate.valid() ? video.average_frame_rate
                                            : media::Rational{25, 1};
  const double fps = fps_.to_double();
  detectors_.clear();
  detectors_.push_back(make_adaptive_cut_detector(options_));
  detectors_.push_back(make_prediction_cut_detector(options_));
  if (options_.detect_fades) detectors_.push_back(make_fade_detector(options_, fps));
  if (options_.detect_dissolves) {
    detectors_.push_back(make_dissolve_detector(options_, fps));
    detectors_.push_back(make_short_transition_detector(fps));
  }
  if (options_.filter_flashes) {
    flash_filter_.emplace(std::max<int64_t>(3, std::llround(options_.flash_seconds * fps)));
  }
  int64_t detector_latency = 0;
  for (const auto& d : detectors_) detector_latency = std::max(detector_latency, d->latency_frames());
  // A boundary waits until no detector can still propose one that overlaps it, and until the flash
  // filter has seen the frames after it.
  latency_ = detector_latency + (flash_filter_ ? flash_filter_->lookahead_frames() : 0) + 2;
  // Transitions may begin a detector latency before they are decided.
  history_.set_capacity(static_cast<size_t>(latency_ + detector_latency + 8));
  min_shot_frames_ = std::llround(options_.min_shot_seconds * fps);
  previous_.reset();
  previous_mafd_ = 0;
  pending_.clear();
  last_final_.reset();
  cuts_.clear();
  result_ = {};
}

std::any SceneDetector::prepare(const media::VideoFrame& frame) {
  return compute_features(frame.picture.get(), scalers_->per_thread.local(), options_.analysis_width);
}

void SceneDetector::on_frame(const media::VideoFrame& frame, std::any& prepared) {
  auto features = std::any_cast<FrameFeatures>(std::move(prepared));
  FrameRecord record;
  record.index = frame.index;
  record.time = frame.time;
  record.duration = frame.duration;
  if (previous_) {
    record.diff = compare(*previous_, features, previous_mafd_);
    previous_mafd_ = record.diff.luma;
    const LayoutChange layout =
        layout_change(lumas_before(history_, features.luma.size()), features.luma, previous_->ycrcb, features.ycrcb);
    record.diff.layout = layout.layout;
    record.diff.layout_kept = layout.kept;
    record.diff.still = layout.still;
    record.diff.still_kept = layout.still_kept;
    record.diff.kept_regions = layout.kept_regions;
  }
  record.mean_luma = features.mean_luma;
  record.black_ratio = features.black_ratio;
  record.white_ratio = features.white_ratio;
  record.thumb = features.thumb;
  record.luma = features.luma;
  previous_ = std::move(features);
  history_.push(std::move(record));
  if (frame_listener_) frame_listener_(history_.newest());

  for (const auto& detector : detectors_) {
    for (const Boundary& b : detector->process(history_)) propose(b);
  }
  decide_up_to(frame.index - latency_);
}

void SceneDetector::on_end(const media::DecodeSummary& summary) {
  if (!history_.empty()) {
    for (const auto& detector : detectors_) {
      for (const Boundary& b : detector->flush(history_)) propose(b);
    }
  }
  decide_up_to(INT64_MAX);
  result_.frames = summary.frames;
  result_.fps = fps_;
  result_.duration = summary.duration;
  result_.cuts = cuts_;
  result_.shots = shots_from_cuts(cuts_, summary.frames, summary.duration);
}

void SceneDetector::propose(const Boundary& boundary) {
  spdlog::trace("scenes: {} proposed at frame {} ({}-{}), confidence {:.2f}", to_string(boundary.kind), boundary.frame,
                boundary.first_frame, boundary.last_frame, boundary.confidence);
  if (last_final_ && same_boundary(history_, *last_final_, boundary) &&
      precedence(last_final_->kind) >= precedence(boundary.kind)) {
    return;
  }
  for (const Boundary& p : pending_) {
    if (same_boundary(history_, p, boundary) && precedence(p.kind) == precedence(boundary.kind)) return;  // already proposed
  }
  // Lower-ranked proposals stay until decided: the one that outranks them may itself be outranked
  // (a hard cut, then a dissolve window over it that a fade beside it wins against).
  pending_.insert(std::upper_bound(pending_.begin(), pending_.end(), boundary,
                                   [](const Boundary& a, const Boundary& b) { return a.frame < b.frame; }),
                  boundary);
}

bool SceneDetector::outranked(const Boundary& boundary) const {
  if (last_final_ && same_boundary(history_, *last_final_, boundary) &&
      precedence(last_final_->kind) >= precedence(boundary.kind)) {
    return true;
  }
  return std::any_of(pending_.begin(), pending_.end(), [&](const Boundary& p) {
    return precedence(p.kind) > precedence(boundary.kind) && overlap(p, boundary) && !outranked(p) &&
           !cut_right_after(p, boundary);
  });
}

// A surer hard cut at or just after a transition's end: a shot of a frame or two between them is not
// believable, the transition is (a camera move that looked like one, ending at the cut).
bool SceneDetector::cut_right_after(const Boundary& transition, const Boundary& cut) {
  return transition.kind != CutKind::cut && cut.kind == CutKind::cut && cut.confidence >= kDecisive &&
         cut.confidence > transition.confidence && cut.frame >= transition.frame &&
         cut.frame < transition.frame + kMinFramesAfterDecisive;
}

void SceneDetector::decide_up_to(int64_t frame) {
  while (!pending_.empty() && pending_.front().frame <= frame) {
    const Boundary b = pending_.front();
    pending_.erase(pending_.begin());
    if (outranked(b)) {
      spdlog::debug("scenes: {} at frame {} dropped: inside a transition", to_string(b.kind), b.frame);
      continue;
    }
    if (std::any_of(pending_.begin(), pending_.end(), [&](const Boundary& c) { return cut_right_after(b, c); })) {
      spdlog::debug("scenes: {} at frame {} dropped: a hard cut right after it", to_string(b.kind), b.frame);
      continue;
    }
    decide(b);
  }
}

void SceneDetector::decide(const Boundary& b) {
  // Each detector proposes from its own signals; none of them may cut where motion and exposure
  // explain the frame (a gradual transition is predictable by nature, so this is for hard cuts).
  if (b.kind == CutKind::cut && predictable(history_, b.frame)) {
    spdlog::debug("scenes: cut at frame {} (confidence {:.2f}) dropped: the frames around it predict it", b.frame,
                  b.confidence);
    return;
  }
  if (b.kind == CutKind::cut && layout_stays(history_, b.frame)) {
    spdlog::debug("scenes: cut at frame {} (confidence {:.2f}) dropped: most of the picture before stays in place",
                  b.frame, b.confidence);
    return;
  }
  if (flash_filter_ && flash_filter_->is_flash(b, history_)) {
    spdlog::debug("scenes: {} at frame {} dropped: a flash", to_string(b.kind), b.frame);
    return;
  }
  // The first shot, too, must be long enough: a black first frame is not a shot. Later, a decisive
  // hard cut may follow sooner: trailers cut shots of a handful of frames.
  const int64_t previous = last_final_ ? last_final_->frame : 0;
  const bool decisive = last_final_ && b.kind == CutKind::cut && b.confidence >= kDecisive;
  // Two hard cuts (both unpredictable, see above) around frames that are a picture of their own are
  // a montage's insert, down to a single frame.
  const bool insert = last_final_ && last_final_->kind == CutKind::cut && b.kind == CutKind::cut &&
                      is_insert(history_, previous, b.frame - 1);
  const int64_t shortest = insert ? 1 : decisive ? kMinFramesAfterDecisive : min_shot_frames_;
  if (b.frame - previous < shortest) {
    spdlog::debug("scenes: {} at frame {} (confidence {:.2f}) dropped: {} frames after the previous boundary",
                  to_string(b.kind), b.frame, b.confidence, b.frame - previous);
    return;
  }

  auto time_of = [&](int64_t index) {
    if (history_.contains(index)) return history_.at(index).time;
    // Older than the history keeps (only a long transition's first frame): count nominal frames.
    const FrameRecord& oldest = history_.at(history_.oldest_index());
    const AVRational tb = oldest.time.time_base();
    const media::RationalTime step = media::RationalTime(1, av_inv_q(fps_.to_av())).rescaled(tb);
    return media::RationalTime(oldest.time.ticks() - (history_.oldest_index() - index) * step.ticks(), tb);
  };
  Cut cut;
  cut.frame = b.frame;
  cut.kind = b.kind;
  cut.confidence = b.confidence;
  cut.first_frame = b.first_frame;
  cut.last_frame = b.last_frame;
  cut.time = time_of(b.frame);
  cut.transition = {time_of(b.first_frame), time_of(b.last_frame)};
  last_final_ = b;
  cuts_.push_back(cut);
  if (cut_listener_) cut_listener_(cut);
}

std::vector<Shot> shots_from_cuts(const std::vector<Cut>& cuts, int64_t frames, media::RationalTime duration) {
  std::vector<Shot> shots;
  if (frames <= 0) return shots;
  Shot shot;
  for (const Cut& cut : cuts) {
    if (cut.frame <= shot.start_frame || cut.frame >= frames) continue;
    shot.end_frame = cut.frame - 1;
    shot.time.end = cut.time;
    shots.push_back(shot);
    shot = Shot{cut.frame, 0, {cut.time, {}}};
  }
  shot.end_frame = frames - 1;
  shot.time.end = duration;
  shots.push_back(shot);
  return shots;
}

}  // namespace pressreel::scenes
