// SPDX-License-Identifier: MIT
#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <usermedia/clock.h>

namespace usermedia {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

TEST(ManualClock, AdvanceWakesEachDeadlineInOrderAndWaitsForTheWork)
{
    ManualClock clock(milliseconds(0));
    auto sleeper = clock.createSleeper();
    std::vector<nanoseconds> seen; // written by the worker only while advance() waits
    std::thread worker([&] {
        for (int i = 1; i <= 5; ++i) {
            if (!sleeper->sleepUntil(milliseconds(10 * i)))
                return;
            seen.push_back(clock.now());
        }
        sleeper->sleepUntil(milliseconds(1000000));
    });
    clock.advance(milliseconds(25));
    ASSERT_EQ(seen.size(), 2U); // deterministic: advance returned after the work at 10 and 20
    EXPECT_EQ(seen[0], milliseconds(10));
    EXPECT_EQ(seen[1], milliseconds(20));
    EXPECT_EQ(clock.now(), milliseconds(25));
    clock.advance(milliseconds(100));
    EXPECT_EQ(seen.size(), 5U);
    EXPECT_EQ(seen[4], milliseconds(50));
    sleeper->interrupt();
    worker.join();
}

TEST(ManualClock, InterruptEndsSleepForGood)
{
    ManualClock clock;
    auto sleeper = clock.createSleeper();
    std::atomic<int> results{-1};
    std::thread worker(
            [&] { results = sleeper->sleepUntil(clock.now() + milliseconds(5)) ? 1 : 0; });
    clock.settle(); // the worker is asleep now
    sleeper->interrupt();
    worker.join();
    EXPECT_EQ(results.load(), 0);
    EXPECT_FALSE(sleeper->sleepUntil(clock.now()));
}

TEST(ManualClock, SleeperDueAlreadyDoesNotBlock)
{
    ManualClock clock(milliseconds(100));
    auto sleeper = clock.createSleeper();
    EXPECT_TRUE(sleeper->sleepUntil(milliseconds(50)));
}

TEST(SystemClock, IsMonotonicAndSleeps)
{
    auto clock = systemClock();
    const auto start = clock->now();
    auto sleeper = clock->createSleeper();
    EXPECT_TRUE(sleeper->sleepUntil(start + milliseconds(1)));
    EXPECT_GE(clock->now(), start + milliseconds(1));
    sleeper->interrupt();
    EXPECT_FALSE(sleeper->sleepUntil(clock->now() + std::chrono::hours(1)));
}

} // namespace
} // namespace usermedia
