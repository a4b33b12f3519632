// SPDX-License-Identifier: MIT
// The V4L2 backend against the kernel's vivid driver, inside the VM that run-in-vm.sh boots
// (vivid loaded with n_devs=2: instance 0 single-planar with output and metadata nodes too,
// instance 1 multi-planar with a capture node only). Outside such a VM every test skips.
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <dirent.h>
#include <execinfo.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/videodev2.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <usermedia/usermedia.h>

#include "backends/v4l2/v4l2_backend.h"
#include "backends/v4l2/v4l2_device.h"
#include "backends/v4l2/v4l2_modes.h"
#include "pipeline/convert.h"
#include "pipeline/pixel_buffer.h"

#include "vm/vm_helpers.h"

namespace usermedia::v4l2 {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

// A crash inside the VM prints its stack (module+offset, for addr2line on the host).
[[maybe_unused]] const bool kBacktraceOnAbort = [] {
    ::signal(SIGABRT, [](int) {
        void* frames[64];
        ::backtrace_symbols_fd(frames, ::backtrace(frames, 64), STDERR_FILENO);
        ::_exit(134);
    });
    return true;
}();

// /dev/videoN of the vivid node whose sysfs name is \p name ("vivid-000-vid-cap"), or "".
std::string nodeNamed(const std::string& name)
{
    DIR* dir = ::opendir("/sys/class/video4linux");
    if (dir == nullptr)
        return {};
    std::string found;
    while (const dirent* entry = ::readdir(dir)) {
        std::ifstream file(std::string("/sys/class/video4linux/") + entry->d_name + "/name");
        std::string text;
        if (std::getline(file, text) && text == name)
            found = std::string("/dev/") + entry->d_name;
    }
    ::closedir(dir);
    return found;
}

std::string run(const std::string& command)
{
    std::string output;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr)
        return output;
    char buffer[4096];
    std::size_t read = 0;
    while ((read = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
        output.append(buffer, read);
    ::pclose(pipe);
    return output;
}

int countFds()
{
    int count = 0;
    DIR* dir = ::opendir("/proc/self/fd");
    while (const dirent* entry = ::readdir(dir))
        count += entry->d_name[0] != '.';
    ::closedir(dir);
    return count - 1; // the directory itself
}

int countVideoMappings()
{
    std::ifstream maps("/proc/self/maps");
    int count = 0;
    for (std::string line; std::getline(maps, line);)
        count += line.find("/dev/video") != std::string::npos;
    return count;
}

using vmtest::eventually;

// Sets a vivid control found by name (VIDIOC_QUERY_EXT_CTRL), through a second fd.
bool setControl(const std::string& node, const std::string& name, int value)
{
    const int fd = ::open(node.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool done = false;
    v4l2_query_ext_ctrl query{};
    query.id = V4L2_CTRL_FLAG_NEXT_CTRL | V4L2_CTRL_FLAG_NEXT_COMPOUND;
    while (::ioctl(fd, VIDIOC_QUERY_EXT_CTRL, &query) == 0) {
        if (name == query.name) {
            v4l2_control control{query.id, value};
            done = ::ioctl(fd, VIDIOC_S_CTRL, &control) == 0;
            break;
        }
        query.id |= V4L2_CTRL_FLAG_NEXT_CTRL | V4L2_CTRL_FLAG_NEXT_COMPOUND;
    }
    ::close(fd);
    return done;
}

// The value of a vivid control found by name, or nothing.
std::optional<int> controlValue(const std::string& node, const std::string& name)
{
    const int fd = ::open(node.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    std::optional<int> value;
    v4l2_query_ext_ctrl query{};
    query.id = V4L2_CTRL_FLAG_NEXT_CTRL | V4L2_CTRL_FLAG_NEXT_COMPOUND;
    while (::ioctl(fd, VIDIOC_QUERY_EXT_CTRL, &query) == 0) {
        if (name == query.name) {
            v4l2_control control{query.id, 0};
            if (::ioctl(fd, VIDIOC_G_CTRL, &control) == 0)
                value = control.value;
            break;
        }
        query.id |= V4L2_CTRL_FLAG_NEXT_CTRL | V4L2_CTRL_FLAG_NEXT_COMPOUND;
    }
    ::close(fd);
    return value;
}

// VIDIOC_S_INPUT through a second fd (not while streaming).
bool selectInput(const std::string& node, int input)
{
    const int fd = ::open(node.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool done = ::ioctl(fd, VIDIOC_S_INPUT, &input) == 0;
    ::close(fd);
    return done;
}

// What an HDMI application does on a source change: query the receiver's timings and set them.
bool followDvTimings(const std::string& node)
{
    const int fd = ::open(node.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return false;
    v4l2_dv_timings timings{};
    const bool done = ::ioctl(fd, VIDIOC_QUERY_DV_TIMINGS, &timings) == 0 &&
                      ::ioctl(fd, VIDIOC_S_DV_TIMINGS, &timings) == 0;
    ::close(fd);
    return done;
}

class Sink final : public CaptureSink
{
public:
    struct Seen
    {
        NativeVideoFrame frame;
        Steady::time_point arrived;
        bool decoded = false;
    };
    void onVideoFrame(const NativeVideoFrame& frame) override
    {
        bool decoded = true;
        if (checked_ < 3) { // decoding on TCG is slow: the first frames prove the layout
            PixelBuffer i420(VideoPixelFormat::I420, frame.width, frame.height);
            decoded = convertToI420(frame, i420);
            ++checked_;
        }
        std::lock_guard lock(mutex_);
        seen_.push_back({frame, Steady::now(), decoded});
        seen_.back().frame.data = nullptr;
        changed_.notify_all();
    }
    void onAudioChunk(const NativeAudioChunk& /*chunk*/) override {}
    void onCaptureError(const Error& error) override
    {
        std::lock_guard lock(mutex_);
        errors_.push_back(error);
        changed_.notify_all();
    }
    bool waitFrames(std::size_t count, std::chrono::seconds guard = 20s)
    {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, guard, [&] { return seen_.size() >= count; });
    }
    std::vector<Seen> seen()
    {
        std::lock_guard lock(mutex_);
        return seen_;
    }
    std::vector<Error> errors()
    {
        std::lock_guard lock(mutex_);
        return errors_;
    }

private:
    int checked_ = 0;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<Seen> seen_;
    std::vector<Error> errors_;
};

// Counts a track's frames; the test waits on a condition (20 s guard), never spins.
class FrameCounter
{
public:
    std::function<void(const VideoFrame&)> sink()
    {
        return [this](const VideoFrame&) {
            std::lock_guard lock(mutex_);
            ++count_;
            changed_.notify_all();
        };
    }
    bool waitFor(int count)
    {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, 20s, [&] { return count_ >= count; });
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int count_ = 0;
};

class VividTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        node0_ = nodeNamed("vivid-000-vid-cap");
        node1_ = nodeNamed("vivid-001-vid-cap");
        if (node0_.empty() || node1_.empty())
            GTEST_SKIP() << "not in the vivid VM (tests/vm/run-in-vm.sh)";
        backend_ = createV4l2Backend(systemClock());
        ASSERT_TRUE(backend_->probe());
    }

    std::optional<DeviceDescription> vivid(int instance)
    {
        const std::string bus = "platform:vivid-00" + std::to_string(instance);
        for (auto& device : backend_->enumerate()) {
            if (device.id.find(bus) != std::string::npos)
                return device;
        }
        return std::nullopt;
    }

    // The mode of \p format and size with the rate nearest 30 fps.
    static std::optional<NativeVideoMode> modeOf(const DeviceDescription& device,
                                                 NativePixelFormat format, int width, int height)
    {
        std::optional<NativeVideoMode> best;
        for (const auto& mode : device.videoModes) {
            if (mode.format != format || mode.width != width || mode.height != height)
                continue;
            if (!best || std::abs(mode.maxFrameRate - 30) < std::abs(best->maxFrameRate - 30))
                best = mode;
        }
        return best;
    }

    static MediaDevices makeDevices() { return vmtest::makeDevices(); }

    // vivid instance 0 streaming YUYV 320x180 into \p sink, two frames in; null on failure.
    std::unique_ptr<Device> streamFirstVivid(Sink& sink)
    {
        const auto device = vivid(0);
        auto opened = device ? backend_->open(device->id) : Error{ErrorName::NotFoundError, ""};
        const auto mode =
                device ? modeOf(*device, NativePixelFormat::YUYV, 320, 180) : std::nullopt;
        const bool streaming = opened && mode && (*opened)->configure(*mode) &&
                               (*opened)->start(sink) && sink.waitFrames(2);
        EXPECT_TRUE(streaming) << "vivid 0 streaming YUYV 320x180";
        return streaming ? std::move(*opened) : nullptr;
    }

    static std::string deviceIdOf(MediaDevices& devices, int instance)
    {
        auto list = devices.enumerateDevices().waitFor(10s);
        if (!list || !*list)
            return {};
        // Salted ids: the n-th video input is the n-th vivid instance (discovery order).
        int index = 0;
        for (const auto& info : **list) {
            if (info.kind == MediaDeviceKind::VideoInput && index++ == instance)
                return info.deviceId;
        }
        return {};
    }

    std::string node0_;
    std::string node1_;
    std::unique_ptr<Backend> backend_;
};

TEST_F(VividTest, ListsTheTwoCaptureNodesAndNoOutputOrMetadataNode)
{
    const auto devices = backend_->enumerate();
    ASSERT_EQ(devices.size(), 2U);
    EXPECT_EQ(devices[0].label, "vivid");
    EXPECT_NE(devices[0].id.find("platform:vivid-000"), std::string::npos) << devices[0].id;
    EXPECT_NE(devices[1].id.find("platform:vivid-001"), std::string::npos) << devices[1].id;
    EXPECT_NE(devices[0].id, devices[1].id);
    // vivid's instances all hang off one platform device in sysfs: one group.
    EXPECT_EQ(devices[0].groupId, "sysfs:/sys/devices/platform/vivid.0");
    EXPECT_EQ(devices[1].groupId, devices[0].groupId);
    for (const auto& device : devices)
        EXPECT_GT(device.videoModes.size(), 20U);
}

// v4l2-ctl --list-formats-ext, parsed: the first fourcc of each native format (the backend
// keeps only that one, e.g. AR24 before XR24), with its sizes and discrete rates.
std::set<std::tuple<std::string, int, int, long>> v4l2CtlModes(const std::string& node)
{
    std::set<std::tuple<std::string, int, int, long>> modes;
    std::set<NativePixelFormat> formats;
    std::string fourcc;
    bool keep = false;
    int width = 0;
    int height = 0;
    std::istringstream lines(run("v4l2-ctl -d " + node + " --list-formats-ext"));
    for (std::string line; std::getline(lines, line);) {
        char name[5] = {};
        double seconds = 0;
        double fps = 0;
        if (const auto quote = line.find("]: '"); quote != std::string::npos) {
            fourcc = line.substr(quote + 4, 4);
            const std::uint32_t code = v4l2_fourcc(fourcc[0], fourcc[1], fourcc[2], fourcc[3]);
            const auto native = nativeFormat(code);
            keep = native && formats.insert(*native).second;
            if (keep)
                fourcc = std::string(toString(*native));
        } else if (std::sscanf(line.c_str(), " Size: Discrete %dx%d", &width, &height) == 2) {
        } else if (std::sscanf(line.c_str(), " Interval: Discrete %lfs (%lf fps)", &seconds,
                               &fps) == 2) {
            if (keep)
                modes.emplace(fourcc, width, height, std::lround(fps * 1000));
        }
        static_cast<void>(name);
    }
    return modes;
}

TEST_F(VividTest, ModesMatchV4l2CtlListFormatsExt)
{
    for (int instance : {0, 1}) {
        const auto device = vivid(instance);
        ASSERT_TRUE(device);
        const auto expected = v4l2CtlModes(instance == 0 ? node0_ : node1_);
        ASSERT_GT(expected.size(), 20U) << "v4l2-ctl output not understood";
        std::set<std::tuple<std::string, int, int, long>> actual;
        for (const auto& mode : device->videoModes) {
            EXPECT_EQ(mode.minFrameRate, mode.maxFrameRate); // vivid's webcam: discrete rates
            actual.emplace(std::string(toString(mode.format)), mode.width, mode.height,
                           std::lround(mode.maxFrameRate * 1000));
        }
        EXPECT_EQ(actual, expected) << "instance " << instance;
        // The formats the backend must handle are all there.
        std::set<std::string> formats;
        for (const auto& [format, w, h, rate] : actual)
            formats.insert(format);
        for (const char* format : {"yuyv", "uyvy", "nv12", "i420", "rgb24", "bgr24"})
            EXPECT_TRUE(formats.count(format) || formats.count(std::string(format)))
                    << format << " missing on instance " << instance;
    }
}

struct CaptureCase
{
    int instance;
    NativePixelFormat format;
    int width;
    int height;
};

class VividCaptureTest : public VividTest, public ::testing::WithParamInterface<CaptureCase>
{};

TEST_P(VividCaptureTest, FramesOfTheRightSizeCountAndPace)
{
    const CaptureCase c = GetParam();
    const auto device = vivid(c.instance);
    ASSERT_TRUE(device);
    const auto mode = modeOf(*device, c.format, c.width, c.height);
    ASSERT_TRUE(mode) << toString(c.format) << " " << c.width << "x" << c.height;
    auto opened = backend_->open(device->id);
    ASSERT_TRUE(opened) << opened.error().toString();
    auto& camera = static_cast<V4l2Device&>(**opened);
    ASSERT_TRUE(camera.configure(*mode));
    Sink sink;
    const auto started = Steady::now();
    ASSERT_TRUE(camera.start(sink)) << "start";
    constexpr std::size_t kFrames = 15;
    ASSERT_TRUE(sink.waitFrames(kFrames));
    camera.stop();
    const auto seen = sink.seen();
    ASSERT_GE(seen.size(), kFrames);
    EXPECT_TRUE(sink.errors().empty());
    for (const auto& s : seen) {
        EXPECT_EQ(s.frame.format, c.format);
        EXPECT_EQ(s.frame.width, c.width);
        EXPECT_EQ(s.frame.height, c.height);
        EXPECT_TRUE(s.decoded);
    }
    const std::size_t pixels = static_cast<std::size_t>(c.width) * c.height;
    const std::size_t expectedSize =
            c.format == NativePixelFormat::RGB24 || c.format == NativePixelFormat::BGR24
                    ? pixels * 3
            : c.format == NativePixelFormat::YUYV || c.format == NativePixelFormat::UYVY
                    ? pixels * 2
                    : pixels * 3 / 2;
    EXPECT_EQ(seen[0].frame.size, expectedSize);
    // Pace: the driver's timestamps advance by the frame interval (frames may be skipped when
    // the emulated CPU falls behind, never delivered twice or out of order).
    const double period = 1e9 / mode->maxFrameRate;
    for (std::size_t i = 1; i < seen.size(); ++i) {
        EXPECT_GT(seen[i].frame.timestamp, seen[i - 1].frame.timestamp);
        EXPECT_GT(seen[i].frame.frameNumber, seen[i - 1].frame.frameNumber);
    }
    const auto span = seen.back().frame.timestamp - seen.front().frame.timestamp;
    const auto numbers = seen.back().frame.frameNumber - seen.front().frame.frameNumber;
    const double perFrame = static_cast<double>(span.count()) / static_cast<double>(numbers);
    EXPECT_NEAR(perFrame, period, period * 0.2) << "ns per frame number";
    // And in wall-clock time, kFrames arrive in about kFrames periods (with room for TCG).
    const double wall =
            std::chrono::duration<double, std::nano>(seen[kFrames - 1].arrived - started).count();
    EXPECT_GT(wall, period * (kFrames - 2));
    EXPECT_LT(wall, period * kFrames * 4 + 2e9);
    const double dropped = static_cast<double>(numbers + 1 - seen.size()) / (numbers + 1);
    EXPECT_LT(dropped, 0.3) << "most frames are delivered";
    EXPECT_EQ(camera.stats().errorBuffers.load(), 0U);
}

INSTANTIATE_TEST_SUITE_P(Formats, VividCaptureTest,
                         ::testing::Values(CaptureCase{0, NativePixelFormat::YUYV, 320, 180},
                                           CaptureCase{0, NativePixelFormat::UYVY, 320, 180},
                                           CaptureCase{0, NativePixelFormat::NV12, 640, 360},
                                           CaptureCase{0, NativePixelFormat::I420, 320, 180},
                                           CaptureCase{0, NativePixelFormat::RGB24, 320, 180},
                                           CaptureCase{0, NativePixelFormat::BGR24, 640, 360},
                                           CaptureCase{1, NativePixelFormat::YUYV, 320, 180},
                                           CaptureCase{1, NativePixelFormat::NV12, 320, 180}),
                         [](const auto& param) {
                             return std::string(toString(param.param.format)) + "_" +
                                    std::to_string(param.param.width) + "x" +
                                    std::to_string(param.param.height) +
                                    (param.param.instance == 1 ? "_mplane" : "");
                         });

TEST_F(VividTest, ErrorFlaggedBuffersAreSkipped)
{
    Sink sink;
    const auto opened = streamFirstVivid(sink);
    ASSERT_TRUE(opened);
    auto& camera = static_cast<V4l2Device&>(*opened);
    // Each press marks the next buffer V4L2_BUF_FLAG_ERROR.
    for (int press = 0; press < 3; ++press) {
        ASSERT_TRUE(setControl(node0_, "Inject V4L2_BUF_FLAG_ERROR", 1));
        ASSERT_TRUE(sink.waitFrames(sink.seen().size() + 2));
    }
    camera.stop();
    EXPECT_GE(camera.stats().errorBuffers.load(), 3U);
    for (const auto& s : sink.seen())
        EXPECT_TRUE(s.decoded);
    EXPECT_TRUE(sink.errors().empty());
}

// vivid queues V4L2_EVENT_SOURCE_CHANGE (resolution) for its webcam input when the colorspace
// control changes; the size stays, so the stream restarts in its mode and frames go on.
TEST_F(VividTest, ASourceChangeEventRestartsTheStreamInItsMode)
{
    Sink sink;
    const auto opened = streamFirstVivid(sink);
    ASSERT_TRUE(opened);
    auto& camera = static_cast<V4l2Device&>(*opened);
    const auto colorspace = controlValue(node0_, "Colorspace");
    ASSERT_TRUE(colorspace);
    ASSERT_TRUE(setControl(node0_, "Colorspace", *colorspace == 0 ? 1 : 0));
    EXPECT_TRUE(eventually(
            [&] { return camera.stats().restarts.load() >= 1 || !sink.errors().empty(); }));
    const std::size_t before = sink.seen().size();
    ASSERT_TRUE(sink.waitFrames(before + 3));
    camera.stop();
    ASSERT_TRUE(setControl(node0_, "Colorspace", *colorspace));
    EXPECT_TRUE(sink.errors().empty()) << sink.errors().front().toString();
    EXPECT_EQ(camera.stats().sourceChanges.load(), 1U);
    EXPECT_EQ(camera.stats().restarts.load(), 1U);
    const auto seen = sink.seen();
    // Numbers go on across the restart (the driver counts from 0 again).
    for (std::size_t i = 1; i < seen.size(); ++i) {
        EXPECT_GT(seen[i].frame.frameNumber, seen[i - 1].frame.frameNumber) << i;
        EXPECT_EQ(seen[i].frame.width, 320);
        EXPECT_EQ(seen[i].frame.height, 180);
    }
    std::printf("source change: %zu frames, %llu restarts; frame numbers", seen.size(),
                static_cast<unsigned long long>(camera.stats().restarts.load()));
    for (const auto& s : seen)
        std::printf(" %llu", static_cast<unsigned long long>(s.frame.frameNumber));
    std::printf("\n");
}

// vivid's HDMI input: choosing another "DV Timings" (in "Selected DV Timings" mode) queues a
// source change, and the backend sets the new timings. With the capture scaler the configured
// 640x480 stays (the stream restarts); without scaler, crop and compose the size follows the
// source (720x480) and the track ends, naming it.
TEST_F(VividTest, AnHdmiSourceChangeRestartsWithAScalerAndEndsWithout)
{
    backend_.reset();
    // The webcam input again for the tests after this one, whatever happens here.
    struct Restore
    {
        std::string node;
        ~Restore()
        {
            for (const char* control :
                 {"Enable Capture Scaler", "Enable Capture Cropping", "Enable Capture Composing"})
                setControl(node, control, 1);
            setControl(node, "DV Timings Signal Mode", 0);
            selectInput(node, 0);
        }
    } restore{node0_};
    ASSERT_TRUE(selectInput(node0_, 3)) << "vivid's input 3 is HDMI";
    for (const bool scaler : {true, false}) {
        SCOPED_TRACE(scaler ? "with the scaler" : "without");
        ASSERT_TRUE(setControl(node0_, "DV Timings Signal Mode", 4)); // Selected DV Timings
        setControl(node0_, "DV Timings", 0);                          // 640x480p59
        ASSERT_TRUE(followDvTimings(node0_));
        for (const char* control :
             {"Enable Capture Scaler", "Enable Capture Cropping", "Enable Capture Composing"})
            ASSERT_TRUE(setControl(node0_, control, scaler ? 1 : 0)) << control;
        auto backend = createV4l2Backend(systemClock());
        std::optional<DeviceDescription> hdmi;
        for (auto& device : backend->enumerate()) {
            if (device.id.find("platform:vivid-000") != std::string::npos)
                hdmi = device;
        }
        ASSERT_TRUE(hdmi);
        const auto mode = modeOf(*hdmi, NativePixelFormat::YUYV, 640, 480);
        ASSERT_TRUE(mode) << "640x480 among the HDMI input's modes";
        auto opened = backend->open(hdmi->id);
        ASSERT_TRUE(opened) << opened.error().toString();
        auto& camera = static_cast<V4l2Device&>(**opened);
        ASSERT_TRUE(camera.configure(*mode));
        Sink sink;
        ASSERT_TRUE(camera.start(sink));
        ASSERT_TRUE(sink.waitFrames(2));
        ASSERT_TRUE(setControl(node0_, "DV Timings", 2)); // 720x480p59
        EXPECT_TRUE(eventually(
                [&] { return camera.stats().restarts.load() >= 1 || !sink.errors().empty(); }));
        if (scaler) {
            const std::size_t before = sink.seen().size();
            EXPECT_TRUE(sink.waitFrames(before + 2));
        }
        camera.stop();
        const auto changes = camera.stats().sourceChanges.load();
        const auto errors = sink.errors();
        std::printf("HDMI %s: %llu source changes, %llu restarts\n",
                    scaler ? "with a scaler" : "without", static_cast<unsigned long long>(changes),
                    static_cast<unsigned long long>(camera.stats().restarts.load()));
        if (scaler) {
            // vivid may queue a second event for the same change (the control's cluster): each
            // one restarts the stream.
            EXPECT_GE(changes, 1U);
            EXPECT_EQ(camera.stats().restarts.load(), changes);
            EXPECT_TRUE(errors.empty()) << errors.front().toString();
            for (const auto& seen : sink.seen())
                EXPECT_EQ(seen.frame.width, 640);
        } else {
            EXPECT_EQ(changes, 1U);
            EXPECT_EQ(camera.stats().restarts.load(), 0U);
            ASSERT_EQ(errors.size(), 1U);
            std::printf("without a scaler: %s\n", errors.front().toString().c_str());
            EXPECT_NE(errors.front().message.find("720x480"), std::string::npos);
        }
        opened->reset();
    }
    EXPECT_EQ(countVideoMappings(), 0);
}

TEST_F(VividTest, GetUserMediaPicksTheExpectedVividModes)
{
    auto devices = makeDevices();
    const std::string id0 = deviceIdOf(devices, 0);
    ASSERT_FALSE(id0.empty());
    struct Case
    {
        std::string constraints;
        int width;
        int height;
        double frameRate;
    };
    const std::vector<Case> cases = {
            {R"({"video": {"deviceId": {"exact": ")" + id0 +
                     R"("}, "width": {"exact": 640}, "height": {"exact": 360}}})",
             640, 360, 0},
            {R"({"video": {"deviceId": {"exact": ")" + id0 +
                     R"("}, "width": 320, "height": 180, "frameRate": {"exact": 15}}})",
             320, 180, 15},
            {R"({"video": {"deviceId": {"exact": ")" + id0 +
                     R"("}, "width": {"min": 1000}, "height": {"max": 800}}})",
             1280, 720, 0},
    };
    for (const auto& c : cases) {
        auto stream = devices.getUserMedia(c.constraints).waitFor(20s);
        ASSERT_TRUE(stream && *stream)
                << c.constraints << ": " << (stream && !*stream ? stream->error().toString() : "");
        auto track = (*stream)->getVideoTracks().at(0);
        const auto settings = track.getSettings();
        EXPECT_EQ(settings.width, c.width) << c.constraints;
        EXPECT_EQ(settings.height, c.height) << c.constraints;
        if (c.frameRate > 0) {
            EXPECT_EQ(settings.frameRate, c.frameRate) << c.constraints;
        }
        std::mutex mutex;
        std::condition_variable arrived;
        std::vector<std::pair<int, int>> sizes;
        track.addVideoSink([&](const VideoFrame& frame) {
            std::lock_guard lock(mutex);
            sizes.emplace_back(frame.width(), frame.height());
            arrived.notify_all();
        });
        {
            std::unique_lock lock(mutex);
            ASSERT_TRUE(arrived.wait_for(lock, 20s, [&] { return sizes.size() >= 3; }));
            for (const auto& size : sizes)
                EXPECT_EQ(size, std::make_pair(c.width, c.height));
        }
        track.stop();
    }
}

