// The two overview pages: every film (OUT/index.html) and one film with its clips.
#include <fmt/format.h>

#include "gallery_html.hpp"
#include "pressreel/batch/gallery.hpp"
#include "batch/gallery_escape.hpp"
#include "text/markup.hpp"

namespace pressreel::batch {
namespace {

using nlohmann::json;

std::string info_value(const json& info, const char* key) {
  if (!info.is_object() || !info.contains(key)) return {};
  const json& v = info[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return v.dump();
  return {};
}

// The cover of a film: the film poster, else its first clip that has one.
std::string film_cover(const GalleryFilm& film) {
  if (!film.poster.empty()) return url_path(film.poster);
  for (const GalleryClip& clip : film.clips) {
    const std::string cover = cover_image(clip);
    if (!cover.empty()) return url_segment(clip.clip_slug) + "/" + url_path(cover);
  }
  return {};
}

std::string thumb(const std::string& url, std::string_view alt) {
  if (url.empty()) return "<div class=\"thumb\"><span class=\"none\">no image</span></div>";
  return "<div class=\"thumb\">" + html::img(url, alt) + "</div>";
}

std::string failure_block(const GalleryClip& clip) {
  std::string out = "<div class=\"error\"><b>Failed";
  if (!clip.error_stage.empty()) out += " in " + text::escape_html_text(clip.error_stage);
  out += ":</b> " + text::escape_html_text(clip.error_message.empty() ? "no reason recorded" : clip.error_message);
  return out + "</div>";
}

std::string clip_card(const GalleryClip& clip) {
  const std::string href = url_segment(clip.clip_slug) + "/index.html";
  const std::string cover = cover_image(clip);
  std::string out = "<article class=\"card clip\">";
  out += "<a href=\"" + text::escape_html_attr(href) + "\">" +
         thumb(cover.empty() ? "" : url_segment(clip.clip_slug) + "/" + url_path(cover), clip.title) + "</a>";
  out += "<div class=\"body\"><h3><a href=\"" + text::escape_html_attr(href) + "\">" + text::escape_html_text(clip.title) +
         "</a></h3>";
  out += "<div class=\"muted small\">" + text::escape_html_text(clip.name) + "</div><div class=\"small\">";
  out += clip.ok ? "<span class=\"badge ok\">ok</span> " : "<span class=\"badge bad\">failed</span> ";
  out += text::escape_html_text(clock_duration(clip.duration_seconds));
  if (clip.width > 0) out += fmt::format(" · {}×{}", clip.width, clip.height);
  if (!clip.shots.empty()) out += fmt::format(" · {} shots", clip.shots.size());
  out += "</div>";
  if (!clip.ok) out += failure_block(clip);
  return out + "</div></article>\n";
}

}  // namespace

std::string index_page(const std::vector<GalleryFilm>& films) {
  size_t clips = 0;
  int failed = 0;
  double duration = 0;
  for (const GalleryFilm& f : films) {
    clips += f.clips.size();
    failed += f.failed;
    duration += f.duration_seconds;
  }
  std::string body = "<h1>Films</h1>";
  body += "<div class=\"stats\">";
  body += fmt::format("<div class=\"stat\"><b>{}</b><span>films</span></div>", films.size());
  body += fmt::format("<div class=\"stat\"><b>{}</b><span>clips</span></div>", clips);
  body += "<div class=\"stat\"><b>" + text::escape_html_text(clock_duration(duration)) + "</b><span>total</span></div>";
  body += fmt::format("<div class=\"stat\"><b>{}</b><span>failed</span></div></div>\n", failed);
  if (films.empty()) body += "<p class=\"muted\">No clip has finished yet.</p>";
  body += "<div class=\"grid\">\n";
  for (const GalleryFilm& film : films) {
    const std::string href = url_segment(film.slug) + "/index.html";
    const std::string cover = film_cover(film);
    body += "<article class=\"card film\"><a href=\"" + text::escape_html_attr(href) + "\">" +
            thumb(cover.empty() ? "" : url_segment(film.slug) + "/" + cover, film.title()) + "</a>";
    body += "<div class=\"body\"><h3><a href=\"" + text::escape_html_attr(href) + "\">" + text::escape_html_text(film.title()) +
            "</a></h3>";
    const std::string year = info_value(film.info, "year"), director = info_value(film.info, "director");
    std::string byline = year;
    if (!director.empty()) byline += (byline.empty() ? "" : " · ") + director;
    if (!byline.empty()) body += "<div class=\"muted small\">" + text::escape_html_text(byline) + "</div>";
    body += fmt::format("<div class=\"small\">{} clip{} · ", film.clips.size(), film.clips.size() == 1 ? "" : "s");
    body += text::escape_html_text(clock_duration(film.duration_seconds));
    body += film.failed > 0 ? fmt::format(" · <span class=\"badge bad\">{} failed</span>", film.failed) : "";
    body += "</div>";
    for (const GalleryClip& clip : film.clips) {
      if (!clip.ok) body += "<div class=\"error\"><b>" + text::escape_html_text(clip.name) + ":</b> " +
                            text::escape_html_text(clip.error_message) + "</div>";
    }
    body += "</div></article>\n";
  }
  body += "</div>\n";
  return html::page("Films", "<a href=\"index.html\">All films</a>", body);
}

std::string film_page(const GalleryFilm& film) {
  std::string body = "<h1>" + text::escape_html_text(film.title()) + "</h1><ul class=\"facts\">";
  for (const auto& [key, label] : {std::pair{"year", "Year"}, {"director", "Director"},
                                   {"distributor", "Distributor"}, {"release_date", "Release"}}) {
    body += html::fact(label, info_value(film.info, key));
  }
  body += fmt::format("<li><b>Clips</b>{}</li>", film.clips.size());
  body += "<li><b>Total</b>" + text::escape_html_text(clock_duration(film.duration_seconds)) + "</li>";
  if (film.failed > 0) body += fmt::format("<li><b>Failed</b>{}</li>", film.failed);
  body += "</ul>\n";
  if (film.info.is_object()) {
    for (const json& w : film.info.value("warnings", json::array())) {
      if (w.is_string()) body += "<p class=\"warn\">film.toml: " + text::escape_html_text(w.get<std::string>()) + "</p>";
    }
  }
  body += "<h2>Clips</h2><div class=\"grid\">\n";
  for (const GalleryClip& clip : film.clips) body += clip_card(clip);
  body += "</div>\n";
  if (!film.contact_sheet.empty()) {
    body += "<h2>Contact sheet</h2><div class=\"sheet\"><a href=\"" + text::escape_html_attr(url_path(film.contact_sheet)) +
            "\">" + html::img(url_path(film.contact_sheet), "Contact sheet of " + film.title()) + "</a></div>\n";
  }
  const std::string crumbs = "<a href=\"../index.html\">All films</a> / " + text::escape_html_text(film.title());
  return html::page(film.title(), crumbs, body);
}

}  // namespace pressreel::batch
