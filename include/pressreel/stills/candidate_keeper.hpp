#pragma once
// The stills consumer of the single decode pass: samples a few frames a second, scores them, and
// keeps per shot a bounded set of candidates; after the pass, the best still of every shot.
//
// Memory stays bounded whatever the clip length: the open shot keeps at most `open_shot_candidates`
// moderate-size frames (plus those still inside the scene detector's latency window), a closed shot
// keeps its few finalists (JPEG-compressed in memory) only until their faces are known, then just
// its winner, and only the clip's `full_resolution_copies` best candidates keep a full-resolution copy
// (for poster crops). Faces are costly (tens of milliseconds a frame): they are looked for on the
// finalists only, in a background task started as each shot closes, so they run on whatever core the
// encoders leave idle during the pass and never hold up its serial stage. What grows with the number
// of shots is one moderate JPEG and a few scores per shot.

#include <tbb/enumerable_thread_specific.h>
#include <tbb/task_group.h>

#include <atomic>
#include <deque>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <opencv2/core.hpp>
#include <optional>
#include <vector>

#include "pressreel/media/frame_sink.hpp"
#include "pressreel/media/scaler.hpp"
#include "pressreel/scenes/scene_detector.hpp"
#include "pressreel/scenes/shot.hpp"
#include "pressreel/stills/active_picture.hpp"
#include "pressreel/stills/frame_score.hpp"
#include "pressreel/stills/frame_scorer.hpp"

namespace pressreel::stills {

struct KeeperOptions {
  double samples_per_second = 4;
  int max_width = 640;                // moderate-size copies, at most this wide
  int64_t latency_frames = 0;         // how long after a cut's frame on_cut may arrive
  int64_t cut_margin_frames = 3;      // no still within this many frames of a cut or transition
  size_t open_shot_candidates = 8;    // settled candidates kept for the shot being decoded
  size_t finalists = 3;               // per shot, checked for faces
  size_t alternates = 2;              // per shot, listed with their scores
  size_t full_resolution_copies = 3;  // clip-wide
  ScoreWeights weights;
};

// A frame that lost to a shot's best still, listed so the manifest can show what was considered.
struct Alternate {
  int64_t frame = 0;
  media::RationalTime time;
  double score = 0;
};

struct ShotStill {
  int shot = -1;  // index into SceneList::shots (-1 when no scene list matched)
  int64_t frame = 0;
  media::RationalTime time;
  FrameSignals signals;  // faces in analysis-image coordinates
  ScoreBreakdown breakdown;
  cv::Size analysis_size;           // size of the moderate copy the signals were measured on
  std::vector<uint8_t> image_jpeg;  // the moderate copy's active picture, JPEG in memory
  cv::Mat full_resolution;          // display-size BGR active picture, only for the clip's best few (else empty)
  // The shot's picture without letterbox or pillarbox bars, in the sampled frame of `sampled_size`
  // (the moderate copy before its bars were cut off); the whole frame when it has none.
  cv::Rect active_picture;
  cv::Size sampled_size;
  std::vector<Alternate> alternates;
  // The shot had no sampled frame clear of its cuts (too short): the best of those next to them,
  // furthest from a boundary, rather than no still at all.
  bool near_cut = false;
  // A title card, credits, a screen: its card penalty, against the clip's typical shot, is at least
  // card_mark. It keeps its still and tile, and is the poster only when no shot is a picture.
  bool card = false;

  double score() const { return breakdown.total; }
  // The moderate copy, decoded.
  cv::Mat image() const;
};

nlohmann::json to_json(const ShotStill& still);

// A shot that has no still, and why (so the manifest and the sheet account for every shot).
struct OmittedShot {
  int shot = 0;        // index into SceneList::shots
  std::string brief;   // for a sheet's label: "too short", "blank"
  std::string reason;  // for the manifest, with the numbers
};

nlohmann::json to_json(const std::vector<OmittedShot>& omitted);

class CandidateKeeper : public media::FrameSink {
 public:
  explicit CandidateKeeper(KeeperOptions options = {});
  ~CandidateKeeper() override;  // waits for face tasks still running (a failed pass)

  std::string_view name() const override { return "stills"; }
  void on_start(const media::ProbeResult& probe, const media::VideoStreamInfo& video) override;
  std::any prepare(const media::VideoFrame& frame) override;
  void on_frame(const media::VideoFrame& frame, std::any& prepared) override;

  // A boundary from the scene detector, in order, at most latency_frames after cut.frame.
  void on_cut(const scenes::Cut& cut);
  // Follows `detector`, a sink of the same pass placed before this one: its boundaries reach on_cut
  // as they become final, and its latency (known only once it has seen the stream) becomes this
  // keeper's latency_frames in on_start.
  void follow(scenes::SceneDetector& detector);
  // After the pass: the best still of every shot, in shot order. Cuts in `scenes` not yet given
  // through on_cut are applied first, so a caller without a live detector may pass them all here.
  std::vector<ShotStill> finish(const scenes::SceneList& scenes);
  // After finish(): the shots of its scene list that got no still (no frame of them was sampled, or
  // every sampled one was blank), in shot order.
  const std::vector<OmittedShot>& omitted() const { return omitted_; }

