// One clip's page: the player with storyboard hover and scrub, the shot strip, poster and crops,
// contact sheet, scene lists and the publishing snippets. Links are relative to the clip folder; the
// snippets' URLs too, unless the run was given a base URL.
#include <fmt/format.h>

#include <algorithm>

#include "gallery_html.hpp"
#include "pressreel/batch/gallery.hpp"
#include "batch/gallery_assets.hpp"
#include "batch/gallery_escape.hpp"
#include "text/markup.hpp"
#include "batch/gallery_snippets.hpp"

namespace pressreel::batch {
namespace {

using nlohmann::json;

// What a browser tab and a link preview show: the film and the clip ("Les Démons de minuit — Trailer"),
// the clip alone when its own title already names the film.
std::string shared_title(const GalleryFilm& film, const GalleryClip& clip) {
  const std::string film_title = film.title();
  if (film_title.empty() || clip.title.find(film_title) != std::string::npos) return clip.title;
  return film_title + " — " + clip.title;
}

// The publishing snippets' facts. Their URLs are relative to the clip's folder, or absolute under
// `base_url` when the run was told where OUT is published.
VideoFacts facts_of(const GalleryFilm& film, const GalleryClip& clip, const std::string& base_url) {
  const std::string folder = base_url.empty() ? "" : base_url + url_path(film.slug + "/" + clip.clip_slug) + "/";
  VideoFacts v;
  v.name = clip.title;
  v.title = shared_title(film, clip);
  // film_info as the manifest holds it: only text is shown (another type is another version's or a hand edit).
  const std::string year = string_field(film.info, "year");
  v.description = film.title() + (year.empty() ? "" : " (" + year + ")") + ": " + clip.title;
  if (!clip.posters.empty()) {
    v.thumbnail_url = folder + url_path(clip.posters.front().path);
    v.thumbnail_width = clip.posters.front().width;
    v.thumbnail_height = clip.posters.front().height;
    const auto card = std::find_if(clip.posters.begin(), clip.posters.end(),
                                   [](const GalleryImage& image) { return image.label.starts_with("og-"); });
    if (card != clip.posters.end()) {
      v.card_url = folder + url_path(card->path);
      v.card_width = card->width;
      v.card_height = card->height;
    }
  }
  v.upload_date = clip.creation_date;
  if (v.upload_date.empty()) v.upload_date = string_field(film.info, "release_date");
  v.duration_seconds = clip.duration_seconds;
  for (const GalleryRendition& r : clip.renditions) {
    v.sources.push_back({folder + url_path(r.path), r.type, r.width, r.height});
  }
  return v;
}

std::string copy_link(std::string_view file) {
  const std::string url = url_path(file);
  return "<span class=\"link\"><a href=\"" + text::escape_html_attr(url) + "\" download>" + text::escape_html_text(file) +
         "</a><button type=\"button\" class=\"copy\" data-copy-href=\"" + text::escape_html_attr(url) +
         "\" title=\"Copy the link\">Copy</button></span>";
}

std::string player(const GalleryClip& clip) {
  std::string out = fmt::format("<div class=\"player-wrap\" id=\"player-wrap\" data-duration=\"{:.3f}\">",
                                clip.duration_seconds);
  const std::string poster = clip.posters.empty() ? "" : url_path(clip.posters.front().path);
  if (!clip.renditions.empty()) {
    out += "<video id=\"player\" controls preload=\"metadata\" playsinline";
    if (!poster.empty()) out += " poster=\"" + text::escape_html_attr(poster) + "\"";
    // The adaptive stream, which the page's script attaches when the browser can play it; the MP4
    // sources below stay as they are for every other case (and for a gallery opened from disk).
    if (!clip.stream.empty()) out += " data-stream=\"" + text::escape_html_attr(url_path(clip.stream)) + "\"";
    out += ">";
    for (const GalleryRendition& r : clip.renditions) {
      out += "<source src=\"" + text::escape_html_attr(url_path(r.path)) + "\" type=\"" + text::escape_html_attr(r.type) + "\">";
    }
    out += "</video>";
  } else {
    // No preview in this recipe: the poster stands in, and the storyboard still shows on hover.
    const std::string still = cover_image(clip);
    if (!still.empty()) out += html::img(url_path(still), clip.title, false);
    out += "<p class=\"muted small\" style=\"padding:8px 12px;margin:0\">No preview rendition was made for this clip.</p>";
  }
  out += "<div class=\"tile\" id=\"tile\"><span></span></div>";
  out += "<div class=\"scrub\" id=\"scrub\" title=\"Hover for the storyboard, click to seek\"><div class=\"head\">"
         "</div><div class=\"label\"></div></div></div>\n";
  return out;
}

std::string side_panel(const GalleryClip& clip) {
  std::string out = "<div class=\"panel\"><dl class=\"info\">";
  auto row = [&](std::string_view key, const std::string& value) {
    if (!value.empty()) out += "<dt>" + text::escape_html_text(key) + "</dt><dd>" + text::escape_html_text(value) + "</dd>";
  };
  row("File", clip.name);
  row("Duration", html::timecode(clip.duration_seconds));
  row("Picture", clip.width > 0 ? fmt::format("{}×{}", clip.width, clip.height) : "");
  row("Frame rate", clip.frame_rate);
  row("Container", clip.container);
  row("Shots", clip.shots.empty() ? "" : std::to_string(clip.shots.size()));
  out += "</dl>";
  if (!clip.renditions.empty() || !clip.teasers.empty()) {
    out += "<h3 style=\"margin-top:14px\">Downloads</h3><div class=\"links\">";
    for (const GalleryRendition& r : clip.renditions) out += copy_link(r.path);
    for (const std::string& t : clip.teasers) out += copy_link(t);
    out += "</div>";
  }
  return out + "</div>\n";
}

std::string shot_strip(const GalleryClip& clip) {
  if (clip.stills.empty()) return {};
  std::string out = "<h2>Shots</h2><div class=\"shots\" id=\"shots\">";
  for (const GalleryImage& still : clip.stills) {
    // A card stays a shot with its tile, marked so that an editor does not take it for a picture.
    const std::string classes = still.card ? "shot card" : "shot";
    out += still.seconds >= 0
               ? fmt::format("<button type=\"button\" class=\"{}\" data-time=\"{:.3f}\">", classes, still.seconds)
               : fmt::format("<button type=\"button\" class=\"{}\">", classes);
    out += html::img(url_path(still.path), still.label, true, still.width, still.height);
    out += "<span>" + text::escape_html_text(still.label);
    if (still.seconds >= 0) out += " · " + text::escape_html_text(html::timecode(still.seconds));
    if (still.card) out += " · card";
    out += "</span></button>";
  }
  return out + "</div>\n";
}

std::string posters(const GalleryClip& clip) {
  if (clip.posters.empty()) return {};
  std::string out = "<h2>Poster and crops</h2><div class=\"crops\">";
  for (const GalleryImage& image : clip.posters) {
    const std::string url = url_path(image.path);
    out += "<figure class=\"crop\" style=\"margin:0\"><a href=\"" + text::escape_html_attr(url) + "\">" +
           html::img(url, image.label) + "</a><div class=\"meta\"><span>" + text::escape_html_text(image.label);
    if (image.width > 0) out += fmt::format(" · {}×{}", image.width, image.height);
    out += "</span><a href=\"" + text::escape_html_attr(url) + "\" download>Download</a></div></figure>";
  }
  return out + "</div>\n";
}

std::string scene_list(const GalleryClip& clip) {
  if (clip.scene_files.empty() && clip.shots.empty()) return {};
  std::string out = "<h2>Scenes</h2><div class=\"links\">";
  for (const std::string& file : clip.scene_files) out += copy_link(file);
  out += "</div>";
  if (!clip.shots.empty()) {
    out += "<table class=\"scenes\"><thead><tr><th>Shot</th><th>Start</th><th>End</th><th>Length</th></tr></thead><tbody>";
    for (const GalleryShot& s : clip.shots) {
      out += fmt::format("<tr data-time=\"{:.3f}\"><td>{}</td><td>{}</td><td>{}</td><td>{:.2f} s</td></tr>",
                         s.start_seconds, s.number, html::timecode(s.start_seconds), html::timecode(s.end_seconds),
                         s.end_seconds - s.start_seconds);
    }
    out += "</tbody></table>";
  }
  return out + "\n";
}

std::string snippet(std::string_view id, std::string_view title, const std::string& source) {
  return fmt::format("<div class=\"snippet\"><div class=\"bar\"><h3>{}</h3><button type=\"button\" class=\"copy\" "
                     "data-copy-target=\"{}\">Copy</button></div><pre id=\"{}\"><code>{}</code></pre></div>",
                     title, id, id, text::escape_html_text(source));
}

std::string failure(const GalleryClip& clip) {
  std::string out;
  if (!clip.ok) {
    out += "<div class=\"error\" id=\"failure\"><b>This clip failed";
    if (!clip.error_stage.empty()) out += " in " + text::escape_html_text(clip.error_stage);
    out += ":</b> " + text::escape_html_text(clip.error_message.empty() ? "no reason recorded" : clip.error_message) +
           "</div>\n";
  }
  for (const std::string& w : clip.warnings) out += "<p class=\"warn\">" + text::escape_html_text(w) + "</p>";
  return out;
}

}  // namespace

std::string clip_page(const GalleryFilm& film, const GalleryClip& clip, const std::string& base_url) {
  const VideoFacts facts = facts_of(film, clip, base_url);
  std::string body = "<h1 id=\"clip-title\">" + text::escape_html_text(clip.title) + "</h1><ul class=\"facts\">";
  body += clip.ok ? "<li><b>Status</b>ok</li>" : "<li><b>Status</b>failed</li>";
  body += html::fact("Film", film.title());
  body += html::fact("File", clip.name);
  body += html::fact("Duration", clock_duration(clip.duration_seconds));
  body += "</ul>\n" + failure(clip);

  body += "<div class=\"layout\" style=\"margin-top:18px\"><div>" + player(clip) + "</div>" + side_panel(clip) + "</div>";
  body += shot_strip(clip) + posters(clip);
  if (!clip.contact_sheet.empty()) {
    const std::string url = url_path(clip.contact_sheet);
    body += "<h2>Contact sheet</h2><div class=\"sheet\"><a href=\"" + text::escape_html_attr(url) + "\">" +
            html::img(url, "Contact sheet of " + clip.title) + "</a></div>\n";
  }
  body += scene_list(clip);
  if (clip.ok) {
    body += base_url.empty() ? "<h2>Snippets</h2><p class=\"muted small\">URLs are relative to this clip's folder: "
                               "prefix them with the address you publish it at, or run with <code>--base-url</code>.</p>"
                             : "<h2>Snippets</h2>";
    body += snippet("snippet-meta", "Open Graph and Twitter card", open_graph_tags(facts));
    body += snippet("snippet-jsonld", "JSON-LD VideoObject", json_ld_script(facts));
    body += snippet("snippet-embed", "Embed", embed_video_tag(facts));
  }
  // hls.js, shipped at the top of OUT, plays the stream where the browser has no native HLS (Chromium,
  // Firefox); loaded before the page's script, which uses it.
  if (!clip.stream.empty() && !clip.stream_player.empty() && !clip.renditions.empty()) {
    // A path of the gallery's own ("../../hls.min.js"), not a name from a clip: url_path would encode
    // its ".." segments.
    body += "<script src=\"" + text::escape_html_attr(clip.stream_player) + "\"></script>\n";
  }
  if (!clip.storyboard_vtt.empty()) {
    body += "<script type=\"application/json\" id=\"storyboard-vtt\">" + json_for_script(clip.storyboard_vtt) +
            "</script>\n";
  }
  // The page itself carries the tags it offers, so sharing it shows the clip.
  const std::string head = clip.ok ? open_graph_tags(facts) + json_ld_script(facts) : std::string();
  const std::string crumbs = "<a href=\"../../index.html\">All films</a> / <a href=\"../index.html\">" +
                             text::escape_html_text(film.title()) + "</a> / " + text::escape_html_text(clip.title);
  return html::page(facts.title, crumbs, body, head, gallery_clip_js);
}

}  // namespace pressreel::batch