TEST_F(VividTest, ASecondOpenerIsNotReadable)
{
    const auto device = vivid(0);
    ASSERT_TRUE(device);
    auto first = backend_->open(device->id);
    ASSERT_TRUE(first);
    Sink sink;
    ASSERT_TRUE((*first)->start(sink));
    auto devices = makeDevices();
    const std::string id0 = deviceIdOf(devices, 0);
    auto stream = devices.getUserMedia(R"({"video": {"deviceId": {"exact": ")" + id0 + R"("}}})")
                          .waitFor(20s);
    ASSERT_TRUE(stream);
    ASSERT_FALSE(*stream);
    EXPECT_EQ(stream->error().name, ErrorName::NotReadableError) << stream->error().toString();
    EXPECT_NE(stream->error().message.find(node0_), std::string::npos) << stream->error().message;
    EXPECT_NE(stream->error().message.find(std::strerror(EBUSY)), std::string::npos)
            << stream->error().message;
    (*first)->stop();
}

TEST_F(VividTest, AStreamOnErrorIsNotReadable)
{
    const auto device = vivid(0);
    ASSERT_TRUE(device);
    ASSERT_TRUE(setControl(node0_, "Inject VIDIOC_STREAMON Error", 1));
    auto opened = backend_->open(device->id);
    ASSERT_TRUE(opened);
    Sink sink;
    auto started = (*opened)->start(sink);
    // vivid consumes the injected error with the STREAMON it fails.
    ASSERT_FALSE(started);
    EXPECT_EQ(started.error().name, ErrorName::NotReadableError);
    EXPECT_NE(started.error().message.find("VIDIOC_STREAMON on " + node0_), std::string::npos)
            << started.error().message;
    // Nothing stays mapped after the failed start; the node streams again afterwards.
    EXPECT_EQ(countVideoMappings(), 0);
    auto again = (*opened)->start(sink);
    ASSERT_TRUE(again) << again.error().toString();
    ASSERT_TRUE(sink.waitFrames(2));
    (*opened)->stop();
}

