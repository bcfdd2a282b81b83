#pragma once
// UTF-8 as it arrives from clip metadata and folder names: untrusted, possibly invalid. Decoding never
// throws; every ill-formed sequence becomes U+FFFD, as the Unicode standard recommends.

#include <string>
#include <string_view>

namespace pressreel::text {

inline constexpr char32_t replacement_character = U'\uFFFD';

// Code points of `text`; overlong forms, surrogates, values above U+10FFFF and truncated sequences
// each become one U+FFFD per maximal ill-formed subpart.
std::u32string decode_utf8(std::string_view text);
std::string encode_utf8(std::u32string_view code_points);
// `text` as valid UTF-8, with control characters (C0, DEL, C1; tabs and newlines included) turned
// into spaces, so a single-line label stays single-line.
std::string sanitize_utf8(std::string_view text);

}  // namespace pressreel::text
