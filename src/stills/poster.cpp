#include "pressreel/stills/poster.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "io/atomic_file.hpp"
#include "media/frame_grabber.hpp"
#include "pressreel/media/scaler.hpp"

namespace pressreel::stills {

PosterChoice choose_poster(const std::vector<ShotStill>& stills, size_t alternates) {
  std::vector<const ShotStill*> ranked;
  for (const ShotStill& s : stills) ranked.push_back(&s);
  // A card (title, credits, a screen) is the poster only of a clip of cards. A still taken next to a
  // cut (its shot was too short for another) may be mid-transition: it is the shot's record, and the
  // poster only when no shot has a better one.
  std::stable_sort(ranked.begin(), ranked.end(), [](const ShotStill* a, const ShotStill* b) {
    if (a->card != b->card) return !a->card;
    if (a->near_cut != b->near_cut) return !a->near_cut;
    return a->score() > b->score();
  });
  PosterChoice choice;
  if (ranked.empty()) return choice;
  choice.poster = ranked.front();
  for (size_t i = 1; i < ranked.size() && choice.alternates.size() < alternates; ++i)
    choice.alternates.push_back(ranked[i]);
  return choice;
}

std::optional<size_t> choose_film_poster(const std::vector<nlohmann::json>& clip_posters) {
  // A clip's card poster (its clip has nothing but cards) loses to any picture poster.
  std::optional<size_t> best;
  double best_score = 0;
  bool best_card = false;
  for (size_t i = 0; i < clip_posters.size(); ++i) {
    const nlohmann::json& p = clip_posters[i];
    if (!p.is_object() || !p.contains("score") || !p["score"].is_number()) continue;
    const double score = p["score"].get<double>();
    const bool card = p.value("card", false);
    if (!best || (best_card && !card) || (card == best_card && score > best_score)) {
      best_card = card;
      best = i;
      best_score = score;
    }
  }
  return best;
}

std::vector<FaceBox> scale_faces(const std::vector<FaceBox>& faces, cv::Size from, cv::Size to) {
  if (from.width <= 0 || from.height <= 0) return faces;
  const double sx = static_cast<double>(to.width) / from.width;
  const double sy = static_cast<double>(to.height) / from.height;
  std::vector<FaceBox> scaled;
  for (const FaceBox& f : faces) {
    const cv::Rect r(static_cast<int>(f.box.x * sx), static_cast<int>(f.box.y * sy), static_cast<int>(f.box.width * sx),
                     static_cast<int>(f.box.height * sy));
    scaled.push_back({r & cv::Rect({0, 0}, to), f.eyes});
  }
  return scaled;
}

nlohmann::json write_shot_stills(const std::vector<ShotStill>& stills, const std::filesystem::path& dir,
                                 const ImageOptions& options) {
  nlohmann::json files = nlohmann::json::array();
  for (size_t i = 0; i < stills.size(); ++i) {
    const ShotStill& s = stills[i];
    const int number = s.shot >= 0 ? s.shot + 1 : static_cast<int>(i) + 1;
    const std::string name = fmt::format("shot-{:03}.{}", number, extension(options.format));
    const cv::Mat image = s.image();
    const uintmax_t bytes = write_image(dir / name, image, options);
    nlohmann::json j = to_json(s);
    j["file"] = name;
    j["bytes"] = bytes;
    j["width"] = image.cols;
    j["height"] = image.rows;
    files.push_back(std::move(j));
  }
  return files;
}

nlohmann::json write_poster_files(const cv::Mat& frame, const std::vector<FaceBox>& faces,
                                  const std::filesystem::path& dir, const std::vector<CropSpec>& crops,
                                  const ImageOptions& options) {
  const std::string ext = extension(options.format);
  const std::string poster_name = "poster." + ext;
  nlohmann::json j;
  j["file"] = poster_name;
  j["width"] = frame.cols;
  j["height"] = frame.rows;
  const cv::Mat subject = subject_map(frame, faces);
  const std::vector<cv::Rect> text_lines = text_lines_of(frame);
  // The poster and each crop are independent images: made and encoded side by side. A crop that is
  // the whole frame at its own size (16x9-1920x1080 of a 1080p poster) is the poster's pixels: its
  // file gets the poster's bytes instead of a second encoding of the same image.
  std::vector<Crop> made(crops.size());
  std::vector<std::vector<uint8_t>> encoded(crops.size() + 1);
  const auto is_poster = [&](const Crop& c) {
    return !c.blurred_fill && c.window == cv::Rect({0, 0}, frame.size()) && c.size == frame.size();
  };
  tbb::parallel_for(size_t{0}, crops.size() + 1, [&](size_t i) {
    if (i == crops.size()) {
      encoded[i] = encode_image(frame, options);
      return;
    }
    made[i] = make_crop(frame, crops[i], faces, subject, text_lines);
    if (!is_poster(made[i])) encoded[i] = encode_image(made[i].image, options);
  });
  // Written side by side too: each file is synced before it takes its name, and the syncs overlap.
  std::vector<nlohmann::json> crop_files(crops.size());
  for (size_t i = 0; i < crops.size(); ++i) {
    crop_files[i] = to_json(made[i]);
    crop_files[i]["file"] = crops[i].name + "." + ext;
    crop_files[i]["bytes"] = (is_poster(made[i]) ? encoded.back() : encoded[i]).size();
  }
  tbb::parallel_for(size_t{0}, crops.size() + 1, [&](size_t i) {
    const bool poster = i == crops.size() || is_poster(made[i]);
    const std::vector<uint8_t>& bytes = poster ? encoded.back() : encoded[i];
    const std::string file = i == crops.size() ? poster_name : crop_files[i]["file"].get<std::string>();
    io::write_file_atomic(dir / file, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  });
  j["bytes"] = encoded.back().size();
  j["crops"] = crop_files;
  return j;
}

FullFrameReader grab_full_frames(const media::ProbeResult& probe, const media::VideoDecoderOptions& decoder,
                                 const media::InputPolicy& input) {
  return [probe, decoder, input](const media::RationalTime& time) {
    media::FrameGrabber grabber(probe, decoder, input);
    const media::VideoFrame f = grabber.frame_at(time);
    media::Scaler scaler(media::ScaleQuality::good);
    return scaler.to_bgr(f.picture.get(), media::display_size(f.picture.get()));
  };
}

nlohmann::json write_poster(const std::vector<ShotStill>& stills, const std::filesystem::path& dir,
                            const std::vector<CropSpec>& crops, const ImageOptions& options, size_t alternates,
                            const FullFrameReader& reread) {
  const PosterChoice choice = choose_poster(stills, alternates);
  if (choice.poster == nullptr) return nullptr;
  const ShotStill& poster = *choice.poster;
  // The keeper holds full resolution for the clip's best few. Should the winner not be among them
  // (faces lifted it late), its frame is read again: one seek, and no clip-wide store of large frames.
  cv::Mat frame = poster.full_resolution;
  std::string full_from = "kept";
  std::string warning;
  if (frame.empty() && reread) {
    try {
      frame = reread(poster.time);
      // The keeper's copies are the shot's active picture: so is this one.
      if (!poster.sampled_size.empty()) {
        frame = frame(scale_rect(poster.active_picture, poster.sampled_size, frame.size())).clone();
      }
      full_from = "read again";
    } catch (const std::exception& e) {
      warning = std::string("poster: the full-resolution frame could not be read again (") + e.what() +
                "); poster and crops are at the analysis size";
    }
  }
  const bool full = !frame.empty();
  if (!full) {
    frame = poster.image();
    if (warning.empty()) warning = "poster: no full-resolution frame; poster and crops are at the analysis size";
  }
  const std::vector<FaceBox> faces = scale_faces(poster.signals.faces, poster.analysis_size, frame.size());
  nlohmann::json j = write_poster_files(frame, faces, dir, crops, options);
  j["full_resolution"] = full;
  if (full) j["full_resolution_from"] = full_from;
  if (!warning.empty()) j["warning"] = warning;
  j["shot"] = poster.shot;
  j["frame"] = poster.frame;
  j["time"] = time_json(poster.time);
  j["score"] = poster.score();
  j["card"] = poster.card;
  j["breakdown"] = to_json(poster.breakdown);
  j["signals"] = to_json(poster.signals);
  nlohmann::json alts = nlohmann::json::array();
  for (const ShotStill* a : choice.alternates) {
    alts.push_back({{"shot", a->shot}, {"frame", a->frame}, {"time", time_json(a->time)}, {"score", a->score()}});
  }
  j["alternates"] = std::move(alts);
  return j;
}

nlohmann::json write_clip_stills(const std::vector<ShotStill>& stills, const std::filesystem::path& clip_folder,
                                 const StillsOutput& output) {
  nlohmann::json j = {{"stills", nullptr}, {"poster", nullptr}};
  if (output.shot_stills) {
    j["stills"] = {{"folder", "stills"}, {"files", write_shot_stills(stills, clip_folder / "stills", output.image)}};
  }
  if (output.poster) {
    nlohmann::json poster =
        write_poster(stills, clip_folder / "poster", output.crops, output.image, output.alternates, output.reread);
    if (poster.is_object()) poster["folder"] = "poster";
    j["poster"] = std::move(poster);
  }
  return j;
}

}  // namespace pressreel::stills
