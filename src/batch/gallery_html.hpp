#pragma once
// Building blocks shared by the gallery's pages (private to src/batch/gallery_*.cpp).

#include <string>
#include <string_view>

namespace pressreel::batch::html {

// A whole page: inline style sheet, no external resource, `root` = relative path to OUT ("", "../").
std::string page(std::string_view title, std::string_view crumbs, std::string_view body,
                 std::string_view head_extra = {}, std::string_view script = {});

// <img>; `url` is already URL-encoded, `alt` raw text. Lazy below the fold keeps long shot lists light.
std::string img(std::string_view url, std::string_view alt, bool lazy = true, int width = 0, int height = 0);
// A key/value chip for the facts row; both raw text. Empty values give nothing.
std::string fact(std::string_view key, std::string_view value);
// "00:01:02.500"
std::string timecode(double seconds);

}  // namespace pressreel::batch::html
