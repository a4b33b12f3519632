// SPDX-License-Identifier: MIT
#include "backends/common/node_hotplug.h"

#include <mutex>

#include "base/log.h"

namespace usermedia::backends {

// The listener, shared with open devices that may outlive the backend and report a vanished
// node.
struct NodeHotplug::Hub
{
    std::mutex mutex;
    HotplugListener* listener = nullptr;

    void notify()
    {
        std::lock_guard lock(mutex);
        if (listener != nullptr)
            listener->onDevicesChanged();
    }
};

NodeHotplug::NodeHotplug(std::string_view backend, std::string directory,
                         DirectoryWatcher::Filter isNode, bool enabled)
    : backend_(backend),
      enabled_(enabled),
      hub_(std::make_shared<Hub>()),
      watcher_(std::move(directory), std::move(isNode), [hub = hub_] { hub->notify(); })
{}

NodeHotplug::~NodeHotplug()
{
    watcher_.stop();
}

void NodeHotplug::watch(HotplugListener* listener)
{
    {
        std::lock_guard lock(hub_->mutex);
        hub_->listener = listener;
    }
    if (listener == nullptr) {
        watcher_.stop();
    } else if (enabled_) {
        if (auto started = watcher_.start(); !started)
            UM_LOG(Hotplug, Warn) << backend_ << ": " << started.error().message << "; no hotplug";
    }
}

std::function<void()> NodeHotplug::notifier() const
{
    return [hub = std::weak_ptr<Hub>(hub_)] {
        if (auto locked = hub.lock())
            locked->notify();
    };
}

} // namespace usermedia::backends
