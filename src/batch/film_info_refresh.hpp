#pragma once
// film.toml edited after a clip was made: the clip's media and recipe are unchanged, so it is not
// redone, but everything that shows the film's information must show the new one.

#include <filesystem>

#include "pressreel/batch/film_info.hpp"
#include "pressreel/stills/contact_sheet.hpp"

namespace pressreel::batch {

// For an up-to-date clip in `clip_folder`: when its manifest's film_info differs from `info`, writes
// `info` into the manifest and, when the title changed, redraws the title on the clip's contact sheet
// (`sheet` is the recipe's sheet style, the one it was made with). The catalog, film pages and
// gallery are built from the manifests afterwards. Never throws: a failure is logged as a warning
// and the clip's outputs are left as they were. Returns whether the manifest was rewritten.
bool refresh_film_info(const std::filesystem::path& clip_folder, const FilmInfo& info,
                       const stills::SheetStyle& sheet);

}  // namespace pressreel::batch
