#pragma once
// The gallery's style sheet and script, inlined into each page so the gallery opens from disk or
// any static server with nothing fetched from elsewhere (no CDN, no web font: system fonts only).

#include <string_view>

namespace pressreel::batch {

extern const std::string_view gallery_css;
// The clip page's behaviour: the adaptive stream (MP4 as fallback), storyboard hover tiles (the VTT
// parsed in the page), shot strip and scrub bar seeking, copy buttons.
extern const std::string_view gallery_clip_js;

}  // namespace pressreel::batch
