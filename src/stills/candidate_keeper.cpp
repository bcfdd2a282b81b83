#include "pressreel/stills/candidate_keeper.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "stills/image_reader.hpp"
#include "stills/jpeg_codec.hpp"

namespace pressreel::stills {
namespace {

constexpr int memory_jpeg_quality = 95;

// The lower of the middle two for an even count.
double lower_median(std::vector<double> values) {
  if (values.empty()) return 0;
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>((values.size() - 1) / 2);
  std::nth_element(values.begin(), middle, values.end());
  return *middle;
}

}  // namespace

cv::Mat ShotStill::image() const {
  return decode_image(image_jpeg);
}

nlohmann::json to_json(const ShotStill& still) {
  nlohmann::json alternates = nlohmann::json::array();
  for (const Alternate& a : still.alternates) {
    alternates.push_back({{"frame", a.frame}, {"time", time_json(a.time)}, {"score", a.score}});
  }
  nlohmann::json j = {{"shot", still.shot},
                      {"frame", still.frame},
                      {"time", time_json(still.time)},
                      {"score", still.score()},
                      {"breakdown", to_json(still.breakdown)},
                      {"signals", to_json(still.signals)},
                      {"analysis_size", {{"width", still.analysis_size.width}, {"height", still.analysis_size.height}}},
                      {"alternates", std::move(alternates)},
                      {"near_cut", still.near_cut},
                      {"card", still.card},
                      {"active_picture",
                       {{"x", still.active_picture.x},
                        {"y", still.active_picture.y},
                        {"width", still.active_picture.width},
                        {"height", still.active_picture.height},
                        {"of", {{"width", still.sampled_size.width}, {"height", still.sampled_size.height}}}}}};
  if (!still.full_resolution.empty()) {
    j["full_resolution"] = {{"width", still.full_resolution.cols}, {"height", still.full_resolution.rows}};
  }
  return j;
}

nlohmann::json to_json(const std::vector<OmittedShot>& omitted) {
  nlohmann::json j = nlohmann::json::array();
  for (const OmittedShot& o : omitted) j.push_back({{"shot", o.shot}, {"brief", o.brief}, {"reason", o.reason}});
  return j;
}

CandidateKeeper::CandidateKeeper(KeeperOptions options)
    : options_(std::move(options)), scorer_(options_.max_width, options_.weights, fps_) {}

CandidateKeeper::~CandidateKeeper() {
  judging_->cancel();
  judging_->wait();
}

void CandidateKeeper::follow(scenes::SceneDetector& detector) {
  detector_ = &detector;
  detector.set_cut_listener([this](const scenes::Cut& cut) { on_cut(cut); });
}

void CandidateKeeper::on_start(const media::ProbeResult& /*probe*/, const media::VideoStreamInfo& video) {
  if (detector_ != nullptr) options_.latency_frames = detector_->max_latency_frames();
  const media::Rational rate = video.average_frame_rate.valid() ? video.average_frame_rate : video.frame_rate;
  if (rate.valid()) fps_ = rate.to_double();
  scorer_.set_frame_rate(fps_);
  step_ = std::max<int64_t>(1, std::llround(fps_ / std::max(0.1, options_.samples_per_second)));
  FaceDetector check_cascades_load;  // fail at the start, not after a long pass
}

bool CandidateKeeper::is_sample(int64_t index) const {
  return index % step_ == step_ / 2;
}

std::any CandidateKeeper::prepare(const media::VideoFrame& frame) {
  const bool sample = is_sample(frame.index);
  if (!sample && !is_sample(frame.index + 1)) return {};
  return scorer_.measure(frame.picture.get(), sample);
}

double CandidateKeeper::card_baseline(std::optional<double> open_level, int64_t open_frame) const {
  std::vector<CardLevel> levels = shot_card_levels_;
  if (open_level) levels.push_back({*open_level, std::max<int64_t>(1, open_frame - open_shot_start_ + 1)});
  if (levels.empty()) return 0;
  std::sort(levels.begin(), levels.end(), [](const CardLevel& a, const CardLevel& b) { return a.level < b.level; });
  int64_t total = 0;
  for (const CardLevel& l : levels) total += l.frames;
  // The lowest level reached by half the frames: with a card and a picture of equal length, the picture's.
  int64_t seen = 0;
  for (const CardLevel& l : levels) {
    seen += l.frames;
    if (2 * seen >= total) return l.level;
  }
  return levels.back().level;
}

bool CandidateKeeper::near_boundary(int64_t frame) const {
  const int64_t margin = options_.cut_margin_frames;
  if (frame < margin) return true;
  for (auto it = cuts_.rbegin(); it != cuts_.rend(); ++it) {
    if (frame >= it->first_frame - margin && frame <= it->last_frame + margin) return true;
    if (it->last_frame + margin < frame - options_.latency_frames - 2 * static_cast<int64_t>(fps_)) break;
  }
  return false;
}

size_t CandidateKeeper::held_full_resolution() const {
  size_t n = 0;
  for (const Candidate& c : open_) n += c.full_resolution.empty() ? 0 : 1;
  for (const ClosedShot& shot : closed_) {
    for (const Finalist& f : shot.finalists) n += f.full_resolution.empty() ? 0 : 1;
    if (shot.judged && !shot.judged->full_resolution.empty()) ++n;
  }
  return n;
}

size_t CandidateKeeper::held_shot_images() const {
  size_t n = 0;
  for (const ClosedShot& shot : closed_) n += shot.judged ? 1 : shot.finalists.size();
  return n;
}

size_t CandidateKeeper::shots_awaiting_faces() const {
  return std::count_if(closed_.begin(), closed_.end(),
                       [](const ClosedShot& shot) { return !shot.faces->done.load(std::memory_order_acquire); });
}

void CandidateKeeper::keep_full_resolution(Candidate& candidate, const media::VideoFrame& frame) {
  // Holders are compared by cheap score: faces are only known for finalists, later.
  struct Holder {
    double score;
    cv::Mat* image;
  };
  std::vector<Holder> holders;
  for (Candidate& c : open_) {
    if (!c.full_resolution.empty()) holders.push_back({c.cheap_score, &c.full_resolution});
  }
  for (ClosedShot& shot : closed_) {
    for (Finalist& f : shot.finalists) {
      if (!f.full_resolution.empty()) holders.push_back({f.cheap_score, &f.full_resolution});
    }
    if (shot.judged && !shot.judged->full_resolution.empty()) {
      holders.push_back({shot.judged_cheap_score, &shot.judged->full_resolution});
    }
  }
  if (holders.size() >= options_.full_resolution_copies) {
    auto weakest = std::min_element(holders.begin(), holders.end(),
                                    [](const Holder& a, const Holder& b) { return a.score < b.score; });
    if (options_.full_resolution_copies == 0 || weakest->score >= candidate.cheap_score) return;
    weakest->image->release();
  }
  candidate.full_resolution = full_scaler_.to_bgr(frame.picture.get(), media::display_size(frame.picture.get()));
}

void CandidateKeeper::on_frame(const media::VideoFrame& frame, std::any& prepared) {
  last_frame_ = frame.index;
  auto* p = std::any_cast<MeasuredFrame>(&prepared);
  if (p == nullptr) return;
  const bool follows = previous_motion_frame_ == frame.index - 1;
  const cv::Mat previous = follows ? previous_motion_gray_ : cv::Mat();
  previous_motion_gray_ = p->motion_gray;
  previous_motion_frame_ = frame.index;
  if (p->image.empty()) return;

  Candidate c;
  c.frame = frame.index;
  c.time = frame.time;
  c.signals = p->signals;
  c.signals.motion = motion_between(p->motion_gray, previous);
  c.bars = p->bars;
  c.look = p->motion_gray;
  // Black, white and blank frames are never a still, whatever else the shot holds. A frame next to a
  // cut is kept only as a last resort, for a shot too short to have a frame clear of its cuts.
  if (is_near_uniform(c.signals)) return;
  c.near_cut = near_boundary(c.frame);
  // The open shot counts towards the clip's typical shot as it goes, so that a screencast's first
  // shot is not judged against nothing. Every open candidate is ranked against the same baseline.
  std::vector<double> open_cards = {card_likelihood(c.signals)};
  for (const Candidate& o : open_) open_cards.push_back(card_likelihood(o.signals));
  const double baseline = card_baseline(lower_median(std::move(open_cards)), frame.index);
  for (Candidate& o : open_) {
    o.signals.card_baseline = baseline;
    o.cheap_score = scorer_.score_of(o.signals);
  }
  c.signals.card_baseline = baseline;
  c.cheap_score = scorer_.score_of(c.signals);
  c.image = std::move(p->image);
  if (!c.near_cut) keep_full_resolution(c, frame);
  open_.push_back(std::move(c));
  prune_open(frame.index);
}

void CandidateKeeper::prune_open(int64_t current_frame) {
  // Candidates a late cut or a transition's start could still reach are all kept; of the settled
  // ones, only the best few.
  const int64_t settled_before =
      current_frame - options_.latency_frames - options_.cut_margin_frames - 2 * static_cast<int64_t>(std::ceil(fps_));
  std::vector<size_t> settled;
  for (size_t i = 0; i < open_.size(); ++i) {
    if (open_[i].frame < settled_before) settled.push_back(i);
  }
  if (settled.size() <= options_.open_shot_candidates) return;
  // Frames next to a cut go first: they are kept only while the shot has nothing else.
  std::sort(settled.begin(), settled.end(), [&](size_t a, size_t b) {
    if (open_[a].near_cut != open_[b].near_cut) return !open_[a].near_cut;
    return open_[a].cheap_score > open_[b].cheap_score;
  });
  std::vector<bool> drop(open_.size(), false);
  for (size_t k = options_.open_shot_candidates; k < settled.size(); ++k) drop[settled[k]] = true;
  std::vector<Candidate> kept;
  kept.reserve(open_.size());
  for (size_t i = 0; i < open_.size(); ++i) {
    if (!drop[i]) kept.push_back(std::move(open_[i]));
  }
  open_ = std::move(kept);
}

void CandidateKeeper::on_cut(const scenes::Cut& cut) {
  cuts_.push_back(cut);
  const int64_t margin = options_.cut_margin_frames;
  // A fade's or dissolve's own frames are never a still (the transition has arrived whole: it ends at
  // the cut's frame); those within the margin of a boundary only for a shot with nothing else.
  if (cut.last_frame > cut.first_frame) {
    std::erase_if(open_, [&](const Candidate& c) { return c.frame >= cut.first_frame && c.frame <= cut.last_frame; });
  }
  for (Candidate& c : open_) {
    if (c.frame >= cut.first_frame - margin && c.frame <= cut.last_frame + margin) mark_near_cut(c);
  }
  close_shot(cut.first_frame);
}

void CandidateKeeper::mark_near_cut(Candidate& candidate) {
  candidate.near_cut = true;
  candidate.full_resolution.release();  // its slot goes to a frame that can be a poster
}

void CandidateKeeper::update_boundary_distances(std::vector<Candidate>& candidates) const {
  for (Candidate& c : candidates) {
    int64_t distance = c.frame;  // from the clip's start
    if (last_frame_ >= c.frame) distance = std::min(distance, last_frame_ - c.frame);
    for (const scenes::Cut& cut : cuts_) {
      if (c.frame < cut.first_frame)
        distance = std::min(distance, cut.first_frame - c.frame);
      else if (c.frame > cut.last_frame)
        distance = std::min(distance, c.frame - cut.last_frame);
      else
        distance = 0;
    }
    c.signals.frames_from_boundary = distance;
  }
}

void CandidateKeeper::close_shot(int64_t end_frame) {
  std::vector<Candidate> shot;
  std::vector<Candidate> rest;
  for (Candidate& c : open_) (c.frame < end_frame ? shot : rest).push_back(std::move(c));
  open_ = std::move(rest);
  const int64_t shot_start = open_shot_start_;
  open_shot_start_ = end_frame;
  if (shot.empty()) return;

  update_boundary_distances(shot);
  std::vector<double> shot_cards;
  for (const Candidate& c : shot) shot_cards.push_back(card_likelihood(c.signals));
  const int64_t shot_end = std::min(end_frame, last_frame_ + 1);
  shot_card_levels_.push_back({lower_median(std::move(shot_cards)), std::max<int64_t>(1, shot_end - shot_start)});
  const double baseline = card_baseline();
  for (Candidate& c : shot) {
    c.signals.card_baseline = baseline;
    c.cheap_score = scorer_.score_of(c.signals);
  }
  // The bars are judged on every frame the shot kept, before any is set aside.
  // (A stream that changes size mid-shot is judged on the frames of its first size.)
  ClosedShot closed;
  closed.sampled_size = shot.front().image.size();
  std::vector<FrameBars> bars;
  for (const Candidate& c : shot) {
    if (c.image.size() == closed.sampled_size) bars.push_back(c.bars);
  }
  closed.active_picture = active_picture(bars);
  const bool barred = closed.active_picture != cv::Rect({0, 0}, closed.sampled_size);
  // Frames next to a cut only when the shot has no other: then the one furthest from its boundaries
  // (a dissolve's frames are at distance 0), the best scored among equals.
  const bool only_near_cut = std::all_of(shot.begin(), shot.end(), [](const Candidate& c) { return c.near_cut; });
  if (!only_near_cut) std::erase_if(shot, [](const Candidate& c) { return c.near_cut; });
  std::sort(shot.begin(), shot.end(), [only_near_cut](const Candidate& a, const Candidate& b) {
    if (only_near_cut && a.signals.frames_from_boundary != b.signals.frames_from_boundary) {
      return a.signals.frames_from_boundary > b.signals.frames_from_boundary;
    }
    return a.cheap_score > b.cheap_score;
  });
  const size_t finalists = std::max<size_t>(1, options_.finalists);
  for (size_t i = 0; i < shot.size(); ++i) {
    Candidate& c = shot[i];
    if (i < finalists && barred && c.image.size() == closed.sampled_size) {
      // A finalist is judged, kept and published as its active picture only; its signals (exposure,
      // sharpness, flat areas) are measured again without the bars.
      c.image = c.image(closed.active_picture).clone();
      FrameSignals s = measure_frame(c.image);
      s.motion = c.signals.motion;
      s.frames_from_boundary = c.signals.frames_from_boundary;
      s.card_baseline = c.signals.card_baseline;
      c.signals = s;
      c.cheap_score = scorer_.score_of(c.signals);
      if (!c.full_resolution.empty()) {
        c.full_resolution =
            c.full_resolution(scale_rect(closed.active_picture, closed.sampled_size, c.full_resolution.size())).clone();
      }
    }
    if (i < finalists) {
      Finalist f{c.frame,         c.time, c.signals, c.cheap_score, {}, c.image.size(), std::move(c.full_resolution),
                 c.near_cut,    c.look};
      f.image_jpeg = std::make_shared<const std::vector<uint8_t>>(
          c.image.empty() ? std::vector<uint8_t>() : encode_jpeg(c.image, {memory_jpeg_quality}));
      closed.finalists.push_back(std::move(f));
    } else if (closed.others.size() < options_.alternates) {
      closed.others.push_back({c.frame, c.time, c.cheap_score});
    }
  }
  look_for_faces(closed);
  closed_.push_back(std::move(closed));
  judge_settled_shots();
}

void CandidateKeeper::judge_settled_shots() {
  // A shot whose faces are known is judged now, so its losing finalists' JPEGs are not held to the
  // end of the pass. Judging depends only on what the shot had when it closed, so the result is the
  // same as judging at finish().
  for (ClosedShot& shot : closed_) {
    if (shot.judged || !shot.faces->done.load(std::memory_order_acquire)) continue;
    shot.judged = judge(shot);
    for (const Finalist& f : shot.finalists) {
      if (f.frame == shot.judged->frame) shot.judged_cheap_score = f.cheap_score;
    }
    shot.finalists.clear();
    shot.finalists.shrink_to_fit();
  }
}

void CandidateKeeper::look_for_faces(ClosedShot& shot) {
  // The task shares only the finalists' JPEGs, which never change once encoded, and copies of their
  // signals and looks, and writes only its own result slot; the serial stage keeps changing the
  // shot's other members.
  std::vector<std::shared_ptr<const std::vector<uint8_t>>> images;
  std::vector<FrameSignals> signals;
  std::vector<cv::Mat> looks;
  for (const Finalist& f : shot.finalists) {
    images.push_back(f.image_jpeg);
    signals.push_back(f.signals);
    looks.push_back(f.look);
  }
  shot.faces = std::make_shared<FinalistFaces>();
  judging_->run([this, images = std::move(images), signals = std::move(signals), looks = std::move(looks),
                 faces = shot.faces] {
    // In an arena of this thread alone: OpenCV's own parallel loops run on oneTBB and stay on it. A
    // thread waiting in one must not pick up another face task here, which would reuse this thread's
    // detector mid-detection. Nor is BlazeFace split over threads, which costs it 17% more CPU when
    // a core is free (14.6 ms a frame alone, 17.1 ms over two), while the pass keeps the cores busy.
    tbb::task_arena alone(1);
    alone.execute([&] {
      std::optional<FaceDetector>& detector = detectors_.local();
      if (!detector) detector.emplace();
      // Best first by cheap score. Faces only add to a score, so a finalist that could not beat the
      // best so far even with the best face is not looked at: the choice is the same, and a clear
      // face in the first spares the cascade (up to a tenth of a second a frame) on the others. Nor
      // is one that shows the same picture as a finalist found to have no face (a still shot's
      // frames a quarter of a second apart): it has none either, and without one it cannot beat the
      // best so far.
      double best = -std::numeric_limits<double>::infinity();
      std::vector<size_t> faceless;
      for (size_t i = 0; i < images.size(); ++i) {
        FrameSignals s = signals[i];
        const double without_faces = scorer_.score_of(s);
        const auto like_faceless = [&] {
          return std::any_of(faceless.begin(), faceless.end(), [&](size_t j) { return same_picture(looks[j], looks[i]); });
        };
        if (without_faces + std::max(0.0, options_.weights.faces) <= best || (without_faces <= best && like_faceless())) {
          faces->found.emplace_back();
          continue;
        }
        s.faces = detector->detect(decode_image(*images[i]));
        s.faces_checked = true;
        finalists_looked_at_.fetch_add(1, std::memory_order_relaxed);
        if (s.faces.empty()) faceless.push_back(i);
        best = std::max(best, scorer_.score_of(s));
        faces->found.emplace_back(std::move(s.faces));
      }
    });
    faces->done.store(true, std::memory_order_release);
  });
}

ShotStill CandidateKeeper::judge(ClosedShot& shot) const {
  size_t best = 0;
  std::vector<double> final_score(shot.finalists.size());
  for (size_t i = 0; i < shot.finalists.size(); ++i) {
    Finalist& f = shot.finalists[i];
    if (shot.faces->found.at(i)) {  // else it could not have won whatever faces it has
      f.signals.faces = *shot.faces->found[i];
      f.signals.faces_checked = true;
    }
    final_score[i] = scorer_.score_of(f.signals);
    if (final_score[i] > final_score[best]) best = i;
  }
  Finalist& winner = shot.finalists[best];
  ShotStill still;
  still.frame = winner.frame;
  still.time = winner.time;
  still.signals = winner.signals;
  still.breakdown = scorer_.breakdown(winner.signals);
  still.analysis_size = winner.image_size;
  still.image_jpeg = *winner.image_jpeg;
  still.full_resolution = std::move(winner.full_resolution);
  still.near_cut = winner.near_cut;
  still.active_picture = shot.active_picture;
  still.sampled_size = shot.sampled_size;
  for (size_t i = 0; i < shot.finalists.size(); ++i) {
    if (i != best) still.alternates.push_back({shot.finalists[i].frame, shot.finalists[i].time, final_score[i]});
  }
  still.alternates.insert(still.alternates.end(), shot.others.begin(), shot.others.end());
  std::stable_sort(still.alternates.begin(), still.alternates.end(),
                   [](const Alternate& a, const Alternate& b) { return a.score > b.score; });
  if (still.alternates.size() > options_.alternates) still.alternates.resize(options_.alternates);
  return still;
}

std::vector<ShotStill> CandidateKeeper::finish(const scenes::SceneList& scenes) {
  const int64_t applied = cuts_.empty() ? std::numeric_limits<int64_t>::min() : cuts_.back().frame;
  for (const scenes::Cut& cut : scenes.cuts) {
    if (cut.frame > applied) on_cut(cut);
  }
  const int64_t margin = options_.cut_margin_frames;
  for (Candidate& c : open_) {
    if (c.frame > last_frame_ - margin) mark_near_cut(c);
  }
  close_shot(std::numeric_limits<int64_t>::max());

  judging_->wait();  // rethrows what a face task threw
  spdlog::debug("stills: faces looked for in {} finalists of {} shots", finalists_looked_at(), closed_.size());
  std::vector<ShotStill> stills;
  for (ClosedShot& shot : closed_) stills.push_back(shot.judged ? std::move(*shot.judged) : judge(shot));
  closed_.clear();
  for (ShotStill& s : stills) {
    const auto shot = std::find_if(scenes.shots.begin(), scenes.shots.end(), [&](const scenes::Shot& sh) {
      return s.frame >= sh.start_frame && s.frame <= sh.end_frame;
    });
    s.shot = shot == scenes.shots.end() ? -1 : static_cast<int>(shot - scenes.shots.begin());
  }
  // One still per shot, should the detector's live cuts and the final list disagree.
  std::vector<ShotStill> result;
  for (ShotStill& s : stills) {
    auto same =
        std::find_if(result.begin(), result.end(), [&](const ShotStill& r) { return r.shot >= 0 && r.shot == s.shot; });
    if (same == result.end()) {
      result.push_back(std::move(s));
    } else if (s.score() > same->score()) {
      *same = std::move(s);
    }
  }
  // Against the whole clip's typical shot now: a card is far above it; where every shot is text-like
  // (a screencast), none is. (A still's alternates keep the scores they had when its shot was judged.)
  const double baseline = card_baseline();
  for (ShotStill& s : result) {
    s.signals.card_baseline = baseline;
    s.breakdown = scorer_.breakdown(s.signals);
    s.card = options_.weights.text_card > 0 && s.breakdown.text_card >= card_mark;  // weight 0: no card signal
  }
  omitted_.clear();
  for (size_t i = 0; i < scenes.shots.size(); ++i) {
    const auto still = std::find_if(result.begin(), result.end(), [&](const ShotStill& r) { return r.shot == static_cast<int>(i); });
    if (still != result.end()) continue;
    // Frames are sampled at index % step == step / 2. A sample outside any fade or dissolve is a
    // candidate unless it is blank.
    const scenes::Shot& shot = scenes.shots[i];
    const int64_t first_sample = (shot.start_frame - step_ / 2 + step_ - 1) / step_ * step_ + step_ / 2;
    const int64_t frames = shot.end_frame - shot.start_frame + 1;
    bool outside_transitions = false;
    for (int64_t f = first_sample; f <= shot.end_frame && !outside_transitions; f += step_) {
      outside_transitions = std::none_of(scenes.cuts.begin(), scenes.cuts.end(), [&](const scenes::Cut& c) {
        return c.last_frame > c.first_frame && f >= c.first_frame && f <= c.last_frame;
      });
    }
    if (first_sample > shot.end_frame) {
      omitted_.push_back({static_cast<int>(i), "too short",
                          fmt::format("too short to be sampled: {} frames, one frame in {} is looked at", frames, step_)});
    } else if (!outside_transitions) {
      omitted_.push_back({static_cast<int>(i), "transition", "every sampled frame is inside a fade or dissolve"});
    } else {
      omitted_.push_back({static_cast<int>(i), "blank", "every sampled frame is blank (black, white or one flat colour)"});
    }
  }
  return result;
}

}  // namespace pressreel::stills
