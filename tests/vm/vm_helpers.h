// SPDX-License-Identifier: MIT
// What the VM tests share: a MediaDevices context that allows everything, polling the kernel
// with a guard, and the unload/reload check of a driver's devicechange.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <usermedia/usermedia.h>

namespace usermedia::vmtest {

using namespace std::chrono_literals;

// For the kernel's own pace (module unload, asynchronous teardown): waits for \p done with a
// 10 s guard, checking every few milliseconds.
template <typename Predicate>
bool eventually(Predicate done)
{
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

// A context that grants every request, with its store in the VM's /tmp.
inline MediaDevices makeDevices()
{
    MediaDevicesOptions options;
    options.ignoreEnvironment = true;
    options.origin = "vm.usermedia";
    options.permissionPolicy = PermissionPolicy::AllowAll;
    options.permissionStoreDirectory = "/tmp/um-permissions";
    auto devices = MediaDevices::create(options);
    EXPECT_TRUE(devices.has_value()) << (devices ? "" : devices.error().toString());
    return std::move(devices).value();
}

// How many devices of \p kind the context lists now.
inline int countDevices(MediaDevices& devices, MediaDeviceKind kind)
{
    auto list = devices.enumerateDevices().waitFor(10s);
    int count = 0;
    for (const auto& info : list&&* list ? **list : std::vector<MediaDeviceInfo>{})
        count += info.kind == kind ? 1 : 0;
    return count;
}

// Counts a context's devicechange events; the state is shared with the listener, which may run
// while the test returns.
class DeviceChanges
{
public:
    explicit DeviceChanges(MediaDevices& devices)
    {
        devices.addEventListener("devicechange", [state = state_] {
            std::lock_guard lock(state->mutex);
            ++state->count;
            state->changed.notify_all();
        });
    }
    int count() const
    {
        std::lock_guard lock(state_->mutex);
        return state_->count;
    }
    bool waitAbove(int count) const
    {
        std::unique_lock lock(state_->mutex);
        return state_->changed.wait_for(lock, 10s, [&] { return state_->count > count; });
    }

private:
    struct State
    {
        std::mutex mutex;
        std::condition_variable changed;
        int count = 0;
    };
    std::shared_ptr<State> state_ = std::make_shared<State>();
};

// Unloads \p module and loads it again (run-in-vm.sh's $UMVM_MODULE_<name>) while a context
// listens: each step fires devicechange (within 10 s) and enumerateDevices() follows, the
// module's \p provided devices of \p kind going and coming back.
inline void expectDeviceChangeOnReload(const std::string& module, MediaDeviceKind kind,
                                       int provided)
{
    std::string variable = module;
    for (char& c : variable)
        c = c == '-' ? '_' : c;
    if (std::system(("test -n \"$UMVM_MODULE_" + variable + "\"").c_str()) != 0)
        GTEST_SKIP() << "run-in-vm.sh did not say how " << module << " was loaded";
    auto devices = makeDevices();
    const DeviceChanges changes(devices);
    const int loaded = countDevices(devices, kind);
    ASSERT_GE(loaded, provided);
    const auto start = std::chrono::steady_clock::now();
    // The module may still be held for a moment by the previous tests' teardown.
    ASSERT_TRUE(eventually(
            [&] { return std::system(("rmmod " + module + " 2>/dev/null").c_str()) == 0; }));
    ASSERT_TRUE(changes.waitAbove(0));
    std::printf("rmmod %s: devicechange after %lld ms\n", module.c_str(),
                static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                               std::chrono::steady_clock::now() - start)
                                               .count()));
    EXPECT_TRUE(eventually([&] { return countDevices(devices, kind) == loaded - provided; }));
    const int seen = changes.count();
    ASSERT_EQ(std::system(("$UMVM_MODULE_" + variable).c_str()), 0);
    ASSERT_TRUE(changes.waitAbove(seen));
    EXPECT_TRUE(eventually([&] { return countDevices(devices, kind) == loaded; }));
}

} // namespace usermedia::vmtest
