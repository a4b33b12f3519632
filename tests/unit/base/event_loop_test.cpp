// SPDX-License-Identifier: MIT
#include "base/event_loop.h"

#include <future>
#include <vector>

#include <gtest/gtest.h>

namespace usermedia {
namespace {

TEST(EventLoop, RunsTasksInOrderOnItsOwnThread)
{
    EventLoop loop;
    std::vector<int> order;
    std::promise<bool> onLoop;
    for (int i = 0; i < 5; ++i)
        ASSERT_TRUE(loop.post([&order, i] { order.push_back(i); }));
    ASSERT_TRUE(loop.post([&] { onLoop.set_value(loop.isCurrent()); }));
    EXPECT_TRUE(onLoop.get_future().get());
    EXPECT_FALSE(loop.isCurrent());
    loop.stop();
    EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(EventLoop, StopRunsWhatIsQueuedThenRefusesNewTasks)
{
    EventLoop loop;
    int ran = 0;
    for (int i = 0; i < 100; ++i)
        loop.post([&ran] { ++ran; });
    loop.stop();
    EXPECT_EQ(ran, 100);
    EXPECT_FALSE(loop.post([&ran] { ++ran; }));
    EXPECT_EQ(ran, 100);
}

TEST(EventLoop, CanBeDestroyedByItsOwnTask)
{
    auto loop = std::make_shared<std::unique_ptr<EventLoop>>(std::make_unique<EventLoop>());
    std::promise<void> done;
    (*loop)->post([loop, &done] {
        loop->reset(); // the loop dies inside its own task
        done.set_value();
    });
    done.get_future().wait();
}

} // namespace
} // namespace usermedia
