#include "pressreel/media/time.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <climits>
#include <cmath>
#include <numeric>

extern "C" {
#include <libavutil/mathematics.h>
}

namespace pressreel::media {

std::string Rational::str() const { return fmt::format("{}/{}", num, den); }

namespace {

// A time base FFmpeg can rescale to and from: a damaged container can say 0 (an MP4 mdhd timescale
// of 0) or a negative number.
bool usable(AVRational time_base) { return time_base.num > 0 && time_base.den > 0; }

// Sums and differences of times saturate instead of overflowing (a damaged clip's timestamps can sit
// at the ends of int64's range).
int64_t saturated(int64_t a, int64_t b, bool subtract) {
  int64_t out = 0;
  if (!(subtract ? __builtin_sub_overflow(a, b, &out) : __builtin_add_overflow(a, b, &out))) return out;
  return (subtract ? b < 0 : b > 0) ? INT64_MAX : INT64_MIN;
}

// The base a sum or difference is exact in: both bases are whole multiples of gcd(nums)/lcm(dens)
// (1/25 and 1/30 give 1/150; 1/1 and 1001/30000 give 1/30000). When that denominator does not fit an
// AVRational, the finer of the two, so no operand loses precision to the other's coarser base. An
// unusable base is no time at all: the other operand's base is kept.
AVRational common_base(AVRational a, AVRational b) {
  if (!usable(a)) return b;
  if (!usable(b)) return a;
  a = av_make_q(a.num / std::gcd(a.num, a.den), a.den / std::gcd(a.num, a.den));
  b = av_make_q(b.num / std::gcd(b.num, b.den), b.den / std::gcd(b.num, b.den));
  const int64_t den = std::lcm(int64_t{a.den}, int64_t{b.den});
  if (den <= INT_MAX) return av_make_q(std::gcd(a.num, b.num), static_cast<int>(den));
  return av_cmp_q(a, b) < 0 ? a : b;
}

}  // namespace

RationalTime RationalTime::from_seconds(double seconds, AVRational time_base) {
  if (!usable(time_base) || !std::isfinite(seconds)) return {0, time_base};
  const double ticks = seconds * time_base.den / time_base.num;
  // Beyond int64 llround has no answer; such a time is past the end of any clip.
  constexpr double limit = 9.2e18;
  return {std::llround(std::clamp(ticks, -limit, limit)), time_base};
}

double RationalTime::seconds() const {
  return usable(time_base_) ? static_cast<double>(ticks_) * av_q2d(time_base_) : 0.0;
}

RationalTime RationalTime::rescaled(AVRational time_base) const {
  if (!usable(time_base_) || !usable(time_base)) return {0, time_base};
  return {av_rescale_q_rnd(ticks_, time_base_, time_base,
                           static_cast<AVRounding>(AV_ROUND_NEAR_INF | AV_ROUND_PASS_MINMAX)),
          time_base};
}

std::string RationalTime::fraction() const {
  if (!usable(time_base_) || ticks_ == INT64_MIN) return "0";
  // Reduced against the denominator before multiplying, so ticks x num overflows only when the
  // reduced fraction itself cannot be written in int64; then seconds are the best there is.
  const int64_t g1 = std::gcd(ticks_, int64_t{time_base_.den});
  const int64_t ticks = ticks_ / g1;
  int64_t den = time_base_.den / g1;
  const int64_t g2 = std::gcd(int64_t{time_base_.num}, den);
  den /= g2;
  int64_t num = 0;
  if (__builtin_mul_overflow(ticks, int64_t{time_base_.num} / g2, &num)) return fmt::format("{}", seconds());
  return den == 1 ? fmt::format("{}", num) : fmt::format("{}/{}", num, den);
}

std::string RationalTime::timecode() const { return format_timecode(seconds()); }

std::string RationalTime::smpte(Rational fps) const {
  // Frame-accurate: count frames at the clip's rate, then split them at the nominal (rounded) rate,
  // so 29.97 fps reads as SMPTE's 30 non-drop. A rate that rounds to 0 (one frame in 1000 s, or the
  // 1/512 an MP4 with a timescale of 0 reports) has no nominal rate: its time is counted at 1 frame
  // a second, which keeps the timecode's seconds right instead of dividing by zero.
  if (!fps.valid() || fps.num > INT_MAX || fps.den > INT_MAX) fps = {25, 1};
  int64_t rate = std::llround(fps.to_double());
  AVRational frame_duration = av_inv_q(fps.to_av());
  if (rate < 1) rate = 1, frame_duration = AVRational{1, 1};
  // An unusable time base rescales to INT64_MIN: such a time prints as 0.
  const int64_t frames = std::max<int64_t>(0, av_rescale_q_rnd(ticks_, time_base_, frame_duration, AV_ROUND_NEAR_INF));
  const int64_t ff = frames % rate;
  const int64_t total_s = frames / rate;
  return fmt::format("{:02}:{:02}:{:02}:{:02}", total_s / 3600, (total_s / 60) % 60, total_s % 60, ff);
}

RationalTime RationalTime::operator-(const RationalTime& other) const {
  const AVRational base = common_base(time_base_, other.time_base_);
  return {saturated(rescaled(base).ticks_, other.rescaled(base).ticks_, true), base};
}

RationalTime RationalTime::operator+(const RationalTime& other) const {
  const AVRational base = common_base(time_base_, other.time_base_);
  return {saturated(rescaled(base).ticks_, other.rescaled(base).ticks_, false), base};
}

std::strong_ordering RationalTime::operator<=>(const RationalTime& other) const {
  const int c = av_compare_ts(ticks_, time_base_, other.ticks_, other.time_base_);
  return c < 0 ? std::strong_ordering::less : c > 0 ? std::strong_ordering::greater : std::strong_ordering::equal;
}

std::string format_timecode(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) seconds = 0;
  const auto total_ms = static_cast<int64_t>(std::llround(seconds * 1000.0));
  const int64_t ms = total_ms % 1000;
  const int64_t s = total_ms / 1000;
  return fmt::format("{:02}:{:02}:{:02}.{:03}", s / 3600, (s / 60) % 60, s % 60, ms);
}

nlohmann::json time_json(const RationalTime& t) {
  return {{"seconds", t.seconds()}, {"timecode", t.timecode()}, {"fraction", t.fraction()}};
}

}  // namespace pressreel::media
