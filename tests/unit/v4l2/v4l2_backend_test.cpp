// SPDX-License-Identifier: MIT
// The V4L2 backend against a fake kernel (fake_kernel.h): enumeration of every kind of size and
// interval, the error paths (busy, error-flagged buffers, timeouts, a vanishing node) and the
// bookkeeping of fds and mappings. tests/vm runs the same backend against the real vivid driver.
#include "backends/v4l2/v4l2_backend.h"

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/v4l2/v4l2_device.h"
#include "backends/v4l2/v4l2_modes.h"

#include "fake_kernel.h"
#include "unit/backends_common/counting_listener.h"

namespace usermedia::v4l2 {
namespace {

using testing::FakeEvent;
using testing::FakeFormat;
using testing::FakeKernel;
using testing::FakeNode;
using Kind = FakeEvent::Kind;
using usermedia::testing::CountingListener;
using namespace std::chrono_literals;

// Records what the capture thread reports; the test waits (10 s hang guard) for a condition.
class RecordingSink final : public CaptureSink
{
public:
    struct Frame
    {
        NativeVideoFrame native;
        std::vector<std::uint8_t> bytes;
    };

    void onVideoFrame(const NativeVideoFrame& frame) override
    {
        std::lock_guard lock(mutex_);
        frames_.push_back({frame, std::vector<std::uint8_t>(frame.data, frame.data + frame.size)});
        frames_.back().native.data = nullptr;
        changed_.notify_all();
    }
    void onAudioChunk(const NativeAudioChunk& /*chunk*/) override {}
    void onCaptureError(const Error& error) override
    {
        std::lock_guard lock(mutex_);
        errors_.push_back(error);
        changed_.notify_all();
    }
    void onMuteChanged(bool muted) override
    {
        std::lock_guard lock(mutex_);
        mutes_.push_back(muted);
        changed_.notify_all();
    }

    bool waitFrames(std::size_t count)
    {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, 10s, [&] { return frames_.size() >= count; });
    }
    bool waitError()
    {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, 10s, [&] { return !errors_.empty(); });
    }
    bool waitMutes(std::size_t count)
    {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, 10s, [&] { return mutes_.size() >= count; });
    }
    std::vector<Frame> frames()
    {
        std::lock_guard lock(mutex_);
        return frames_;
    }
    std::vector<Error> errors()
    {
        std::lock_guard lock(mutex_);
        return errors_;
    }
    std::vector<bool> mutes()
    {
        std::lock_guard lock(mutex_);
        return mutes_;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<Frame> frames_;
    std::vector<Error> errors_;
    std::vector<bool> mutes_;
};

FakeNode webcam()
{
    FakeNode node;
    FakeFormat yuyv;
    yuyv.fourcc = V4L2_PIX_FMT_YUYV;
    yuyv.sizes = {{640, 480}, {320, 240}};
    yuyv.intervals = {{1, 30}, {1, 15}};
    FakeFormat bayer; // no converter: left out
    bayer.fourcc = V4L2_PIX_FMT_SGRBG10;
    bayer.sizes = {{640, 480}};
    FakeFormat mjpeg;
    mjpeg.fourcc = V4L2_PIX_FMT_MJPEG;
    mjpeg.sizes = {{1280, 720}};
    mjpeg.intervals = {{1001, 30000}};
    node.formats = {yuyv, bayer, mjpeg};
    return node;
}

// The source's resolution changes to \p width x \p height (see FakeEvent::Kind::SourceChange).
FakeEvent sourceChange(int width, int height)
{
    FakeEvent event{Kind::SourceChange};
    event.width = width;
    event.height = height;
    return event;
}

class V4l2BackendTest : public ::testing::Test
{
protected:
    std::unique_ptr<Backend> makeBackend()
    {
        BackendOptions options;
        options.sys = kernel_;
        options.clock = clock_;
        options.watchDirectory = false;
        return createV4l2Backend(std::move(options));
    }

    std::unique_ptr<Device> openFirst(Backend& backend)
    {
        auto devices = backend.enumerate();
        EXPECT_FALSE(devices.empty());
        if (devices.empty())
            return nullptr;
        auto device = backend.open(devices.front().id);
        EXPECT_TRUE(device.has_value()) << (device ? "" : device.error().toString());
        return device ? std::move(*device) : nullptr;
    }

