// The thread each preview rendition encodes on: jobs in the order posted, a failure handed back.
#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "preview/encode_worker.hpp"

namespace {

using pressreel::preview::EncodeWorker;

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

}  // namespace
