#include "batch/recipe_fields.hpp"

#include <fmt/format.h>

#include <type_traits>

#include "pressreel/preview/options.hpp"
#include "pressreel/stills/crops.hpp"
#include "pressreel/stills/image_writer.hpp"

namespace pressreel::batch {
namespace {

using nlohmann::json;

// Where a key's value lives in a Recipe. The table writes through it when reading a recipe and reads
// through it for effective(): a const Recipe is only ever read.
template <class T>
using Member = T& (*)(Recipe&);

template <class T>
const T& value_of(Member<T> member, const Recipe& r) {
  return member(const_cast<Recipe&>(r));
}

RecipeField flag(std::string_view section, std::string_view key, Member<bool> member, std::string_view help) {
  return {section, key, "true/false", help, [=](Section& s, Recipe& r) { s.get(key, member(r)); },
          [=](const Recipe& r) { return json(value_of(member, r)); }};
}

template <class T>
RecipeField number(std::string_view section, std::string_view key, Member<T> member, std::type_identity_t<T> min,
                   std::type_identity_t<T> max, std::string_view help) {
  const std::string type = fmt::format("{} {}..{}", std::is_integral_v<T> ? "integer" : "number", min, max);
  return {section, key, type, help, [=](Section& s, Recipe& r) { s.get(key, member(r), min, max); },
          [=](const Recipe& r) { return json(value_of(member, r)); }};
}

RecipeField texts(std::string_view section, std::string_view key, Member<std::vector<std::string>> member,
                  std::string_view help) {
  return {section, key, "array of strings", help, [=](Section& s, Recipe& r) { s.get(key, member(r)); },
          [=](const Recipe& r) { return json(value_of(member, r)); }};
}

RecipeField colour(std::string_view section, std::string_view key, Member<cv::Scalar> member, std::string_view help) {
  return {section, key, "\"#rrggbb\"", help, [=](Section& s, Recipe& r) { s.get(key, member(r)); },
          [=](const Recipe& r) {
            const cv::Scalar& c = value_of(member, r);
            return json(fmt::format("#{:02x}{:02x}{:02x}", int(c[2]), int(c[1]), int(c[0])));
          }};
}

RecipeField image_format(std::string_view section, Member<stills::ImageFormat> member, std::string_view help) {
  return {section, "format", "jpg|jpeg|webp", help,
          [=](Section& s, Recipe& r) {
            std::string format = stills::extension(member(r));
            s.get_choice("format", format, {"jpg", "jpeg", "webp"});
            member(r) = stills::parse_image_format(format);
          },
          [=](const Recipe& r) { return json(stills::extension(value_of(member, r))); }};
}

RecipeField crops() {
  return {"stills", "crops", "array of ASPECT-WxH names",
          "the poster's crops, e.g. [\"og-1200x630\", \"1x1-1080\"]",
          [](Section& s, Recipe& r) {
            std::vector<std::string> names;
            s.get("crops", names);
            if (names.empty()) return;
            r.stills.crops.clear();
            for (const auto& name : names) {
              try {
                r.stills.crops.push_back(stills::parse_crop(name));
              } catch (const std::exception& e) {
                throw RecipeError(fmt::format("{}: [stills] crops: {}", r.source.string(), e.what()));
              }
            }
          },
          [](const Recipe& r) {
            json names = json::array();
            for (const auto& crop : r.stills.crops) names.push_back(crop.name);
            return names;
          }};
}

RecipeField renditions() {
  return {"preview", "renditions",
          "[[preview.renditions]] tables: name, height 16..4320, codec h264|vp9|av1, crf 0..63, maxrate, bufsize, preset",
          "the web renditions, largest first; none is taller than the source",
          [](Section& s, Recipe& r) {
            std::vector<preview::RenditionOptions> list;
            const bool given = s.get_tables("renditions", [&](Section& t) {
              preview::RenditionOptions rendition;
              std::string codec = "h264";
              t.get("name", rendition.name);
              t.get("height", rendition.height, 16, 4320);
              t.get_choice("codec", codec, {"h264", "vp9", "av1"});
              rendition.codec = preview::video_codec_from_string(codec);
              t.get("crf", rendition.crf, 0, 63);
              t.get("maxrate", rendition.maxrate, 0, 200'000'000);
              t.get("bufsize", rendition.bufsize, 0, 400'000'000);
              t.get("preset", rendition.preset);
              if (rendition.name.empty()) rendition.name = fmt::format("{}p", rendition.height);
              if (rendition.height == 0) {
                throw RecipeError(fmt::format("{}: [[preview.renditions]] '{}': height is required", r.source.string(),
                                              rendition.name));
              }
              list.push_back(rendition);
            });
            if (given) r.preview.renditions = list;
          },
          [](const Recipe& r) {
            json list = json::array();
            for (const auto& rendition : r.preview.renditions) list.push_back(preview::to_json(rendition));
            return list;
          }};
}

std::vector<RecipeField> make_fields() {
  // clang-format off
  return {
    texts("input", "allow_demuxers", +[](Recipe& r) -> auto& { return r.allow_demuxers; }, "refused demuxers (playlists, image sequences...) to allow anyway"),
    flag("input", "follow_symlinks_outside", +[](Recipe& r) -> auto& { return r.follow_symlinks_outside; }, "follow symlinks that leave an input folder"),

    number("decode", "threads", +[](Recipe& r) -> auto& { return r.decoder.threads; }, 0, 64, "decoder threads (0 = automatic)"),
    flag("decode", "deinterlace", +[](Recipe& r) -> auto& { return r.decoder.deinterlace; }, "deinterlace interlaced sources (bwdif)"),
    flag("decode", "autorotate", +[](Recipe& r) -> auto& { return r.decoder.autorotate; }, "turn pictures by the stream's rotation"),
    flag("decode", "tone_map", +[](Recipe& r) -> auto& { return r.decoder.tone_map; }, "tone-map HDR (PQ, HLG) to SDR BT.709"),
    number("decode", "frames_in_flight", +[](Recipe& r) -> auto& { return r.frames_in_flight; }, 0, 256, "frames in the pass at once (0 = 2 x cores + 2)"),

    number("batch", "jobs", +[](Recipe& r) -> auto& { return r.jobs; }, 0, 256, "clips at once (0 = automatic)"),
    flag("batch", "strict", +[](Recipe& r) -> auto& { return r.strict; }, "warnings fail the clip (the ci recipe sets it)"),

    number("limits", "max_frame_pixels", +[](Recipe& r) -> auto& { return r.limits.max_frame_pixels; }, 1, int64_t{1} << 40, "largest picture, in pixels"),
    number("limits", "max_duration_seconds", +[](Recipe& r) -> auto& { return r.limits.max_duration_seconds; }, 0.001, 1e7, "longest clip"),
    number("limits", "max_streams", +[](Recipe& r) -> auto& { return r.limits.max_streams; }, 1, 100000, "most streams in one file"),
    number("limits", "max_output_bytes", +[](Recipe& r) -> auto& { return r.limits.max_output_bytes; }, 1, int64_t{1} << 50, "most bytes one clip may write"),
    number("limits", "stall_seconds", +[](Recipe& r) -> auto& { return r.limits.stall_seconds; }, 0.05, 86400.0, "a pass that delivers no frame this long fails"),
    number("limits", "time_budget_factor", +[](Recipe& r) -> auto& { return r.limits.time_budget_factor; }, 0.0, 10000.0, "a clip may take this many times its duration"),
    number("limits", "time_budget_min_seconds", +[](Recipe& r) -> auto& { return r.limits.time_budget_min_seconds; }, 0.05, 1e7, "but never less than this"),
    number("limits", "max_memory_bytes", +[](Recipe& r) -> auto& { return r.limits.max_memory_bytes; }, 0, int64_t{1} << 50, "resident memory of a clip's worker process (0 = 3/4 of the machine's / clips at once)"),

    flag("outputs", "scenes", +[](Recipe& r) -> auto& { return r.outputs.scenes; }, "scenes.json/csv/edl and chapters.vtt"),
    flag("outputs", "stills", +[](Recipe& r) -> auto& { return r.outputs.stills; }, "stills/: the best frame of every shot"),
    flag("outputs", "poster", +[](Recipe& r) -> auto& { return r.outputs.poster; }, "poster/: the poster and its crops"),
    flag("outputs", "contact_sheet", +[](Recipe& r) -> auto& { return r.outputs.contact_sheet; }, "contact-sheet.jpg"),
    flag("outputs", "storyboard", +[](Recipe& r) -> auto& { return r.outputs.storyboard; }, "storyboard sprites, .vtt and .json"),
    flag("outputs", "previews", +[](Recipe& r) -> auto& { return r.outputs.previews; }, "preview-<rendition>.mp4/webm"),
    flag("outputs", "teaser", +[](Recipe& r) -> auto& { return r.outputs.teaser; }, "teaser.mp4 and teaser.webp"),
    flag("outputs", "stream", +[](Recipe& r) -> auto& { return r.outputs.stream; }, "stream/: HLS + DASH of the H.264 previews (needs previews)"),

    number("scenes", "analysis_width", +[](Recipe& r) -> auto& { return r.scenes.analysis_width; }, 32, 1024, "width of the frames shots are detected on"),
    number("scenes", "adaptive_ratio", +[](Recipe& r) -> auto& { return r.scenes.adaptive_ratio; }, 1.0, 100.0, "a cut's change over its neighbours' average"),
    number("scenes", "window", +[](Recipe& r) -> auto& { return r.scenes.window; }, 1, 32, "frames on each side in that average"),
    number("scenes", "min_score", +[](Recipe& r) -> auto& { return r.scenes.min_score; }, 0.0, 255.0, "least change a cut needs"),
    number("scenes", "min_shot_seconds", +[](Recipe& r) -> auto& { return r.scenes.min_shot_seconds; }, 0.0, 60.0, "shortest shot"),
    number("scenes", "max_transition_seconds", +[](Recipe& r) -> auto& { return r.scenes.max_transition_seconds; }, 0.1, 10.0, "longest fade or dissolve"),
    number("scenes", "max_dip_seconds", +[](Recipe& r) -> auto& { return r.scenes.max_dip_seconds; }, 0.0, 10.0, "longest dip to black between a fade out and in"),
    number("scenes", "flash_seconds", +[](Recipe& r) -> auto& { return r.scenes.flash_seconds; }, 0.0, 1.0, "longest flash that is not a cut"),
    flag("scenes", "detect_fades", +[](Recipe& r) -> auto& { return r.scenes.detect_fades; }, "report fades"),
    flag("scenes", "detect_dissolves", +[](Recipe& r) -> auto& { return r.scenes.detect_dissolves; }, "report dissolves"),
    flag("scenes", "filter_flashes", +[](Recipe& r) -> auto& { return r.scenes.filter_flashes; }, "a flash inside a shot is no cut"),

    number("stills", "samples_per_second", +[](Recipe& r) -> auto& { return r.keeper.samples_per_second; }, 0.1, 60.0, "frames a second scored as candidates"),
    number("stills", "max_width", +[](Recipe& r) -> auto& { return r.keeper.max_width; }, 64, 4096, "width of the candidates' working copies"),
    number("stills", "cut_margin_frames", +[](Recipe& r) -> auto& { return r.keeper.cut_margin_frames; }, 0, 1000, "no still this close to a cut"),
    number("stills", "open_shot_candidates", +[](Recipe& r) -> auto& { return r.keeper.open_shot_candidates; }, 1, 256, "candidates kept for the shot being decoded"),
    number("stills", "finalists", +[](Recipe& r) -> auto& { return r.keeper.finalists; }, 1, 64, "per shot, checked for faces"),
    number("stills", "alternates", +[](Recipe& r) -> auto& { return r.keeper.alternates; }, 0, 64, "per shot, listed with their scores"),
    number("stills", "full_resolution_copies", +[](Recipe& r) -> auto& { return r.keeper.full_resolution_copies; }, 1, 64, "the clip's best candidates kept at full size"),
    image_format("stills", +[](Recipe& r) -> auto& { return r.stills.image.format; }, "stills' and poster's image format"),
    number("stills", "quality", +[](Recipe& r) -> auto& { return r.stills.image.quality; }, 1, 100, "JPEG/WebP quality"),
    flag("stills", "progressive", +[](Recipe& r) -> auto& { return r.stills.image.progressive; }, "progressive JPEG"),
    number("stills", "poster_alternates", +[](Recipe& r) -> auto& { return r.stills.alternates; }, 0, 64, "runner-up posters written"),
    crops(),

    number("storyboard", "tile_width", +[](Recipe& r) -> auto& { return r.storyboard.tile_width; }, 16, 1920, "width of a tile"),
    number("storyboard", "target_tiles", +[](Recipe& r) -> auto& { return r.storyboard.target_tiles; }, 1, 10000, "tiles aimed at for the clip"),
    number("storyboard", "min_interval_seconds", +[](Recipe& r) -> auto& { return r.storyboard.min_interval_seconds; }, 0.04, 3600.0, "shortest interval between tiles"),
    number("storyboard", "interval_seconds", +[](Recipe& r) -> auto& { return r.storyboard.interval_seconds; }, 0.0, 3600.0, "a fixed interval (0 = from target_tiles)"),
    number("storyboard", "max_tiles", +[](Recipe& r) -> auto& { return r.storyboard.max_tiles; }, 1, 100000, "most tiles"),
    number("storyboard", "max_sprite_size", +[](Recipe& r) -> auto& { return r.storyboard.max_sprite_size; }, 256, 16384, "largest sprite side, in pixels"),
    number("storyboard", "quality", +[](Recipe& r) -> auto& { return r.storyboard.image.quality; }, 1, 100, "JPEG quality"),

    number("contact_sheet", "columns", +[](Recipe& r) -> auto& { return r.sheet.columns; }, 1, 32, "most tiles a row"),
    number("contact_sheet", "tile_width", +[](Recipe& r) -> auto& { return r.sheet.tile_width; }, 32, 4096, "width of a tile"),
    number("contact_sheet", "spacing", +[](Recipe& r) -> auto& { return r.sheet.spacing; }, 0, 256, "pixels between tiles"),
    number("contact_sheet", "margin", +[](Recipe& r) -> auto& { return r.sheet.margin; }, 0, 512, "pixels around the sheet"),
    number("contact_sheet", "max_width", +[](Recipe& r) -> auto& { return r.sheet.max_width; }, 256, 16384, "widest sheet"),
    number("contact_sheet", "max_height", +[](Recipe& r) -> auto& { return r.sheet.max_height; }, 256, 65500, "tallest sheet"),
    number("contact_sheet", "title_size", +[](Recipe& r) -> auto& { return r.sheet.title_size; }, 6, 200, "title's text size"),
    number("contact_sheet", "info_size", +[](Recipe& r) -> auto& { return r.sheet.info_size; }, 6, 200, "details' text size"),
    number("contact_sheet", "label_size", +[](Recipe& r) -> auto& { return r.sheet.label_size; }, 6, 200, "tile labels' text size"),
    colour("contact_sheet", "background", +[](Recipe& r) -> auto& { return r.sheet.background; }, "sheet colour"),
    colour("contact_sheet", "tile_background", +[](Recipe& r) -> auto& { return r.sheet.tile_background; }, "colour behind tiles"),
    colour("contact_sheet", "title_colour", +[](Recipe& r) -> auto& { return r.sheet.title_colour; }, "title colour"),
    colour("contact_sheet", "info_colour", +[](Recipe& r) -> auto& { return r.sheet.info_colour; }, "details' colour"),
    colour("contact_sheet", "label_colour", +[](Recipe& r) -> auto& { return r.sheet.label_colour; }, "labels' colour"),
    image_format("contact_sheet", +[](Recipe& r) -> auto& { return r.sheet.image.format; }, "the sheet's image format"),
    number("contact_sheet", "quality", +[](Recipe& r) -> auto& { return r.sheet.image.quality; }, 1, 100, "JPEG/WebP quality"),
    number("contact_sheet", "min_shots", +[](Recipe& r) -> auto& { return r.sheet_sampling.min_shots; }, 0, 1000, "fewer shots: tiles at intervals instead"),
    number("contact_sheet", "interval_tiles", +[](Recipe& r) -> auto& { return r.sheet_sampling.interval_tiles; }, 1, 1000, "how many interval tiles"),

    number("preview", "gop_seconds", +[](Recipe& r) -> auto& { return r.preview.gop_seconds; }, 0.1, 20.0, "closed GOP length"),
    number("preview", "encoder_threads", +[](Recipe& r) -> auto& { return r.preview.encoder_threads; }, 0, 64, "x264/libvpx frame threads per rendition (0 = a fixed default by rendition count; capped H.264 always takes one, for the same bytes every run)"),
    flag("preview", "audio", +[](Recipe& r) -> auto& { return r.preview.audio.enabled; }, "previews carry the audio"),
    number("preview", "aac_bitrate", +[](Recipe& r) -> auto& { return r.preview.audio.aac_bitrate; }, 16000, 512000, "AAC bit rate (MP4)"),
    number("preview", "opus_bitrate", +[](Recipe& r) -> auto& { return r.preview.audio.opus_bitrate; }, 16000, 512000, "Opus bit rate (WebM)"),
    flag("preview", "normalize_loudness", +[](Recipe& r) -> auto& { return r.preview.audio.normalize; }, "bring the audio to target_lufs"),
    number("preview", "target_lufs", +[](Recipe& r) -> auto& { return r.preview.audio.target.integrated_lufs; }, -70.0, 0.0, "integrated loudness aimed at"),
    number("preview", "true_peak_dbtp", +[](Recipe& r) -> auto& { return r.preview.audio.target.true_peak_dbtp; }, -30.0, 0.0, "true-peak ceiling"),
    renditions(),

    number("teaser", "min_seconds", +[](Recipe& r) -> auto& { return r.teaser.min_seconds; }, 1.0, 60.0, "shortest teaser"),
    number("teaser", "max_seconds", +[](Recipe& r) -> auto& { return r.teaser.max_seconds; }, 1.0, 120.0, "longest teaser"),
    number("teaser", "piece_seconds", +[](Recipe& r) -> auto& { return r.teaser.piece_seconds; }, 0.2, 30.0, "length of each shot's piece"),
    number("teaser", "height", +[](Recipe& r) -> auto& { return r.teaser.mp4.height; }, 16, 2160, "the MP4's greatest height"),
    number("teaser", "max_width", +[](Recipe& r) -> auto& { return r.teaser.max_width; }, 16, 4096, "the MP4's greatest width"),
    number("teaser", "crf", +[](Recipe& r) -> auto& { return r.teaser.mp4.crf; }, 0, 63, "the MP4's quality (x264 CRF)"),
    number("teaser", "webp_max_width", +[](Recipe& r) -> auto& { return r.teaser.webp_max_width; }, 16, 4096, "the WebP's greatest width"),
    number("teaser", "webp_fps", +[](Recipe& r) -> auto& { return r.teaser.webp_fps; }, 1.0, 60.0, "the WebP's frame rate"),
    number("teaser", "webp_quality", +[](Recipe& r) -> auto& { return r.teaser.webp_quality; }, 0.0, 100.0, "the WebP's quality"),
    number("teaser", "webp_effort", +[](Recipe& r) -> auto& { return r.teaser.webp_effort; }, 0, 6, "libwebp method: 0 fastest, 6 smallest"),
    number("teaser", "webp_max_bytes", +[](Recipe& r) -> auto& { return r.teaser.webp_max_bytes; }, 10'000, 100'000'000, "the WebP's byte budget: over it, a lower quality, then a smaller picture, then fewer frames"),
    number("stream", "segment_seconds", +[](Recipe& r) -> auto& { return r.stream.segment_seconds; }, 1.0, 60.0, "segments end at the first keyframe from each multiple"),
  };
  // clang-format on
}

}  // namespace

const std::vector<RecipeField>& recipe_fields() {
  static const std::vector<RecipeField> fields = make_fields();
  return fields;
}

}  // namespace pressreel::batch
