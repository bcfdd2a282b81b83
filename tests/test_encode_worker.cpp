// The thread each preview rendition encodes on: jobs in the order posted, a failure handed back.
#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <vector>

#include "preview/encode_worker.hpp"

namespace {

using pressreel::preview::EncodeWorker;
using pressreel::preview::worker_setup;

TEST(EncodeWorker, RunsEveryJobInTheOrderPostedBeforeFinishReturns) {
  std::vector<int> ran;  // the worker's only until finish returns
  EncodeWorker worker(2);  // a short queue: post waits for room most of the time
  for (int i = 0; i < 200; ++i) worker.post([&ran, i] { ran.push_back(i); });
  worker.finish();
  ASSERT_EQ(ran.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(ran[i], i);
}

TEST(EncodeWorker, AFailedJobStopsTheWorkerAndItsErrorComesBack) {
  int ran_after = 0;
  EncodeWorker worker(4);
  worker.post([] { throw std::runtime_error("clip.mp4: preview: writing preview-1080p.mp4: No space left"); });
  // Later jobs either are refused by post (once the failure is known) or dropped by the worker.
  bool refused = false;
  for (int i = 0; i < 100 && !refused; ++i) {
    try {
      worker.post([&ran_after] { ++ran_after; });
    } catch (const std::runtime_error& e) {
      refused = true;
      EXPECT_STREQ(e.what(), "clip.mp4: preview: writing preview-1080p.mp4: No space left");
    }
  }
  EXPECT_THROW(worker.finish(), std::runtime_error);
  EXPECT_EQ(ran_after, 0);
}

TEST(EncodeWorker, ADestroyedWorkerThatWasNeverFinishedStops) {
  int ran = 0;
  {
    EncodeWorker worker(8);
    for (int i = 0; i < 8; ++i) worker.post([&ran] { ++ran; });
  }  // as when the decode pass fails elsewhere: no hang, no job after the worker is gone
  EXPECT_LE(ran, 8);
}

// The nice value of the calling thread alone (Linux keeps one per thread).
int this_thread_nice() {
  errno = 0;
  return ::getpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)));
}

TEST(EncodeWorker, ANiceWorkerRunsItsJobsAtLowerPriorityAndLeavesItsCallerAlone) {
  const int caller = this_thread_nice();
  if (caller > 14) GTEST_SKIP() << "the test already runs at nice " << caller;
  int in_job = -100, in_plain_job = -100;
  EncodeWorker nice(4, 5), plain(4);
  nice.post([&in_job] { in_job = this_thread_nice(); });
  plain.post([&in_plain_job] { in_plain_job = this_thread_nice(); });
  nice.finish();
  plain.finish();
  EXPECT_EQ(in_job, caller + 5);
  EXPECT_EQ(in_plain_job, caller);
  EXPECT_EQ(this_thread_nice(), caller);
}

TEST(EncodeWorkerSetup, TheLargestRenditionKeepsItsPrioritySmallerOnesYieldEveryQueueHoldsASecondOf720p) {
  const int p1080 = 1920 * 1080, p720 = 1280 * 720, p480 = 854 * 480, p240 = 426 * 240;
  EXPECT_EQ(worker_setup(p1080, p1080).niceness, 0);
  // Every queue holds the bytes of 24 pictures of 720p.
  EXPECT_EQ(worker_setup(p1080, p1080).depth, 10u);
  EXPECT_EQ(worker_setup(p720, p1080).niceness, 19);
  EXPECT_EQ(worker_setup(p720, p1080).depth, 24u);
  EXPECT_EQ(worker_setup(p720, p720).depth, 24u);
  EXPECT_EQ(worker_setup(p480, p1080).depth, 53u);
  EXPECT_EQ(worker_setup(p240, p1080).depth, 64u);  // 216 by bytes, capped
  EXPECT_EQ(worker_setup(1920 * 4, 1920 * 1080).depth, 64u);
  EXPECT_EQ(worker_setup(p480, p480).niceness, 0);  // a single rendition is the largest
}

}  // namespace
