// SPDX-License-Identifier: MIT
// MediaDevices::devicesInUse() and the "capturechange" event: the recording indicator follows
// getUserMedia, stop(), dropped handles, clones and revocation.
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <usermedia/usermedia.h>

#include "e2e/e2e_fixture.h"
#include "unit/core/temp_dir.h"

namespace usermedia {
namespace {

using testing::await;

// Counts "capturechange" events and keeps what devicesInUse() said in each.
class ChangeLog
{
public:
    explicit ChangeLog(MediaDevices& devices) : devices_(devices)
    {
        id_ = devices_.addEventListener("capturechange", [this] {
            auto now = devices_.devicesInUse();
            std::lock_guard lock(mutex_);
            seen_.push_back(std::move(now));
            changed_.notify_all();
        });
    }
    ~ChangeLog() { devices_.removeEventListener(id_); }
    ChangeLog(const ChangeLog&) = delete;
    ChangeLog& operator=(const ChangeLog&) = delete;

    ListenerId id() const { return id_; }

    /** Waits (10 s guard) until \p count events have fired; returns the last set seen. */
    std::vector<DeviceInUse> waitFor(std::size_t count)
    {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, std::chrono::seconds(10), [&] { return seen_.size() >= count; });
        return seen_.empty() ? std::vector<DeviceInUse>{} : seen_.back();
    }
    std::size_t count()
    {
        std::lock_guard lock(mutex_);
        return seen_.size();
    }

private:
    MediaDevices& devices_;
    ListenerId id_ = 0;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::vector<DeviceInUse>> seen_;
};

std::vector<std::string> labels(const std::vector<DeviceInUse>& devices)
{
    std::vector<std::string> out;
    for (const auto& device : devices)
        out.push_back(device.label);
    return out;
}

class DevicesInUseTest : public ::testing::Test
{
protected:
    MediaDevices make(PermissionPolicy policy = PermissionPolicy::AllowAll,
                      PermissionPrompt prompt = {})
    {
        MediaDevicesOptions options;
        options.fakeDevices = "default";
        options.ignoreEnvironment = true;
        options.origin = "com.example.indicator";
        options.permissionPolicy = policy;
        options.prompt = std::move(prompt);
        options.permissionStoreDirectory = temp_.path() + "/usermedia";
        auto devices = MediaDevices::create(options);
        EXPECT_TRUE(devices.has_value());
        return std::move(devices).value();
    }

