#pragma once
// Escaping text for HTML and XML, one family: the gallery's pages and the JUnit report pass every
// untrusted string (clip names, metadata, film.toml, error messages) through one of these. The five
// markup characters are escaped the same way in both; where the two languages differ, the rules say
// so in one table:
//
//                       html_text      html_attribute  xml
//   & < > "             &amp; &lt; &gt; &quot;         (all three)
//   '                   &#39;          &#39;           &apos;   (&apos; is not HTML 4)
//   NUL                 dropped        dropped         ?        (neither language allows it at all)
//   other C0 controls   &#N;           &#N;            ?        (XML 1.0 forbids them, even as &#N;)
//   tab, LF, CR         kept           &#N;            kept     (a newline in a meta tag surprises)
//   DEL                 &#127;         &#127;          kept     (XML 1.0 allows it)
//   C1 (U+0080-U+009F)  U+FFFD         U+FFFD          kept     (&#128;-&#159; read as Windows-1252
//                                                                in HTML; XML 1.0 allows them)
//   invalid UTF-8       kept as bytes  kept as bytes   U+FFFD   (an XML parser rejects the document;
//                                                                the gallery's strings come from
//                                                                JSON and TOML, already valid)

#include <string>
#include <string_view>

namespace pressreel::text {

// What happens to one kind of character that cannot stand as itself.
enum class Unsafe {
  keep,              // written as it is
  drop,              // left out
  reference,         // a numeric character reference, &#N;
  question_mark,     // '?', where not even a reference is allowed
  replacement_char,  // U+FFFD
};

struct MarkupRules {
  std::string_view apostrophe;  // what ' becomes
  Unsafe nul;
  Unsafe c0_control;  // U+0001-U+001F but tab, LF and CR
  Unsafe whitespace;  // tab, LF, CR
  Unsafe del;
  Unsafe c1_control;
  bool repair_utf8;  // ill-formed sequences become U+FFFD first (per maximal subpart, as decode_utf8)
};

inline constexpr MarkupRules html_text_rules{.apostrophe = "&#39;",
                                             .nul = Unsafe::drop,
                                             .c0_control = Unsafe::reference,
                                             .whitespace = Unsafe::keep,
                                             .del = Unsafe::reference,
                                             .c1_control = Unsafe::replacement_char,
                                             .repair_utf8 = false};
inline constexpr MarkupRules html_attribute_rules{.apostrophe = "&#39;",
                                                  .nul = Unsafe::drop,
                                                  .c0_control = Unsafe::reference,
                                                  .whitespace = Unsafe::reference,
                                                  .del = Unsafe::reference,
                                                  .c1_control = Unsafe::replacement_char,
                                                  .repair_utf8 = false};
inline constexpr MarkupRules xml_rules{.apostrophe = "&apos;",
                                       .nul = Unsafe::question_mark,
                                       .c0_control = Unsafe::question_mark,
                                       .whitespace = Unsafe::keep,
                                       .del = Unsafe::keep,
                                       .c1_control = Unsafe::keep,
                                       .repair_utf8 = true};

std::string escape_markup(std::string_view text, const MarkupRules& rules);

// Text between HTML tags (quotes escaped too, so the same string is also safe in an attribute).
inline std::string escape_html_text(std::string_view text) {
  return escape_markup(text, html_text_rules);
}
// A double-quoted HTML attribute value. Attributes are always written with double quotes.
inline std::string escape_html_attr(std::string_view value) {
  return escape_markup(value, html_attribute_rules);
}
// XML 1.0 character data or a quoted attribute value.
inline std::string escape_xml(std::string_view text) {
  return escape_markup(text, xml_rules);
}

}  // namespace pressreel::text