TEST_F(VividTest, NoFdOrMappingLeaksAcrossStreams)
{
    const int fds = countFds();
    ASSERT_EQ(countVideoMappings(), 0);
    {
        auto devices = makeDevices();
        const std::string id0 = deviceIdOf(devices, 0);
        for (int round = 0; round < 3; ++round) {
            auto stream =
                    devices.getUserMedia(
                                   R"({"video": {"deviceId": {"exact": ")" + id0 +
                                   R"("}, "width": {"exact": 320}, "height": {"exact": 180}}})")
                            .waitFor(20s);
            ASSERT_TRUE(stream && *stream);
            auto track = (*stream)->getVideoTracks().at(0);
            FrameCounter frames;
            track.addVideoSink(frames.sink());
            EXPECT_GT(countVideoMappings(), 0); // streaming maps the driver's buffers
            EXPECT_TRUE(frames.waitFor(3));
            track.stop();
        }
    }
    EXPECT_TRUE(eventually([&] { return countVideoMappings() == 0 && countFds() == fds; }))
            << countVideoMappings() << " mappings, " << countFds() << " fds, not " << fds;
}

// Last: vivid's Disconnect control unregisters instance 1 for good.
TEST_F(VividTest, ZzDisconnectEndsTheTrackWithin200Ms)
{
    const int fds = countFds();
    Steady::time_point endedAt;
    std::mutex mutex;
    std::condition_variable changed;
    bool ended = false;
    bool deviceChange = false;
    {
        auto devices = makeDevices();
        devices.addEventListener("devicechange", [&] {
            std::lock_guard lock(mutex);
            deviceChange = true;
            changed.notify_all();
        });
        const std::string id1 = deviceIdOf(devices, 1);
        auto stream = devices.getUserMedia(R"({"video": {"deviceId": {"exact": ")" + id1 +
                                           R"("}, "width": {"exact": 320}}})")
                              .waitFor(20s);
        ASSERT_TRUE(stream && *stream);
        auto track = (*stream)->getVideoTracks().at(0);
        track.addEventListener("ended", [&] {
            std::lock_guard lock(mutex);
            endedAt = Steady::now();
            ended = true;
            changed.notify_all();
        });
        FrameCounter frames;
        track.addVideoSink(frames.sink());
        ASSERT_TRUE(frames.waitFor(3));
        const auto pressed = Steady::now();
        ASSERT_TRUE(setControl(node1_, "Disconnect", 1));
        {
            std::unique_lock lock(mutex);
            ASSERT_TRUE(changed.wait_for(lock, 10s, [&] { return ended && deviceChange; }));
        }
        const auto latency =
                std::chrono::duration_cast<std::chrono::milliseconds>(endedAt - pressed);
        std::printf("disconnect -> ended in %lld ms\n", static_cast<long long>(latency.count()));
        EXPECT_LE(latency.count(), 200);
        EXPECT_EQ(track.readyState(), MediaStreamTrackState::Ended);
        EXPECT_EQ(countVideoMappings(), 0); // released when the node went, not at stop()
        // vivid registers the node again once its last user closed it: seeing it back proves
        // the backend closed its fd when the node went.
        EXPECT_TRUE(eventually([&] { return backend_->enumerate().size() == 2; }));
    }
    EXPECT_TRUE(eventually([&] { return countVideoMappings() == 0 && countFds() == fds; }))
            << countVideoMappings() << " mappings, " << countFds() << " fds, not " << fds;
}

} // namespace
} // namespace usermedia::v4l2

namespace usermedia::v4l2 {
namespace {

// After the others: unloads vivid (its nodes leave /dev) and loads it again; inotify on /dev
// turns both into devicechange, and enumerateDevices() follows.
TEST_F(VividTest, ZzzUnloadingAndReloadingVividFiresDeviceChange)
{
    backend_.reset();
    vmtest::expectDeviceChangeOnReload("vivid", MediaDeviceKind::VideoInput, 2);
}

} // namespace
} // namespace usermedia::v4l2
