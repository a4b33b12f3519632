// SPDX-License-Identifier: MIT
#include <thread>

#include <gtest/gtest.h>

#include <usermedia/promise.h>

namespace usermedia {
namespace {

TEST(Promise, ContinuationsRunOnceWithTheFirstResult)
{
    Promise<int> promise;
    int seen = 0;
    promise.then([&seen](const Result<int>& r) { seen = *r; });
    EXPECT_FALSE(promise.isSettled());
    EXPECT_TRUE(promise.settle(7));
    EXPECT_FALSE(promise.settle(8));
    EXPECT_EQ(seen, 7);
    int late = 0;
    promise.then([&late](const Result<int>& r) { late = *r; }); // runs at once
    EXPECT_EQ(late, 7);
    EXPECT_EQ(*promise.wait(), 7);
}

TEST(Promise, WaitBlocksUntilAnotherThreadSettles)
{
    Promise<void> promise;
    std::thread settler([promise] { promise.settle(Error{ErrorName::AbortError, "x", {}, 0}); });
    auto result = promise.wait();
    settler.join();
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().name, ErrorName::AbortError);
    EXPECT_FALSE(Promise<int>().waitFor(std::chrono::milliseconds(1)).has_value());
}

} // namespace
} // namespace usermedia
