#include "pressreel/media/time.hpp"

#include <fmt/format.h>

#include <cmath>
#include <numeric>

extern "C" {
#include <libavutil/mathematics.h>
}

namespace pressreel::media {

std::string Rational::str() const { return fmt::format("{}/{}", num, den); }

RationalTime RationalTime::from_seconds(double seconds, AVRational time_base) {
  return {std::llround(seconds * time_base.den / time_base.num), time_base};
}

double RationalTime::seconds() const { return static_cast<double>(ticks_) * av_q2d(time_base_); }

RationalTime RationalTime::rescaled(AVRational time_base) const {
  return {av_rescale_q_rnd(ticks_, time_base_, time_base,
                           static_cast<AVRounding>(AV_ROUND_NEAR_INF | AV_ROUND_PASS_MINMAX)),
          time_base};
}

std::string RationalTime::fraction() const {
  int64_t num = ticks_ * time_base_.num;
  int64_t den = time_base_.den;
  const int64_t g = std::gcd(num, den);
  if (g > 1) num /= g, den /= g;
  return den == 1 ? fmt::format("{}", num) : fmt::format("{}/{}", num, den);
}

std::string RationalTime::timecode() const { return format_timecode(seconds()); }

std::string RationalTime::smpte(Rational fps) const {
  // Frame-accurate: count frames at the nominal (rounded) timebase rate, then split.
  const int64_t rate = fps.valid() ? std::llround(fps.to_double()) : 25;
  const int64_t frames = av_rescale_q_rnd(ticks_, time_base_, AVRational{static_cast<int>(fps.den), static_cast<int>(fps.num)},
                                          AV_ROUND_NEAR_INF);
  const int64_t ff = frames % rate;
  const int64_t total_s = frames / rate;
  return fmt::format("{:02}:{:02}:{:02}:{:02}", total_s / 3600, (total_s / 60) % 60, total_s % 60, ff);
}

RationalTime RationalTime::operator-(const RationalTime& other) const {
  return {ticks_ - other.rescaled(time_base_).ticks_, time_base_};
}

RationalTime RationalTime::operator+(const RationalTime& other) const {
  return {ticks_ + other.rescaled(time_base_).ticks_, time_base_};
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

}  // namespace pressreel::media
