#pragma once
// Film and clip names become folder names in OUT: never "..", never a path separator, control,
// invisible or bidirectional character, never empty, never starting with "." or "-". Letters of any
// script survive (well-formed UTF-8 is kept), so names stay readable.

#include <set>
#include <string>
#include <string_view>

namespace pressreel::batch {

std::string slugify(std::string_view name);

// slugify, then "-2", "-3"... until the result is not in `taken`; inserts it.
std::string unique_slug(std::string_view name, std::set<std::string>& taken);

}  // namespace pressreel::batch
