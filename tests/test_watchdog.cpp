// The per-clip watchdog: a clip that stops making progress becomes a clear error, never a hang, and
// the rest of the batch goes on.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <atomic>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "batch/watchdog.hpp"
#include "test_support.hpp"

namespace {

using namespace pressreel;
using namespace std::chrono_literals;
using pressreel::testing::TempDir;
using pressreel::testing::read_text;
using pressreel::testing::read_json;
namespace fs = std::filesystem;

// Waits (bounded) until the watchdog trips; the bound only keeps a broken watchdog from hanging the test.
std::optional<batch::WatchdogTrip> wait_for_trip(const batch::Watchdog& watchdog, std::chrono::milliseconds bound) {
  const auto until = std::chrono::steady_clock::now() + bound;
  while (!watchdog.tripped() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(5ms);
  return watchdog.tripped();
}

batch::WatchdogOptions allowances(double stall_seconds, double budget_seconds = 0) {
  batch::WatchdogOptions options;
  options.stall_seconds = stall_seconds;
  options.budget_seconds = budget_seconds;
  return options;
}

TEST(Watchdog, AStageThatStopsReportingProgressIsStopped) {
  batch::Watchdog watchdog(allowances(0.5));
  watchdog.enter("decode", true);
  // Progress every 50 ms for half a second: pauses a tenth of the allowance (room for a busy host), no trip.
  for (int i = 0; i < 10; ++i) {
    std::this_thread::sleep_for(50ms);
    watchdog.progress();
  }
  EXPECT_FALSE(watchdog.tripped());
  EXPECT_FALSE(watchdog.cancel_flag()->load());

  const auto trip = wait_for_trip(watchdog, 5000ms);
  ASSERT_TRUE(trip);
  EXPECT_EQ(trip->stage, "decode");
  EXPECT_EQ(trip->cause, "watchdog: no progress for 0.5 s in stage decode");
  EXPECT_TRUE(watchdog.cancel_flag()->load());  // what every read of the clip polls
}

TEST(Watchdog, StagesWithoutProgressAreBoundedByTheBudgetAlone) {
  batch::Watchdog watchdog(allowances(0.05, 1.5));
  watchdog.enter("stills");  // face detection has no unit of progress: no stall check
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(watchdog.tripped());
  const auto trip = wait_for_trip(watchdog, 5000ms);
  ASSERT_TRUE(trip);
  EXPECT_EQ(trip->stage, "stills");
  EXPECT_EQ(trip->cause, "watchdog: over the time budget of 1.5 s in stage stills");
}

TEST(Watchdog, ALimitCheckedWhileTheClipRunsStopsIt) {
  std::atomic<int> bytes_written{0};
  batch::WatchdogOptions options = allowances(10);
  options.check = [&]() -> std::optional<std::string> {
    if (bytes_written < 1000) return std::nullopt;
    return fmt::format("limits: {} bytes written", bytes_written.load());
  };
  batch::Watchdog watchdog(options);
  watchdog.enter("decode", true);
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(watchdog.tripped());
  bytes_written = 4096;
  const auto trip = wait_for_trip(watchdog, 5000ms);
  ASSERT_TRUE(trip);
  EXPECT_EQ(trip->cause, "limits: 4096 bytes written");
}

TEST(Watchdog, AStopFromOutsideIsPassedOn) {
  std::atomic<bool> batch_stop{false};
  batch::WatchdogOptions options = allowances(10);
  options.outer_cancel = &batch_stop;
  batch::Watchdog watchdog(options);
  watchdog.enter("teaser");
  batch_stop = true;
  const auto trip = wait_for_trip(watchdog, 5000ms);
  ASSERT_TRUE(trip);
  EXPECT_EQ(trip->cause, "cancelled in stage teaser");
  EXPECT_TRUE(watchdog.cancel_flag()->load());
}

TEST(Watchdog, FinishedItNeverTrips) {
  batch::Watchdog watchdog(allowances(0.05, 0.05));
  watchdog.enter("decode", true);
  watchdog.finish();
  std::this_thread::sleep_for(200ms);
  EXPECT_FALSE(watchdog.tripped());
}



// A real stall: an MPEG program stream whose last gigabyte is a hole of zeros (a sparse file here;
// a damaged disk image or a crafted upload elsewhere). The demuxer scans the hole for the next start
// code, a few bytes at a time, without ever producing a packet: minutes of "decoding" with no frame.
// Without the watchdog this clip would come out "ok" after that scan (20 s of frames and a clean end
// of file); with it, it fails after stall_seconds without a frame, and the clip next to it completes.
TEST(WatchdogRun, AStalledDecodeFailsItsClipWithTheWatchdogsCauseAndTheBatchGoesOn) {
  TempDir dir;
  const fs::path film = dir / "in" / "stalls";
  fs::create_directories(film);
  // 20 s of video: the probe (5 s of analysis, 400 packets of timing) is done before it reaches the
  // hole; the decode pass is not.
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25", "-frames:v", "500", "-c:v",
                              "mpeg2video", "-f", "vob"},
                             film / "hole.mpg");
  fs::resize_file(film / "hole.mpg", uintmax_t{1} << 30);  // sparse: no disk space used
  pressreel::testing::make_test_clip(film / "fine.mp4", 25, "25");

  std::ofstream(dir / "stall.toml") << "[outputs]\npreviews = false\nteaser = false\n"
                                       "[limits]\nstall_seconds = 2.0\n";
  std::string stdout_text;
  const int rc = pressreel::testing::run_command(
      fmt::format("{} --quiet run '{}' -o '{}' --pipeline '{}' --json --report '{}'", pressreel::testing::cli(),
                  (dir / "in").string(), (dir / "out").string(), (dir / "stall.toml").string(),
                  (dir / "report.xml").string()),
      &stdout_text);
  EXPECT_EQ(rc, 1) << stdout_text;
  const auto report = nlohmann::json::parse(stdout_text);
  ASSERT_EQ(report["clips"].size(), 2u) << report.dump(2);
  const auto& fine = report["clips"][0];
  const auto& hole = report["clips"][1];
  EXPECT_EQ(fine["clip"], "fine");
  EXPECT_EQ(fine["status"], "ok");
  ASSERT_EQ(hole["clip"], "hole");
  EXPECT_EQ(hole["status"], "failed");
  EXPECT_EQ(hole["stage"], "decode");
  const std::string cause = "watchdog: no progress for 2 s in stage decode";
  EXPECT_NE(hole["error"].get<std::string>().find(cause), std::string::npos) << hole["error"];

  const auto manifest = read_json(dir / "out" / "stalls" / "hole" / "manifest.json");
  EXPECT_EQ(manifest["status"], "failed");
  EXPECT_EQ(manifest["error"]["stage"], "decode");
  EXPECT_NE(manifest["error"]["message"].get<std::string>().find(cause), std::string::npos);
  EXPECT_NE(read_text(dir / "report.xml").find(cause), std::string::npos);
}

}  // namespace