    // \p node (the webcam by default) added, opened and streaming YUYV 320x240 at 30 fps into
    // \p sink; null (with a failure) when that fails.
    std::unique_ptr<Device> startWebcam(RecordingSink& sink, FakeNode node = webcam())
    {
        kernel_->addNode(std::move(node));
        auto backend = makeBackend();
        auto device = openFirst(*backend);
        if (!device)
            return nullptr;
        const bool configured =
                device->configure(NativeVideoMode{NativePixelFormat::YUYV, 320, 240, 30, 30})
                        .has_value();
        EXPECT_TRUE(configured);
        const bool started = configured && device->start(sink).has_value();
        EXPECT_TRUE(started);
        return started ? std::move(device) : nullptr;
    }

    std::shared_ptr<FakeKernel> kernel_ = std::make_shared<FakeKernel>();
    std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>(10s);
};

TEST_F(V4l2BackendTest, DiscreteSizesAndIntervalsBecomeOneModePerRate)
{
    kernel_->addNode(webcam());
    auto backend = makeBackend();
    ASSERT_TRUE(backend->probe());
    const auto devices = backend->enumerate();
    ASSERT_EQ(devices.size(), 1U);
    const std::vector<NativeVideoMode> expected = {
            {NativePixelFormat::YUYV, 640, 480, 30, 30},
            {NativePixelFormat::YUYV, 640, 480, 15, 15},
            {NativePixelFormat::YUYV, 320, 240, 30, 30},
            {NativePixelFormat::YUYV, 320, 240, 15, 15},
            {NativePixelFormat::MJPEG, 1280, 720, 29.97, 29.97},
    };
    EXPECT_EQ(devices[0].videoModes, expected);
    EXPECT_EQ(devices[0].label, "Fake Camera");
    EXPECT_EQ(devices[0].kind, MediaDeviceKind::VideoInput);
    EXPECT_EQ(kernel_->openFds(), 0); // discovery closes what it opened
}

TEST_F(V4l2BackendTest, ModesAreEnumeratedOncePerDevice)
{
    kernel_->addNode(webcam());
    auto backend = makeBackend();
    const auto first = backend->enumerate();
    const int enumerations = kernel_->calls(VIDIOC_ENUM_FRAMESIZES);
    EXPECT_GT(enumerations, 0);
    const auto again = backend->enumerate();
    ASSERT_EQ(again.size(), 1U);
    EXPECT_EQ(again[0].videoModes, first[0].videoModes);
    EXPECT_EQ(kernel_->calls(VIDIOC_ENUM_FRAMESIZES), enumerations); // cached
    // Another device at the same node: enumerated afresh.
    FakeNode other = webcam();
    other.card = "Other Camera";
    other.formats.erase(other.formats.begin());
    kernel_->addNode(other);
    const auto second = backend->enumerate();
    ASSERT_EQ(second.size(), 1U);
    EXPECT_EQ(second[0].label, "Other Camera");
    EXPECT_EQ(second[0].videoModes.size(), 1U);
    EXPECT_GT(kernel_->calls(VIDIOC_ENUM_FRAMESIZES), enumerations);
}

TEST_F(V4l2BackendTest, StepwiseSizesOfferStandardSizesOnTheGrid)
{
    FakeNode node;
    FakeFormat nv12;
    nv12.fourcc = V4L2_PIX_FMT_NV12;
    nv12.range = v4l2_frmsize_stepwise{160, 1280, 32, 120, 720, 8};
    nv12.intervals = {{1, 25}};
    node.formats = {nv12};
    kernel_->addNode(node);
    const auto devices = makeBackend()->enumerate();
    ASSERT_EQ(devices.size(), 1U);
    std::vector<std::pair<int, int>> sizes;
    for (const auto& mode : devices[0].videoModes) {
        EXPECT_EQ(mode.format, NativePixelFormat::NV12);
        EXPECT_EQ(mode.maxFrameRate, 25);
        sizes.emplace_back(mode.width, mode.height);
    }
    // Both ends, and the standard sizes whose width and height lie on the 32 x 8 grid.
    EXPECT_NE(std::find(sizes.begin(), sizes.end(), std::pair{160, 120}), sizes.end());
    EXPECT_NE(std::find(sizes.begin(), sizes.end(), std::pair{640, 480}), sizes.end());
    EXPECT_NE(std::find(sizes.begin(), sizes.end(), std::pair{1280, 720}), sizes.end());
    EXPECT_NE(std::find(sizes.begin(), sizes.end(), std::pair{320, 240}), sizes.end());
    EXPECT_EQ(std::find(sizes.begin(), sizes.end(), std::pair{176, 144}), sizes.end()); // 16 off
    EXPECT_EQ(std::find(sizes.begin(), sizes.end(), std::pair{1920, 1080}), sizes.end());
    EXPECT_TRUE(std::is_sorted(sizes.begin(), sizes.end(), [](const auto& a, const auto& b) {
        return a.first * a.second < b.first * b.second;
    }));
}

