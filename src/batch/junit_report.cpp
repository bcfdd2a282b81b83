// The run report as JUnit XML, which every CI system renders: one test case per clip.
#include <fmt/format.h>

#include "pressreel/batch/batch_run.hpp"
#include "text/utf8.hpp"

namespace pressreel::batch {
namespace {

std::string xml_escape(std::string_view raw) {
  // Names come from the file system, in any bytes: an XML document must be valid UTF-8.
  const std::string text = text::encode_utf8(text::decode_utf8(raw));
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 has no place for other control characters.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') {
          out += '?';
        } else {
          out += c;
        }
    }
  }
  return out;
}

}  // namespace

std::string to_junit(const RunReport& report) {
  std::string cases;
  for (const auto& c : report.clips) {
    cases += fmt::format("    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" time=\"{:.3f}\"", xml_escape(c.film_slug),
                         xml_escape(c.clip_slug), xml_escape(c.source.string()), c.seconds);
    if (c.ok && !c.skipped) {
      cases += "/>\n";
    } else if (c.skipped) {
      cases += ">\n      <skipped message=\"up to date\"/>\n    </testcase>\n";
    } else {
      cases += fmt::format(">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                           xml_escape(c.error), xml_escape(c.stage), xml_escape(c.error));
    }
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"{0}\" failures=\"{1}\" skipped=\"{2}\" "
      "time=\"{3:.3f}\">\n  <testsuite name=\"pressreel\" tests=\"{0}\" failures=\"{1}\" skipped=\"{2}\" "
      "time=\"{3:.3f}\">\n{4}  </testsuite>\n</testsuites>\n",
      report.clips.size(), report.failed(), report.skipped_up_to_date(), report.seconds, cases);
}

}  // namespace pressreel::batch