  // Frames currently held (moderate copies), for tests of the memory bound.
  size_t held_candidates() const { return open_.size(); }
  size_t held_full_resolution() const;
  // Moderate JPEGs held for closed shots: a shot's finalists until it is judged, then its winner.
  size_t held_shot_images() const;
  // Closed shots whose face task has not finished yet.
  size_t shots_awaiting_faces() const;
  // Finalists the face detector has looked at so far (see look_for_faces: not every finalist needs it).
  size_t finalists_looked_at() const { return finalists_looked_at_.load(std::memory_order_relaxed); }

 private:
  struct Candidate {
    int64_t frame = 0;
    media::RationalTime time;
    FrameSignals signals;
    double cheap_score = 0;
    cv::Mat image;            // moderate size
    cv::Mat full_resolution;  // display size, only for the clip's best few
    bool near_cut = false;    // within the cut margin: a still only for a shot with nothing better
    FrameBars bars;
    cv::Mat look;             // the motion copy (motion_thumbnail), to tell look-alike finalists apart
  };
  struct Finalist {
    int64_t frame = 0;
    media::RationalTime time;
    FrameSignals signals;
    double cheap_score = 0;
    std::shared_ptr<const std::vector<uint8_t>> image_jpeg;  // moderate size; shared with the face task
    cv::Size image_size;
    cv::Mat full_resolution;
    bool near_cut = false;
    cv::Mat look;
  };
  // Faces of each finalist, filled by a background task; read once `done` is set (or after
  // judging_->wait()).
  struct FinalistFaces {
    std::vector<std::optional<std::vector<FaceBox>>> found;  // empty: not looked at
    std::atomic<bool> done{false};
  };
  struct ClosedShot {
    std::vector<Finalist> finalists;  // best first by cheap score; emptied once judged
    std::vector<Alternate> others;    // the next best, by cheap score
    std::shared_ptr<FinalistFaces> faces;
    std::optional<ShotStill> judged;  // the winner, as soon as the faces are known
    double judged_cheap_score = 0;    // the winner's, to rank its full-resolution copy
    cv::Rect active_picture;          // in the sampled frames
    cv::Size sampled_size;
  };
  bool is_sample(int64_t index) const;
  // How card-like the clip is most of its running time: the lower median of the closed shots' card
  // levels weighted by their length in frames, with the shot being decoded (its level so far, up to
  // `open_frame`) when given. The card penalty is measured above it. Weighted by time, not counted
  // by shot: a screencast's few seconds of desktop between long dialog shots are not its picture.
  double card_baseline(std::optional<double> open_level = std::nullopt, int64_t open_frame = 0) const;
  bool near_boundary(int64_t frame) const;
  void keep_full_resolution(Candidate& candidate, const media::VideoFrame& frame);
  void prune_open(int64_t current_frame);
  void mark_near_cut(Candidate& candidate);
  void close_shot(int64_t end_frame);
  void update_boundary_distances(std::vector<Candidate>& candidates) const;
  void look_for_faces(ClosedShot& shot);
  void judge_settled_shots();
  ShotStill judge(ClosedShot& shot) const;

  KeeperOptions options_;
  const scenes::SceneDetector* detector_ = nullptr;  // followed, if any
  double fps_ = 25;
  int64_t step_ = 6;
  // Measures sampled frames (and motion copies of the frame before each) in prepare, on any thread.
  FrameScorer scorer_;
  media::Scaler full_scaler_{media::ScaleQuality::good};  // serial stage only
  cv::Mat previous_motion_gray_;
  int64_t previous_motion_frame_ = -2;
  int64_t last_frame_ = -1;
  std::vector<Candidate> open_;
  std::vector<scenes::Cut> cuts_;  // every boundary seen, in order
  std::vector<ClosedShot> closed_;
  std::vector<OmittedShot> omitted_;
  // Per closed shot, the median card likelihood of its sampled frames, and its length in frames.
  struct CardLevel {
    double level = 0;
    int64_t frames = 0;
  };
  std::vector<CardLevel> shot_card_levels_;
  int64_t open_shot_start_ = 0;  // first frame of the shot being decoded
  // One detector per thread (cascades keep state); the tasks that run them.
  tbb::enumerable_thread_specific<std::optional<FaceDetector>> detectors_;
  std::atomic<size_t> finalists_looked_at_{0};
  // Behind a pointer: task_group's destructor may throw, which a sink's destructor must not.
  std::unique_ptr<tbb::task_group> judging_ = std::make_unique<tbb::task_group>();
};

}  // namespace pressreel::stills