TEST_F(V4l2BackendTest, ContinuousSizesAndIntervalRangesBecomeRangedModes)
{
    FakeNode node;
    FakeFormat rgb;
    rgb.fourcc = V4L2_PIX_FMT_RGB24;
    rgb.range = v4l2_frmsize_stepwise{1, 1920, 1, 1, 1080, 1};
    rgb.continuousSizes = true;
    rgb.intervalRange = v4l2_frmival_stepwise{{1, 60}, {1, 5}, {1, 1}};
    rgb.continuousIntervals = true;
    node.formats = {rgb};
    kernel_->addNode(node);
    const auto devices = makeBackend()->enumerate();
    ASSERT_EQ(devices.size(), 1U);
    const auto& modes = devices[0].videoModes;
    ASSERT_FALSE(modes.empty());
    for (const auto& mode : modes) {
        EXPECT_EQ(mode.format, NativePixelFormat::RGB24);
        EXPECT_EQ(mode.minFrameRate, 5);
        EXPECT_EQ(mode.maxFrameRate, 60);
    }
    EXPECT_EQ(modes.front().width, 1);
    EXPECT_EQ(modes.back().width, 1920);
    EXPECT_EQ(modes.back().height, 1080);
    EXPECT_TRUE(std::any_of(modes.begin(), modes.end(),
                            [](const auto& m) { return m.width == 1280 && m.height == 720; }));
    EXPECT_FALSE(
            std::any_of(modes.begin(), modes.end(), [](const auto& m) { return m.width == 3840; }));
}

TEST_F(V4l2BackendTest, SizesWithinKeepsTheEndsAndTheGrid)
{
    const auto sizes = sizesWithin({100, 700, 100, 100, 500, 20});
    const std::vector<std::pair<int, int>> expected = {{100, 100}, {700, 500}};
    EXPECT_EQ(sizes, expected); // no standard size has a width on the 100-pixel grid from 100
}

TEST_F(V4l2BackendTest, OnlyCaptureNodesAreListed)
{
    FakeNode capture = webcam();
    FakeNode output = webcam();
    output.name = "video1";
    output.caps = V4L2_CAP_VIDEO_OUTPUT | V4L2_CAP_STREAMING;
    FakeNode metadata = webcam();
    metadata.name = "video2";
    metadata.caps = V4L2_CAP_META_CAPTURE | V4L2_CAP_STREAMING;
    FakeNode readOnly = webcam(); // capture without streaming I/O: not usable
    readOnly.name = "video3";
    readOnly.caps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_READWRITE;
    FakeNode busy = webcam(); // cannot even be opened: left out of the list
    busy.name = "video4";
    busy.openErrno = EACCES;
    FakeNode second = webcam();
    second.name = "video10";
    second.card = "Second";
    second.bus = "usb-0000:00:14.0-2";
    for (const auto& node : {capture, output, metadata, readOnly, busy, second})
        kernel_->addNode(node);
    const auto devices = makeBackend()->enumerate();
    ASSERT_EQ(devices.size(), 2U);
    EXPECT_EQ(devices[0].label, "Fake Camera");
    EXPECT_EQ(devices[1].label, "Second"); // video10 after video0: numeric order
}