    testing::TempDir temp_;
};

TEST_F(DevicesInUseTest, StartingAndStoppingTracksChangesTheSetAndFiresTheEvent)
{
    auto devices = make();
    EXPECT_TRUE(devices.devicesInUse().empty());
    ChangeLog log(devices);
    ASSERT_NE(log.id(), 0u) << "capturechange is a known event";

    auto stream = await(devices.getUserMedia(R"({"video": true, "audio": true})"));
    ASSERT_TRUE(stream.has_value());
    // Already set when the promise resolves.
    const auto inUse = devices.devicesInUse();
    ASSERT_EQ(labels(inUse), (std::vector<std::string>{"Fake Camera", "Fake Microphone"}));
    auto video = stream->getVideoTracks().at(0);
    auto audio = stream->getAudioTracks().at(0);
    EXPECT_EQ(inUse[0].kind, MediaDeviceKind::VideoInput);
    EXPECT_EQ(inUse[0].deviceId, video.getSettings().deviceId) << "the id the application sees";
    EXPECT_EQ(inUse[0].groupId, video.getSettings().groupId);
    EXPECT_EQ(inUse[0].origin, "com.example.indicator");
    EXPECT_EQ(inUse[1].kind, MediaDeviceKind::AudioInput);
    EXPECT_EQ(inUse[1].deviceId, audio.getSettings().deviceId);
    EXPECT_EQ(log.waitFor(1), inUse) << "one event for the getUserMedia call";

    // A clone shares the camera: still one entry, and stopping the original keeps it in use.
    auto clone = video.clone();
    video.stop();
    auto second = await(devices.getUserMedia(R"({"audio": true})"));
    ASSERT_TRUE(second.has_value());
    EXPECT_EQ(labels(devices.devicesInUse()),
              (std::vector<std::string>{"Fake Camera", "Fake Microphone"}));
    EXPECT_EQ(log.count(), 1u) << "the set did not change";

    clone.stop();
    EXPECT_EQ(labels(log.waitFor(2)), std::vector<std::string>{"Fake Microphone"});
    EXPECT_EQ(labels(devices.devicesInUse()), std::vector<std::string>{"Fake Microphone"});

    audio.stop();
    second->getAudioTracks().at(0).stop();
    EXPECT_TRUE(log.waitFor(3).empty());
    EXPECT_TRUE(devices.devicesInUse().empty());
    EXPECT_EQ(log.count(), 3u);
}

TEST_F(DevicesInUseTest, DroppingTheLastHandleOfATrackEndsTheCapture)
{
    auto devices = make();
    ChangeLog log(devices);
    {
        auto stream = await(devices.getUserMedia(R"({"audio": true})"));
        ASSERT_TRUE(stream.has_value());
        EXPECT_EQ(labels(log.waitFor(1)), std::vector<std::string>{"Fake Microphone"});
    }
    EXPECT_TRUE(log.waitFor(2).empty()) << "the track went away with its last handle";
}

TEST_F(DevicesInUseTest, RevokingPermissionTakesTheDeviceOutOfUse)
{
    auto devices = make(PermissionPolicy::Prompt, [](const PermissionRequest&, auto respond) {
        respond(PermissionAnswer::AllowAlways);
    });
    ChangeLog log(devices);
    auto stream = await(devices.getUserMedia(R"({"video": true, "audio": true})"));
    ASSERT_TRUE(stream.has_value());
    ASSERT_EQ(log.waitFor(1).size(), 2u);
    ASSERT_TRUE(devices.setPermission(PermissionName::Camera, PermissionState::Denied));
    EXPECT_EQ(labels(log.waitFor(2)), std::vector<std::string>{"Fake Microphone"});
}

TEST_F(DevicesInUseTest, RemovedListenersAndUnknownEventsGetNothing)
{
    auto devices = make();
    EXPECT_EQ(devices.addEventListener("recording", [] {}), 0u);
    int calls = 0;
    const auto id = devices.addEventListener("capturechange", [&calls] { ++calls; });
    devices.removeEventListener(id);
    ChangeLog log(devices); // fires after the removed one would have
    auto stream = await(devices.getUserMedia(R"({"video": true})"));
    ASSERT_TRUE(stream.has_value());
    log.waitFor(1);
    EXPECT_EQ(calls, 0);
}

// As removeSink(): removeEventListener() returns only when the listener is not running, so a
// listener may use what the remover destroys right after.
TEST_F(DevicesInUseTest, RemovingAListenerWaitsForItsCallInFlight)
{
    auto devices = make();
    std::mutex mutex;
    std::condition_variable changed;
    bool inside = false;
    bool release = false;
    bool removed = false;
    bool finishedBeforeRemoved = false;
    const auto id = devices.addEventListener("capturechange", [&] {
        std::unique_lock lock(mutex);
        inside = true;
        changed.notify_all();
        changed.wait_for(lock, std::chrono::seconds(10), [&] { return release; });
        finishedBeforeRemoved = !removed;
    });
    // The event fires on the control thread while getUserMedia() completes: the promise
    // settles once the listener lets go.
    auto pending = devices.getUserMedia(R"({"audio": true})");
    bool entered = false;
    {
        std::unique_lock lock(mutex);
        entered = changed.wait_for(lock, std::chrono::seconds(10), [&] { return inside; });
    }
    EXPECT_TRUE(entered);
    std::thread remover([&] {
        devices.removeEventListener(id);
        std::lock_guard lock(mutex);
        removed = true;
        changed.notify_all();
    });
    {
        // Without the guarantee, removal returns at once; give it the chance to.
        std::unique_lock lock(mutex);
        changed.wait_for(lock, std::chrono::milliseconds(200), [&] { return removed; });
        EXPECT_FALSE(removed) << "removeEventListener() returned while its listener ran";
        release = true;
        changed.notify_all();
    }
    remover.join();
    EXPECT_TRUE(removed);
    EXPECT_TRUE(finishedBeforeRemoved);
    auto stream = await(std::move(pending));
    ASSERT_TRUE(stream.has_value());
    for (auto& track : stream->getTracks())
        track.stop();
}

} // namespace
} // namespace usermedia
