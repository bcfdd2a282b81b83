// The run report as JUnit XML, which every CI system renders: one test case per clip.
#include <fmt/format.h>

#include "pressreel/batch/batch_run.hpp"
#include "text/markup.hpp"

namespace pressreel::batch {

std::string to_junit(const RunReport& report) {
  std::string cases;
  for (const auto& c : report.clips) {
    cases += fmt::format("    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" time=\"{:.3f}\"",
                         text::escape_xml(c.film_slug), text::escape_xml(c.clip_slug),
                         text::escape_xml(c.source.string()), c.seconds);
    if (c.ok && !c.skipped) {
      cases += "/>\n";
    } else if (c.skipped) {
      cases += ">\n      <skipped message=\"up to date\"/>\n    </testcase>\n";
    } else {
      cases += fmt::format(">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                           text::escape_xml(c.error), text::escape_xml(c.stage), text::escape_xml(c.error));
    }
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"{0}\" failures=\"{1}\" skipped=\"{2}\" "
      "time=\"{3:.3f}\">\n  <testsuite name=\"pressreel\" tests=\"{0}\" failures=\"{1}\" skipped=\"{2}\" "
      "time=\"{3:.3f}\">\n{4}  </testsuite>\n</testsuites>\n",
      report.clips.size(), report.failed(), report.skipped_up_to_date(), report.seconds, cases);
}

}  // namespace pressreel::batch