TEST_F(V4l2BackendTest, IdsComeFromByIdThenByPathThenBusAndGroupsFromSysfs)
{
    FakeNode a = webcam();
    a.sysfsDevice = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0";
    FakeNode b = webcam();
    b.name = "video1";
    b.bus = "platform:vivid-000";
    b.card = "vivid";
    b.sysfsDevice = "/sys/devices/platform/vivid.0";
    FakeNode c = webcam();
    c.name = "video2";
    c.bus = "usb-0000:00:14.0-3";
    kernel_->addNode(a);
    kernel_->addNode(b);
    kernel_->addNode(c);
    kernel_->addLink("/dev/v4l/by-id/usb-Acme_Cam_123-video-index0", "/dev/video0");
    kernel_->addLink("/dev/v4l/by-path/pci-0000:00:14.0-usb-0:2:1.0-video-index0", "/dev/video0");
    kernel_->addLink("/dev/v4l/by-path/platform-vivid.0-video-index0", "/dev/video1");
    const auto devices = makeBackend()->enumerate();
    ASSERT_EQ(devices.size(), 3U);
    EXPECT_EQ(devices[0].id, "v4l2:by-id:usb-Acme_Cam_123-video-index0");
    // A USB camera's group is the USB device above the interface, shared with its microphone.
    EXPECT_EQ(devices[0].groupId, "sysfs:/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2");
    EXPECT_EQ(devices[1].id, "v4l2:by-path:platform-vivid.0-video-index0");
    EXPECT_EQ(devices[1].groupId, "sysfs:/sys/devices/platform/vivid.0");
    EXPECT_EQ(devices[2].id, "v4l2:usb-0000:00:14.0-3:Fake Camera");
    EXPECT_EQ(devices[2].groupId, "v4l2-bus:usb-0000:00:14.0-3");
}

TEST_F(V4l2BackendTest, OpenFailuresNameTheNodeAndTheOsError)
{
    kernel_->addNode(webcam());
    auto backend = makeBackend();
    const auto devices = backend->enumerate();
    ASSERT_EQ(devices.size(), 1U);
    FakeNode locked = webcam();
    locked.openErrno = EACCES;
    kernel_->addNode(locked); // permissions changed after discovery
    auto opened = backend->open(devices[0].id);
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().name, ErrorName::NotReadableError);
    EXPECT_EQ(opened.error().osError, EACCES);
    EXPECT_NE(opened.error().message.find("/dev/video0"), std::string::npos);
    EXPECT_NE(opened.error().message.find(std::strerror(EACCES)), std::string::npos);
    auto missing = backend->open("v4l2:nothing");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().name, ErrorName::NotFoundError);
}

TEST_F(V4l2BackendTest, BusyStreamOnIsNotReadableAndReleasesEverything)
{
    FakeNode node = webcam();
    node.streamOnErrno = EBUSY;
    kernel_->addNode(node);
    auto backend = makeBackend();
    auto device = openFirst(*backend);
    ASSERT_TRUE(device);
    RecordingSink sink;
    auto started = device->start(sink);
    ASSERT_FALSE(started);
    EXPECT_EQ(started.error().name, ErrorName::NotReadableError);
    EXPECT_EQ(started.error().osError, EBUSY);
    EXPECT_NE(started.error().message.find("VIDIOC_STREAMON on /dev/video0"), std::string::npos);
    EXPECT_NE(started.error().message.find("Device or resource busy"), std::string::npos);
    EXPECT_EQ(kernel_->mappings(), 0);
    device.reset();
    EXPECT_EQ(kernel_->openFds(), 0);
    EXPECT_EQ(kernel_->badMunmaps(), 0);
}

TEST_F(V4l2BackendTest, SecondOpenerOfAStreamingNodeIsBusy)
{
    kernel_->addNode(webcam());
    auto backend = makeBackend();
    auto first = openFirst(*backend);
    auto second = openFirst(*backend);
    ASSERT_TRUE(first && second);
    RecordingSink sink1;
    RecordingSink sink2;
    ASSERT_TRUE(first->start(sink1));
    auto started = second->start(sink2);
    ASSERT_FALSE(started);
    EXPECT_EQ(started.error().name, ErrorName::NotReadableError);
    EXPECT_EQ(started.error().osError, EBUSY);
    first->stop();
    // Once the first stops, the second may stream.
    ASSERT_TRUE(second->start(sink2));
    second->stop();
}

