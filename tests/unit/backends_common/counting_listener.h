// SPDX-License-Identifier: MIT
// Counts events (hotplug notifications, "ended", "devicechange"); tests wait on the count with a
// 10 s hang guard, never sleep. Thread: fire() from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "backends/backend.h"

namespace usermedia::testing {

class EventCounter
{
public:
    void fire()
    {
        std::lock_guard lock(mutex_);
        ++count_;
        changed_.notify_all();
    }
    /** Whether \p count events came within 10 s. */
    bool waitFor(int count)
    {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, std::chrono::seconds(10), [&] { return count_ >= count; });
    }
    int count()
    {
        std::lock_guard lock(mutex_);
        return count_;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int count_ = 0;
};

/** An EventCounter as a backend's hotplug listener. */
class CountingListener final : public HotplugListener, public EventCounter
{
public:
    void onDevicesChanged() override { fire(); }
};

} // namespace usermedia::testing
