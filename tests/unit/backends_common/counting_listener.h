// SPDX-License-Identifier: MIT
// Counts hotplug notifications; tests wait on it (10 s hang guard), never sleep.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "backends/backend.h"

namespace usermedia::testing {

class CountingListener final : public HotplugListener
{
public:
    void onDevicesChanged() override
    {
        std::lock_guard lock(mutex_);
        ++count_;
        changed_.notify_all();
    }
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

} // namespace usermedia::testing