TEST_F(V4l2BackendTest, DeliversTheConfiguredModeWithDriverTimestampsOnTheClock)
{
    kernel_->addNode(webcam());
    auto backend = makeBackend();
    auto device = openFirst(*backend);
    ASSERT_TRUE(device);
    ASSERT_TRUE(device->configure(NativeVideoMode{NativePixelFormat::YUYV, 320, 240, 15, 15}));
    EXPECT_FALSE(device->configure(NativeVideoMode{NativePixelFormat::YUYV, 320, 240, 60, 60}));
    RecordingSink sink;
    ASSERT_TRUE(device->start(sink));
    EXPECT_EQ(kernel_->mappings(), 4);
    kernel_->push("video0", {{Kind::Frame, 0x11, 0, 5ms}});
    ASSERT_TRUE(sink.waitFrames(1));
    kernel_->push("video0", {{Kind::Frame, 0x22, 0, 0ms}});
    ASSERT_TRUE(sink.waitFrames(2));
    device->stop();
    const auto frames = sink.frames();
    ASSERT_EQ(frames.size(), 2U);
    EXPECT_EQ(frames[0].native.format, NativePixelFormat::YUYV);
    EXPECT_EQ(frames[0].native.width, 320);
    EXPECT_EQ(frames[0].native.height, 240);
    EXPECT_EQ(frames[0].bytes.size(), 320U * 240 * 2);
    EXPECT_TRUE(std::all_of(frames[0].bytes.begin(), frames[0].bytes.end(),
                            [](std::uint8_t b) { return b == 0x11; }));
    EXPECT_EQ(frames[0].native.frameNumber, 0U);
    EXPECT_EQ(frames[1].native.frameNumber, 1U);
    // Stamped 5 ms before "now" by the driver: 5 ms before now on the MediaDevices clock.
    EXPECT_EQ(frames[0].native.timestamp, clock_->now() - 5ms);
    EXPECT_EQ(frames[1].native.timestamp, clock_->now());
    EXPECT_EQ(kernel_->mappings(), 0);
    device.reset();
    EXPECT_EQ(kernel_->openFds(), 0);
}

TEST_F(V4l2BackendTest, ErrorFlaggedAndShortBuffersAreCountedAndSkipped)
{
    RecordingSink sink;
    auto device = startWebcam(sink);
    ASSERT_TRUE(device);
    kernel_->push("video0", {{Kind::ErrorFrame, 0xEE}});
    ASSERT_TRUE(kernel_->waitIdle("video0"));
    kernel_->push("video0", {{Kind::Frame, 0xAA, 100}}); // 100 bytes of a 153600-byte image
    ASSERT_TRUE(kernel_->waitIdle("video0"));
    kernel_->push("video0", {{Kind::Frame, 0x07}});
    ASSERT_TRUE(sink.waitFrames(1));
    device->stop();
    const auto frames = sink.frames();
    ASSERT_EQ(frames.size(), 1U);
    EXPECT_EQ(frames[0].bytes.front(), 0x07);
    const auto& stats = static_cast<V4l2Device&>(*device).stats();
    EXPECT_EQ(stats.errorBuffers.load(), 2U);
    EXPECT_TRUE(sink.errors().empty());
}

TEST_F(V4l2BackendTest, TheFreshestFrameWins)
{
    kernel_->addNode(webcam());
    auto backend = makeBackend();
    auto device = openFirst(*backend);
    ASSERT_TRUE(device);
    RecordingSink sink;
    ASSERT_TRUE(device->start(sink));
    // Three frames ready at one wake-up: only the newest is delivered, the others requeued.
    kernel_->push("video0", {{Kind::Frame, 1}, {Kind::Frame, 2}, {Kind::Frame, 3}});
    ASSERT_TRUE(sink.waitFrames(1));
    kernel_->push("video0", {{Kind::Frame, 4}}); // buffers went back to the driver
    ASSERT_TRUE(sink.waitFrames(2));
    device->stop();
    const auto frames = sink.frames();
    ASSERT_EQ(frames.size(), 2U);
    EXPECT_EQ(frames[0].bytes.front(), 3);
    EXPECT_EQ(frames[0].native.frameNumber, 0U); // counted from the first delivered
    EXPECT_EQ(frames[1].bytes.front(), 4);
    EXPECT_EQ(frames[1].native.frameNumber, 1U);
    EXPECT_EQ(static_cast<V4l2Device&>(*device).stats().stale.load(), 2U);
}

