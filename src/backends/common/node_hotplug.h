// SPDX-License-Identifier: MIT
// A backend's hotplug from its device nodes: Backend::watch() over a DirectoryWatcher, telling
// the registry's listener. Shared by the V4L2 and ALSA backends.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "backends/backend.h"
#include "base/directory_watcher.h"

namespace usermedia::backends {

/** Thread: all members thread-safe; the listener is called on the watcher's thread. */
class NodeHotplug
{
public:
    /** Watches \p directory for entries \p isNode accepts, when \p enabled (tests turn it off). */
    NodeHotplug(std::string_view backend, std::string directory, DirectoryWatcher::Filter isNode,
                bool enabled);
    ~NodeHotplug();
    NodeHotplug(const NodeHotplug&) = delete;
    NodeHotplug& operator=(const NodeHotplug&) = delete;

    /** Backend::watch(): remembers \p listener; starts the watcher for one, stops it for null. */
    void watch(HotplugListener* listener);

    /**
     * Tells the listener, if any, that devices changed (an open device found its node gone). The
     * function stays safe to call after this object is destroyed (it then does nothing).
     */
    std::function<void()> notifier() const;

private:
    struct Hub;
    const std::string backend_;
    const bool enabled_;
    const std::shared_ptr<Hub> hub_;
    DirectoryWatcher watcher_; // last: stopped before the hub it calls goes
};

} // namespace usermedia::backends
