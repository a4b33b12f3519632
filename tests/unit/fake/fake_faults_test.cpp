// SPDX-License-Identifier: MIT
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <usermedia/clock.h>

#include "backends/fake/fake_backend.h"

#include "unit/fake/recording_sink.h"

namespace usermedia::fake {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::RecordingSink;

class CountingListener final : public HotplugListener
{
public:
    explicit CountingListener(RecordingSink* sink = nullptr) : sink_(sink) {}
    void onDevicesChanged() override
    {
        ++calls;
        if (sink_ != nullptr)
            sink_->note("devicechange");
    }
    std::atomic<int> calls{0};

private:
    RecordingSink* sink_;
};

class FakeFaults : public ::testing::Test
{
protected:
    void SetUp() override
    {
        auto backend = createFakeBackend(R"({"devices": [
            {"kind": "videoinput", "id": "busy", "label": "Busy Cam", "faults": {"open": "busy"},
             "modes": [{"format": "i420", "width": 64, "height": 48, "frameRate": 30}]},
            {"kind": "videoinput", "id": "denied", "label": "Locked Cam", "faults": {"open": "denied"},
             "modes": [{"format": "i420", "width": 64, "height": 48, "frameRate": 30}]},
            {"kind": "audioinput", "id": "missing", "label": "Ghost Mic", "faults": {"open": "missing"},
             "modes": [{"sampleRate": 48000, "channels": 1}]},
            {"kind": "videoinput", "id": "unplug", "label": "Loose Cam", "faults": {"unplugAfterFrames": 5},
             "modes": [{"format": "yuyv", "width": 64, "height": 48, "frameRate": 30}]},
            {"kind": "audioinput", "id": "unplug-mic", "label": "Loose Mic", "faults": {"unplugAfterFrames": 3},
             "modes": [{"sampleRate": 48000, "channels": 1}]},
            {"kind": "videoinput", "id": "stall", "label": "Slow Cam",
             "faults": {"stall": {"afterFrames": 3, "forFrames": 4}},
             "modes": [{"format": "nv12", "width": 64, "height": 48, "frameRate": 30}]}]})",
                                         clock_);
        ASSERT_TRUE(backend.has_value()) << backend.error().message;
        backend_ = std::move(*backend);
    }

    std::vector<std::string> ids()
    {
        std::vector<std::string> result;
        for (const auto& device : backend_->enumerate())
            result.push_back(device.id);
        return result;
    }

    std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>(seconds(1));
    std::unique_ptr<Backend> backend_;
    RecordingSink sink_;
};

TEST_F(FakeFaults, OpenFailsAsConfigured)
{
    auto busy = backend_->open("busy");
    ASSERT_FALSE(busy.has_value());
    EXPECT_EQ(busy.error().name, ErrorName::NotReadableError);
    EXPECT_EQ(busy.error().osError, EBUSY);
    EXPECT_THAT(busy.error().message, HasSubstr("'Busy Cam' (busy)"));

    auto denied = backend_->open("denied");
    ASSERT_FALSE(denied.has_value());
    EXPECT_EQ(denied.error().name, ErrorName::NotReadableError);
    EXPECT_EQ(denied.error().osError, EACCES);

    auto missing = backend_->open("missing");
    ASSERT_FALSE(missing.has_value());
    EXPECT_EQ(missing.error().name, ErrorName::NotFoundError);

    auto unknown = backend_->open("no-such-device");
    ASSERT_FALSE(unknown.has_value());
    EXPECT_EQ(unknown.error().name, ErrorName::NotFoundError);
    EXPECT_THAT(unknown.error().message, HasSubstr("no-such-device"));
}

TEST_F(FakeFaults, UnplugEndsCaptureRemovesTheDeviceAndTellsTheListener)
{
    CountingListener listener(&sink_);
    backend_->watch(&listener);
    auto device = backend_->open("unplug");
    ASSERT_TRUE(device.has_value());
    ASSERT_TRUE((*device)->start(sink_).has_value());
    clock_->advance(seconds(1));

    const auto frames = sink_.frames();
    ASSERT_EQ(frames.size(), 5U);
    EXPECT_EQ(frames.back().frameNumber, 4U);
    const auto errors = sink_.errors();
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_EQ(errors[0].name, ErrorName::NotReadableError);
    EXPECT_THAT(errors[0].message, HasSubstr("device disconnected"));
    EXPECT_EQ(listener.calls, 1);
    EXPECT_THAT(sink_.events(),
                ElementsAre("frame", "frame", "frame", "frame", "frame", "error", "devicechange"));

    const auto present = ids();
    EXPECT_EQ(std::count(present.begin(), present.end(), "unplug"), 0);
    EXPECT_EQ(present.size(), 5U);
    EXPECT_EQ(backend_->open("unplug").error().name, ErrorName::NotFoundError);

    // The capture thread has ended; stop() still joins it, and a restart fails.
    (*device)->stop();
    EXPECT_EQ((*device)->start(sink_).error().name, ErrorName::NotReadableError);
    clock_->advance(seconds(1));
    EXPECT_EQ(sink_.errors().size(), 1U);
    EXPECT_EQ(listener.calls, 1);
    backend_->watch(nullptr);
}

TEST_F(FakeFaults, UnplugCountsAudioChunks)
{
    CountingListener listener;
    backend_->watch(&listener);
    backend_->watch(nullptr); // removed again: must not be called
    auto device = backend_->open("unplug-mic");
    ASSERT_TRUE(device.has_value());
    ASSERT_TRUE((*device)->start(sink_).has_value());
    clock_->advance(seconds(1));
    (*device)->stop();
    EXPECT_EQ(sink_.chunks().size(), 3U);
    ASSERT_EQ(sink_.errors().size(), 1U);
    EXPECT_EQ(listener.calls, 0);
    const auto present = ids();
    EXPECT_EQ(std::count(present.begin(), present.end(), "unplug-mic"), 0);
}

TEST_F(FakeFaults, StallLeavesAGapInFrameNumbers)
{
    auto device = backend_->open("stall");
    ASSERT_TRUE(device.has_value());
    ASSERT_TRUE((*device)->start(sink_).has_value());
    clock_->advance(milliseconds(300)); // frames 0..8 are over
    (*device)->stop();
    std::vector<std::uint64_t> numbers;
    for (const auto& frame : sink_.frames())
        numbers.push_back(frame.frameNumber);
    EXPECT_THAT(numbers, ElementsAre(0, 1, 2, 7, 8));
    EXPECT_TRUE(sink_.errors().empty());
}

} // namespace
} // namespace usermedia::fake