// An HDMI receiver's source changed resolution (V4L2_EVENT_SOURCE_CHANGE): the stream restarts
// in the configured mode when the driver still gives it (a scaler), frames numbered on.
TEST_F(V4l2BackendTest, ASourceChangeRestartsTheStreamInTheConfiguredModeWhenItIsStillGiven)
{
    RecordingSink sink;
    auto device = startWebcam(sink);
    ASSERT_TRUE(device);
    EXPECT_EQ(kernel_->calls(VIDIOC_SUBSCRIBE_EVENT), 1);
    kernel_->push("video0", {{Kind::Frame, 1}});
    ASSERT_TRUE(sink.waitFrames(1));
    kernel_->push("video0", {{Kind::Frame, 2}});
    ASSERT_TRUE(sink.waitFrames(2));
    kernel_->push("video0", {{Kind::SourceChange}, {Kind::Frame, 3}});
    ASSERT_TRUE(sink.waitFrames(3));
    EXPECT_EQ(kernel_->calls(VIDIOC_STREAMON), 2);
    EXPECT_EQ(kernel_->calls(VIDIOC_REQBUFS), 3); // buffers, freed, buffers again
    EXPECT_EQ(kernel_->mappings(), 4);
    device->stop();
    const auto frames = sink.frames();
    ASSERT_EQ(frames.size(), 3U);
    EXPECT_EQ(frames[2].bytes.front(), 3);
    EXPECT_EQ(frames[2].native.width, 320);
    EXPECT_EQ(frames[2].bytes.size(), 320U * 240 * 2);
    EXPECT_EQ(frames[1].native.frameNumber, 1U);
    EXPECT_EQ(frames[2].native.frameNumber, 2U); // on from the last, not from 0 again
    const auto& stats = static_cast<V4l2Device&>(*device).stats();
    EXPECT_EQ(stats.sourceChanges.load(), 1U);
    EXPECT_EQ(stats.restarts.load(), 1U);
    EXPECT_TRUE(sink.errors().empty());
    EXPECT_EQ(kernel_->mappings(), 0);
    device.reset();
    EXPECT_EQ(kernel_->openFds(), 0);
}

// The new source size is not the configured one: the track ends (NotReadableError naming the
// sizes), with the buffers released, rather than deliver frames of the wrong size.
TEST_F(V4l2BackendTest, ASourceChangeToAnotherSizeEndsCaptureAndReleasesTheBuffers)
{
    RecordingSink sink;
    auto device = startWebcam(sink);
    ASSERT_TRUE(device);
    kernel_->push("video0", {{Kind::Frame, 1}});
    ASSERT_TRUE(sink.waitFrames(1));
    kernel_->push("video0", {sourceChange(1280, 720), {Kind::Frame, 2}});
    ASSERT_TRUE(sink.waitError());
    const Error error = sink.errors().front();
    EXPECT_EQ(error.name, ErrorName::NotReadableError);
    EXPECT_NE(error.message.find("changed resolution"), std::string::npos) << error.message;
    EXPECT_NE(error.message.find("1280x720"), std::string::npos) << error.message;
    EXPECT_EQ(kernel_->mappings(), 0); // released by the capture thread, before the error
    EXPECT_EQ(sink.frames().size(), 1U);
    const auto& stats = static_cast<V4l2Device&>(*device).stats();
    EXPECT_EQ(stats.sourceChanges.load(), 1U);
    EXPECT_EQ(stats.restarts.load(), 0U);
    device->stop();
    device.reset();
    EXPECT_EQ(kernel_->openFds(), 0);
}

// An HDMI receiver: the new timings are queried and set (buffers freed first), then the mode;
// back at the configured size the stream goes on, at another size it ends, without a signal it
// ends naming the query.
TEST_F(V4l2BackendTest, AnHdmiReceiverGetsTheNewTimingsSetBeforeTheMode)
{
    FakeNode node = webcam();
    node.dvTimings = true;
    node.input = 3; // events for input 3 only: the subscription must say so
    RecordingSink sink;
    auto device = startWebcam(sink, node);
    ASSERT_TRUE(device);
    kernel_->push("video0", {sourceChange(320, 240), {Kind::Frame, 1}});
    ASSERT_TRUE(sink.waitFrames(1));
    kernel_->push("video0", {sourceChange(1280, 720)});
    ASSERT_TRUE(sink.waitError());
    EXPECT_EQ(kernel_->timingsSet("video0"),
              (std::vector<std::pair<int, int>>{{320, 240}, {1280, 720}}));
    EXPECT_NE(sink.errors().front().message.find("1280x720"), std::string::npos);
    const auto& stats = static_cast<V4l2Device&>(*device).stats();
    EXPECT_EQ(stats.sourceChanges.load(), 2U);
    EXPECT_EQ(stats.restarts.load(), 1U);
    EXPECT_EQ(kernel_->mappings(), 0);
}

