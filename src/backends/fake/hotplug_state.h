// SPDX-License-Identifier: MIT
// What the fake backend and its open devices share: which devices were unplugged, and who to
// tell when that happens. Devices keep it alive, so they may outlive their backend.
#pragma once

#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "backends/backend.h"

namespace usermedia::fake {

/** Thread: all members thread-safe. */
class HotplugState
{
public:
    bool isUnplugged(std::string_view id) const
    {
        std::lock_guard lock(mutex_);
        return unplugged_.find(id) != unplugged_.end();
    }

    /** \brief Marks \p id gone for good. Thread: any. */
    void markUnplugged(std::string_view id)
    {
        std::lock_guard lock(mutex_);
        unplugged_.emplace(id);
    }

    /** \brief Tells the listener, if any, that the devices changed. Thread: any. */
    void notifyChanged()
    {
        // Held while the listener runs, so that once setListener() returns the old listener is
        // never called again and may be destroyed. Recursive: the listener may call watch().
        std::lock_guard lock(listenerMutex_);
        if (listener_ != nullptr)
            listener_->onDevicesChanged();
    }

    /** \brief Sets (or with nullptr removes) the listener; waits for a call in progress. */
    void setListener(HotplugListener* listener)
    {
        std::lock_guard lock(listenerMutex_);
        listener_ = listener;
    }

private:
    mutable std::mutex mutex_;
    std::set<std::string, std::less<>> unplugged_; // guarded by mutex_
    std::recursive_mutex listenerMutex_;
    HotplugListener* listener_ = nullptr; // guarded by listenerMutex_
};

} // namespace usermedia::fake
