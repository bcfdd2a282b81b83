#pragma once
// Time as a value type holding a rational (after OpenTimelineIO's RationalTime): never a float of
// seconds passed around. Seconds, stream PTS and printable timecodes are derived here, in one place.

#include <compare>
#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

extern "C" {
#include <libavutil/rational.h>
}

namespace pressreel::media {

// A rational number that survives comparison and printing ("30000/1001").
struct Rational {
  int64_t num = 0;
  int64_t den = 1;

  static Rational from_av(AVRational r) { return {r.num, r.den}; }
  AVRational to_av() const { return AVRational{static_cast<int>(num), static_cast<int>(den)}; }
  double to_double() const { return den == 0 ? 0.0 : static_cast<double>(num) / static_cast<double>(den); }
  bool valid() const { return num > 0 && den > 0; }
  std::string str() const;  // "num/den"
  bool operator==(const Rational&) const = default;
};

// `ticks` units of `time_base` seconds.
class RationalTime {
 public:
  constexpr RationalTime() = default;
  constexpr RationalTime(int64_t ticks, AVRational time_base) : ticks_(ticks), time_base_(time_base) {}
  static RationalTime from_seconds(double seconds, AVRational time_base);

  int64_t ticks() const { return ticks_; }
  AVRational time_base() const { return time_base_; }
  double seconds() const;
  // The same instant in another time base (rounded to nearest).
  RationalTime rescaled(AVRational time_base) const;
  // Time as an exact fraction of seconds, reduced: "1001/30000" style, for JSON.
  std::string fraction() const;
  // "HH:MM:SS.mmm" as PySceneDetect, WebVTT and most players print it.
  std::string timecode() const;
  // SMPTE "HH:MM:SS:FF" at a nominal frame rate (non-drop), as CMX 3600 EDLs want.
  std::string smpte(Rational fps) const;

  // Sums and differences are exact: in a base both operands' bases are whole multiples of.
  RationalTime operator-(const RationalTime& other) const;
  RationalTime operator+(const RationalTime& other) const;
  std::strong_ordering operator<=>(const RationalTime& other) const;
  bool operator==(const RationalTime& other) const { return (*this <=> other) == 0; }

 private:
  int64_t ticks_ = 0;
  AVRational time_base_{1, 1};
};

// A stretch of clip time, half-open as OpenTimelineIO's TimeRange: [start, end). A range ending at t
// does not contain t, so two ranges that meet (a shot and the next) share no instant, and a range
// with end == start is empty. The bounds keep their own time bases; duration() is exact in the finer.
struct TimeRange {
  RationalTime start, end;

  RationalTime duration() const { return end - start; }
  bool empty() const { return !(start < end); }
  bool contains(const RationalTime& t) const { return start <= t && t < end; }
  bool operator==(const TimeRange&) const = default;
};

// A point in time as manifests write it: {"seconds", "timecode", "fraction"}: one form everywhere.
nlohmann::json time_json(const RationalTime& t);

// Formats seconds as "HH:MM:SS.mmm" (for durations that are already plain numbers, e.g. probe output).
std::string format_timecode(double seconds);

}  // namespace pressreel::media