TEST_F(V4l2BackendTest, AnHdmiReceiverThatLostTheSignalEndsCapture)
{
    FakeNode node = webcam();
    node.dvTimings = true;
    RecordingSink sink;
    auto device = startWebcam(sink, node);
    ASSERT_TRUE(device);
    kernel_->push("video0", {sourceChange(-1, 0)}); // the signal is lost
    ASSERT_TRUE(sink.waitError());
    const Error error = sink.errors().front();
    EXPECT_EQ(error.name, ErrorName::NotReadableError);
    EXPECT_EQ(error.osError, ENOLINK);
    EXPECT_NE(error.message.find("VIDIOC_QUERY_DV_TIMINGS"), std::string::npos) << error.message;
    EXPECT_TRUE(kernel_->timingsSet("video0").empty());
    EXPECT_EQ(kernel_->mappings(), 0);
    device->stop();
    device.reset();
    EXPECT_EQ(kernel_->openFds(), 0);
}

// A driver that repeats a sequence number (vivid, under load): frame numbers still increase,
// and a later gap still shows the dropped frame.
TEST_F(V4l2BackendTest, FrameNumbersIncreaseWhenTheDriverRepeatsASequence)
{
    RecordingSink sink;
    auto device = startWebcam(sink);
    ASSERT_TRUE(device);
    FakeEvent repeat{Kind::Frame, 2};
    repeat.repeatSequence = true;
    kernel_->push("video0", {{Kind::Frame, 1}});
    ASSERT_TRUE(sink.waitFrames(1));
    kernel_->push("video0", {repeat});
    ASSERT_TRUE(sink.waitFrames(2));
    kernel_->push("video0", {{Kind::Frame, 3}, {Kind::Frame, 4}}); // 3 is overtaken: dropped
    ASSERT_TRUE(sink.waitFrames(3));
    device->stop();
    const auto frames = sink.frames();
    ASSERT_EQ(frames.size(), 3U);
    EXPECT_EQ(frames[0].native.frameNumber, 0U);
    EXPECT_EQ(frames[1].native.frameNumber, 1U);
    EXPECT_EQ(frames[2].native.frameNumber, 3U);
}

// Webcams refuse the subscription: capture goes on as before.
TEST_F(V4l2BackendTest, DriversWithoutSourceChangeEventsCaptureAsBefore)
{
    FakeNode node = webcam();
    node.sourceChangeEvents = false;
    RecordingSink sink;
    auto device = startWebcam(sink, node);
    ASSERT_TRUE(device);
    kernel_->push("video0", {{Kind::Frame, 9}});
    ASSERT_TRUE(sink.waitFrames(1));
    device->stop();
    EXPECT_TRUE(sink.errors().empty());
    EXPECT_EQ(static_cast<V4l2Device&>(*device).stats().sourceChanges.load(), 0U);
}

TEST_F(V4l2BackendTest, PaddedRowsArePacked)
{
    FakeNode node = webcam();
    node.padding = 16;
    node.formats[0].sizes = {{4, 2}};
    kernel_->addNode(node);
    auto backend = makeBackend();
    auto device = openFirst(*backend);
    ASSERT_TRUE(device);
    ASSERT_TRUE(device->configure(NativeVideoMode{NativePixelFormat::YUYV, 4, 2, 30, 30}));
    RecordingSink sink;
    ASSERT_TRUE(device->start(sink));
    kernel_->push("video0", {{Kind::Frame, 9}});
    ASSERT_TRUE(sink.waitFrames(1));
    device->stop();
    EXPECT_EQ(sink.frames()[0].bytes.size(), 16U); // 2 rows of 8 bytes, not of 24
    EXPECT_EQ(sink.frames()[0].native.size, 16U);
}

TEST_F(V4l2BackendTest, AVanishingNodeEndsCaptureAndReleasesItsFdAndBuffers)
{
    kernel_->addNode(webcam());
    auto backend = makeBackend();
    CountingListener listener;
    backend->watch(&listener);
    auto device = openFirst(*backend);
    ASSERT_TRUE(device);
    RecordingSink sink;
    ASSERT_TRUE(device->start(sink));
    kernel_->push("video0", {{Kind::Frame, 1}, {Kind::Vanish}});
    ASSERT_TRUE(sink.waitError());
    ASSERT_TRUE(listener.waitFor(1));
    const auto errors = sink.errors();
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_EQ(errors[0].name, ErrorName::NotReadableError);
    EXPECT_EQ(errors[0].osError, ENODEV);
    EXPECT_NE(errors[0].message.find("/dev/video0"), std::string::npos);
    // Released by the capture thread already: only the stop eventfd waits for stop().
    EXPECT_EQ(kernel_->mappings(), 0);
    EXPECT_EQ(kernel_->openFds(), 1);
    device->stop();
    EXPECT_EQ(kernel_->openFds(), 0);
    EXPECT_TRUE(backend->enumerate().empty());
    RecordingSink again;
    auto restarted = device->start(again);
    ASSERT_FALSE(restarted);
    EXPECT_EQ(restarted.error().name, ErrorName::NotReadableError);
    device.reset();
    backend->watch(nullptr);
    EXPECT_EQ(kernel_->openFds(), 0);
    EXPECT_EQ(kernel_->badMunmaps(), 0);
}

