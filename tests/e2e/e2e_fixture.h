// SPDX-License-Identifier: MIT
// Shared set-up for end-to-end tests: a MediaDevices on fake devices paced by a ManualClock,
// and small helpers to wait for events without sleeping.
#pragma once

#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <usermedia/usermedia.h>

namespace usermedia::testing {

/** Waits up to 10 s for a promise (a hang guard, not a timing assumption). */
template <typename T>
Result<T> await(const Promise<T>& promise)
{
    auto result = promise.waitFor(std::chrono::seconds(10));
    if (!result)
        return Error{ErrorName::AbortError, "timed out waiting for a promise", {}, 0};
    return *result;
}

/** Collects frames delivered to a sink (the capture thread writes, the test reads after). */
template <typename Frame>
class Collector
{
public:
    void add(const Frame& frame)
    {
        std::lock_guard lock(mutex_);
        frames_.push_back(frame);
    }
    std::vector<Frame> frames() const
    {
        std::lock_guard lock(mutex_);
        return frames_;
    }
    std::size_t size() const
    {
        std::lock_guard lock(mutex_);
        return frames_.size();
    }

private:
    mutable std::mutex mutex_;
    std::vector<Frame> frames_;
};

/** A one-shot event the control thread signals and the test awaits (10 s guard). */
class Signal
{
public:
    void notify()
    {
        std::lock_guard lock(mutex_);
        if (!fired_) {
            fired_ = true;
            promise_.set_value();
        }
    }
    bool wait() { return future_.wait_for(std::chrono::seconds(10)) == std::future_status::ready; }

private:
    std::mutex mutex_;
    bool fired_ = false;
    std::promise<void> promise_;
    std::future<void> future_ = promise_.get_future();
};

class E2eTest : public ::testing::Test
{
protected:
    /** A context on \p fakeDevices ("default" or JSON) that grants everything. */
    MediaDevices makeDevices(const std::string& fakeDevices = "default",
                             PermissionPolicy policy = PermissionPolicy::AllowAll,
                             PermissionPrompt prompt = {})
    {
        MediaDevicesOptions options;
        options.fakeDevices = fakeDevices;
        options.ignoreEnvironment = true;
        options.origin = "test.usermedia";
        options.permissionPolicy = policy;
        options.prompt = std::move(prompt);
        options.clock = clock_;
        auto devices = MediaDevices::create(options);
        EXPECT_TRUE(devices.has_value()) << (devices ? "" : devices.error().toString());
        return std::move(devices).value();
    }

    MediaStream open(MediaDevices& devices, const std::string& constraints)
    {
        auto stream = await(devices.getUserMedia(constraints));
        EXPECT_TRUE(stream.has_value()) << (stream ? "" : stream.error().toString());
        return std::move(stream).value();
    }

    std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>();
};

} // namespace usermedia::testing
