#pragma once
// Escaping for the gallery's pages beyond HTML text and attributes (text/markup.hpp): JSON in a
// <script> element and relative URLs. Everything that comes from a clip, its metadata or film.toml is
// untrusted and passes through one of these.

#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace pressreel::batch {

// JSON that may sit inside a <script> element (application/ld+json or application/json): < > & and
// U+2028/U+2029 become \u escapes, so no "</script>" or "<!--" can end or change the element.
// Invalid UTF-8 is replaced rather than thrown on.
std::string json_for_script(const nlohmann::json& value, int indent = -1);

// One path segment of a relative URL: every byte outside RFC 3986's unreserved set is
// percent-encoded (UTF-8 letters of slugs included), so a segment never reads as a scheme ("a:b"),
// a query, a fragment or a parent folder.
std::string url_segment(std::string_view segment);
// A relative path ("stills/shot-001.jpg") as a URL: each '/'-separated segment encoded.
std::string url_path(std::string_view relative_path);

}  // namespace pressreel::batch