TEST_F(V4l2BackendTest, NoFramesMutesThenEndsAfterRepeatedTimeouts)
{
    kernel_->addNode(webcam());
    auto backend = makeBackend();
    auto device = openFirst(*backend);
    ASSERT_TRUE(device);
    RecordingSink sink;
    ASSERT_TRUE(device->start(sink));
    kernel_->push("video0", {{Kind::Timeout}, {Kind::Frame, 1}});
    ASSERT_TRUE(sink.waitMutes(2));
    EXPECT_EQ(sink.mutes(), (std::vector<bool>{true, false}));
    std::vector<FakeEvent> silence(kMaxTimeouts, FakeEvent{Kind::Timeout});
    kernel_->push("video0", silence);
    ASSERT_TRUE(sink.waitError());
    EXPECT_EQ(sink.errors()[0].osError, ETIMEDOUT);
    EXPECT_EQ(sink.mutes().back(), true);
    EXPECT_EQ(kernel_->mappings(), 0);
    device->stop();
    device.reset();
    EXPECT_EQ(kernel_->openFds(), 0);
}

TEST(V4l2Formats, FourccsMapToNativeFormats)
{
    EXPECT_EQ(nativeFormat(V4L2_PIX_FMT_YUYV), NativePixelFormat::YUYV);
    EXPECT_EQ(nativeFormat(V4L2_PIX_FMT_UYVY), NativePixelFormat::UYVY);
    EXPECT_EQ(nativeFormat(V4L2_PIX_FMT_NV12), NativePixelFormat::NV12);
    EXPECT_EQ(nativeFormat(V4L2_PIX_FMT_YUV420), NativePixelFormat::I420);
    EXPECT_EQ(nativeFormat(V4L2_PIX_FMT_MJPEG), NativePixelFormat::MJPEG);
    EXPECT_EQ(nativeFormat(V4L2_PIX_FMT_JPEG), NativePixelFormat::MJPEG);
    EXPECT_EQ(nativeFormat(V4L2_PIX_FMT_RGB24), NativePixelFormat::RGB24);
    EXPECT_EQ(nativeFormat(V4L2_PIX_FMT_BGR24), NativePixelFormat::BGR24);
    EXPECT_FALSE(nativeFormat(V4L2_PIX_FMT_SGRBG10));
    EXPECT_EQ(fourccName(V4L2_PIX_FMT_MJPEG), "MJPG");
    EXPECT_EQ(fourccName(V4L2_PIX_FMT_Y16), "Y16");
}

// The real watcher on a scratch directory: a node appearing or going fires the listener.
TEST(V4l2Hotplug, InotifyOnTheDeviceDirectoryFiresForVideoNodes)
{
    char pattern[] = "/tmp/um-v4l2-hotplug-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    const std::string directory = pattern;
    BackendOptions options;
    options.deviceDirectory = directory;
    options.sysfsDirectory = directory + "/sys";
    auto backend = createV4l2Backend(std::move(options));
    ASSERT_TRUE(backend->probe());
    CountingListener listener;
    backend->watch(&listener);
    std::ofstream(directory + "/not-a-camera").put('x');
    std::ofstream(directory + "/video7").put('x');
    ASSERT_TRUE(listener.waitFor(1));
    const int afterCreate = listener.count();
    std::filesystem::remove(directory + "/video7");
    ASSERT_TRUE(listener.waitFor(afterCreate + 1));
    EXPECT_TRUE(backend->enumerate().empty()); // a regular file is no capture node
    backend->watch(nullptr);
    std::filesystem::remove_all(directory);
}

} // namespace
} // namespace usermedia::v4l2
