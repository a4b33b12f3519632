// SPDX-License-Identifier: MIT
#include <cmath>
#include <memory>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libyuv.h>

#include <usermedia/clock.h>

#include "backends/fake/fake_backend.h"
#include "backends/fake/test_pattern.h"
#include "backends/fake/video_generator.h"

#include "unit/fake/recording_sink.h"

namespace usermedia::fake {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;
using testing::RecordedFrame;
using testing::RecordingSink;

// An I420 copy of a native frame, the way the core's conversion would make it.
struct I420Picture
{
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> y, u, v;

    I420Picture(int w, int h)
        : width(w),
          height(h),
          y(std::size_t(w) * h),
          u(std::size_t((w + 1) / 2) * ((h + 1) / 2)),
          v(u.size())
    {}
    int chromaStride() const { return (width + 1) / 2; }
};

I420Picture toI420(const RecordedFrame& frame)
{
    const int w = frame.width;
    const int h = frame.height;
    I420Picture out(w, h);
    const std::uint8_t* src = frame.bytes.data();
    std::uint8_t* y = out.y.data();
    std::uint8_t* u = out.u.data();
    std::uint8_t* v = out.v.data();
    const int cs = out.chromaStride();
    const std::size_t lumaBytes = std::size_t(w) * h;
    const std::size_t chromaBytes = out.u.size();
    int rc = 0;
    switch (frame.format) {
    case NativePixelFormat::I420:
        rc = libyuv::I420Copy(src, w, src + lumaBytes, cs, src + lumaBytes + chromaBytes, cs, y, w,
                              u, cs, v, cs, w, h);
        break;
    case NativePixelFormat::YV12:
        rc = libyuv::I420Copy(src, w, src + lumaBytes + chromaBytes, cs, src + lumaBytes, cs, y, w,
                              u, cs, v, cs, w, h);
        break;
    case NativePixelFormat::NV12:
        rc = libyuv::NV12ToI420(src, w, src + lumaBytes, cs * 2, y, w, u, cs, v, cs, w, h);
        break;
    case NativePixelFormat::YUYV:
        rc = libyuv::YUY2ToI420(src, cs * 4, y, w, u, cs, v, cs, w, h);
        break;
    case NativePixelFormat::UYVY:
        rc = libyuv::UYVYToI420(src, cs * 4, y, w, u, cs, v, cs, w, h);
        break;
    case NativePixelFormat::MJPEG:
        rc = libyuv::MJPGToI420(src, frame.bytes.size(), y, w, u, cs, v, cs, w, h, w, h);
        break;
    case NativePixelFormat::RGB24:
        rc = libyuv::RAWToI420(src, w * 3, y, w, u, cs, v, cs, w, h);
        break;
    case NativePixelFormat::BGR24:
        rc = libyuv::RGB24ToI420(src, w * 3, y, w, u, cs, v, cs, w, h);
        break;
    case NativePixelFormat::BGRA:
        rc = libyuv::ARGBToI420(src, w * 4, y, w, u, cs, v, cs, w, h);
        break;
    case NativePixelFormat::Y16:
        for (std::size_t i = 0; i < lumaBytes; ++i)
            y[i] = src[2 * i + 1]; // the high byte of each little-endian sample
        break;
    }
    EXPECT_EQ(rc, 0) << "libyuv failed to convert " << toString(frame.format);
    return out;
}

std::optional<std::uint64_t> frameNumberIn(const I420Picture& picture)
{
    return readFrameNumber(picture.y.data(), picture.width, picture.width, picture.height);
}

std::string videoDevice(const std::string& modes)
{
    return R"({"devices": [{"kind": "videoinput", "id": "cam", "label": "Cam", "modes": [)" +
           modes + "]}]}";
}

class FakeVideo : public ::testing::Test
{
protected:
    std::unique_ptr<Device> open(const std::string& json)
    {
        auto backend = createFakeBackend(json, clock_);
        EXPECT_TRUE(backend.has_value()) << backend.error().message;
        backend_ = std::move(*backend);
        auto device = backend_->open("cam");
        EXPECT_TRUE(device.has_value()) << device.error().message;
        return std::move(*device);
    }

    std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>(seconds(1));
    std::unique_ptr<Backend> backend_;
    RecordingSink sink_;
};

// Frame n is delivered once its exposure is over, at start + (n + 1) / fps, and stamped with
// start + n / fps: nothing at start() itself, then exactly fps frames per second.
TEST_F(FakeVideo, DeliversExactlyFpsFramesPerSecondOfClockTime)
{
    auto device = open(
            videoDevice(R"({"format": "yuyv", "width": 160, "height": 120, "frameRate": 30})"));
    const nanoseconds start = clock_->now();
    ASSERT_TRUE(device->start(sink_).has_value());
    clock_->settle();
    EXPECT_EQ(sink_.frames().size(), 0U);
    clock_->advance(milliseconds(33)); // not yet frame 0's due time (33.3 ms)
    EXPECT_EQ(sink_.frames().size(), 0U);
    clock_->advance(seconds(2) - milliseconds(33));
    EXPECT_EQ(sink_.frames().size(), 60U);
    clock_->advance(milliseconds(33)); // not yet frame 60's due time (2.0333 s)
    device->stop();

    const auto frames = sink_.frames();
    ASSERT_EQ(frames.size(), 60U);
    for (std::size_t n = 0; n < frames.size(); ++n) {
        EXPECT_EQ(frames[n].frameNumber, n);
        const auto expected = start + nanoseconds(std::llround(double(n) * 1e9 / 30));
        EXPECT_EQ(frames[n].timestamp, expected) << n;
        EXPECT_EQ(frameNumberIn(toI420(frames[n])), n);
    }
    EXPECT_EQ(frames[30].timestamp, start + seconds(1));
    EXPECT_TRUE(sink_.errors().empty());
}

TEST_F(FakeVideo, FlashesInStepWithClockSeconds)
{
    auto device = open(
            videoDevice(R"({"format": "i420", "width": 320, "height": 240, "frameRate": 30})"));
    ASSERT_TRUE(device->start(sink_).has_value());
    clock_->advance(milliseconds(2500));
    device->stop();
    int flashes = 0;
    for (const RecordedFrame& frame : sink_.frames()) {
        const bool expected = frame.timestamp % seconds(1) < milliseconds(100);
        EXPECT_EQ(readFlash(toI420(frame).y.data(), 320, 320, 240), expected) << frame.frameNumber;
        flashes += expected ? 1 : 0;
    }
    EXPECT_EQ(flashes, 3 * 3); // frames 0-2 of each of the seconds 1, 2 and 3 of clock time
}

TEST_F(FakeVideo, ConfigureChoosesModeAndRate)
{
    auto device = open(videoDevice(
            R"({"format": "nv12", "width": 64, "height": 48, "frameRate": {"min": 1, "max": 30}},
               {"format": "i420", "width": 64, "height": 48, "frameRates": [30, 5]})"));
    EXPECT_EQ(device->configure(NativeVideoMode{NativePixelFormat::I420, 64, 48, 15, 15})
                      .error()
                      .name,
              ErrorName::NotFoundError);
    EXPECT_EQ(
            device->configure(NativeVideoMode{NativePixelFormat::NV12, 64, 48, 1, 60}).error().name,
            ErrorName::NotFoundError);
    EXPECT_EQ(device->configure(NativeVideoMode{NativePixelFormat::YUYV, 64, 48, 30, 30})
                      .error()
                      .name,
              ErrorName::NotFoundError);
    ASSERT_TRUE(device->configure(NativeVideoMode{NativePixelFormat::NV12, 64, 48, 10, 10}));

    ASSERT_TRUE(device->start(sink_).has_value());
    EXPECT_EQ(device->start(sink_).error().name, ErrorName::InvalidStateError);
    EXPECT_EQ(
            device->configure(NativeVideoMode{NativePixelFormat::I420, 64, 48, 5, 5}).error().name,
            ErrorName::InvalidStateError);
    clock_->advance(seconds(1));
    device->stop();
    const auto frames = sink_.frames();
    ASSERT_EQ(frames.size(), 10U);
    EXPECT_EQ(frames.back().format, NativePixelFormat::NV12);
    EXPECT_EQ(frames.back().frameNumber, 9U);
    EXPECT_EQ(frames.back().timestamp, seconds(1) + milliseconds(900));
}

TEST_F(FakeVideo, RestartsFromFrameZeroAtTheNewStartTime)
{
    auto device =
            open(videoDevice(R"({"format": "i420", "width": 64, "height": 48, "frameRate": 10})"));
    ASSERT_TRUE(device->start(sink_).has_value());
    clock_->advance(milliseconds(250));
    device->stop();
    device->stop();              // idempotent
    clock_->advance(seconds(5)); // nothing runs while stopped
    ASSERT_EQ(sink_.frames().size(), 2U);

    const nanoseconds restart = clock_->now();
    ASSERT_TRUE(device->start(sink_).has_value());
    clock_->advance(milliseconds(200));
    device->stop();
    const auto frames = sink_.frames();
    ASSERT_EQ(frames.size(), 4U);
    EXPECT_EQ(frames[2].frameNumber, 0U);
    EXPECT_EQ(frames[2].timestamp, restart);
    EXPECT_EQ(frames[3].frameNumber, 1U);
    EXPECT_EQ(frames[3].timestamp, restart + milliseconds(100));
}

// stop() must not wait for the clock: this one never moves.
TEST_F(FakeVideo, StopJoinsWhileTheClockStandsStill)
{
    auto device =
            open(videoDevice(R"({"format": "mjpeg", "width": 64, "height": 48, "frameRate": 1})"));
    ASSERT_TRUE(device->start(sink_).has_value());
    clock_->settle();
    device->stop();
    EXPECT_TRUE(sink_.frames().empty()); // frame 0 is not over before the clock moves
    // And a device destroyed while capturing stops itself.
    ASSERT_TRUE(device->start(sink_).has_value());
    device.reset();
}

struct FormatCase
{
    NativePixelFormat format;
    int width;
    int height;
    std::size_t bytes; // 0: compressed
};

void PrintTo(const FormatCase& c, std::ostream* os)
{
    *os << toString(c.format) << " " << c.width << "x" << c.height;
}

class FakeVideoFormats : public FakeVideo, public ::testing::WithParamInterface<FormatCase>
{};

TEST_P(FakeVideoFormats, ProduceTheRightBytesAndAReadablePattern)
{
    const FormatCase& c = GetParam();
    auto device = open(videoDevice(R"({"format": ")" + std::string(toString(c.format)) +
                                   R"(", "width": )" + std::to_string(c.width) + R"(, "height": )" +
                                   std::to_string(c.height) + R"(, "frameRate": 30})"));
    ASSERT_TRUE(device->start(sink_).has_value());
    clock_->advance(milliseconds(100));
    device->stop();
    const auto frames = sink_.frames();
    ASSERT_EQ(frames.size(), 3U);
    EXPECT_EQ(VideoGenerator::frameSize(c.format, c.width, c.height), c.bytes);
    for (const RecordedFrame& frame : frames) {
        EXPECT_EQ(frame.format, c.format);
        EXPECT_EQ(frame.width, c.width);
        EXPECT_EQ(frame.height, c.height);
        if (c.bytes != 0) {
            EXPECT_EQ(frame.bytes.size(), c.bytes);
        } else {
            ASSERT_GE(frame.bytes.size(), 4U);
            EXPECT_EQ(frame.bytes[0], 0xFF); // SOI
            EXPECT_EQ(frame.bytes[1], 0xD8);
            EXPECT_EQ(frame.bytes[frame.bytes.size() - 2], 0xFF); // EOI
            EXPECT_EQ(frame.bytes.back(), 0xD9);
        }
        const I420Picture picture = toI420(frame);
        EXPECT_EQ(frameNumberIn(picture), frame.frameNumber);
        // A third of the size, as a track asking for a smaller picture would get it.
        const int w = std::max(64, c.width / 3);
        const int h = std::max(1, c.height / 3);
        I420Picture small(w, h);
        ASSERT_EQ(libyuv::I420Scale(picture.y.data(), c.width, picture.u.data(),
                                    picture.chromaStride(), picture.v.data(),
                                    picture.chromaStride(), c.width, c.height, small.y.data(), w,
                                    small.u.data(), small.chromaStride(), small.v.data(),
                                    small.chromaStride(), w, h, libyuv::kFilterBox),
                  0);
        EXPECT_EQ(frameNumberIn(small), frame.frameNumber);
    }
}

INSTANTIATE_TEST_SUITE_P(
        All, FakeVideoFormats,
        ::testing::Values(FormatCase{NativePixelFormat::I420, 320, 240, 320 * 240 * 3 / 2},
                          FormatCase{NativePixelFormat::I420, 321, 241, 321 * 241 + 2 * 161 * 121},
                          FormatCase{NativePixelFormat::YV12, 321, 241, 321 * 241 + 2 * 161 * 121},
                          FormatCase{NativePixelFormat::NV12, 320, 240, 320 * 240 * 3 / 2},
                          FormatCase{NativePixelFormat::NV12, 321, 241, 321 * 241 + 2 * 161 * 121},
                          FormatCase{NativePixelFormat::YUYV, 320, 240, 320 * 240 * 2},
                          FormatCase{NativePixelFormat::YUYV, 321, 241, 322 * 241 * 2},
                          FormatCase{NativePixelFormat::UYVY, 320, 240, 320 * 240 * 2},
                          FormatCase{NativePixelFormat::RGB24, 320, 240, 320 * 240 * 3},
                          FormatCase{NativePixelFormat::BGR24, 321, 241, 321 * 241 * 3},
                          FormatCase{NativePixelFormat::BGRA, 320, 240, 320 * 240 * 4},
                          FormatCase{NativePixelFormat::Y16, 321, 241, 321 * 241 * 2},
                          FormatCase{NativePixelFormat::MJPEG, 640, 480, 0},
                          FormatCase{NativePixelFormat::MJPEG, 321, 241, 0},
                          FormatCase{NativePixelFormat::MJPEG, 1920, 1080, 0}));

// The colours survive conversion: the pattern's green bar stays green in RGB.
TEST(FakeVideoGenerator, RgbBytesAreInTheNamedOrder)
{
    VideoGenerator rgbGenerator(NativePixelFormat::RGB24, 64, 48);
    VideoGenerator bgrGenerator(NativePixelFormat::BGR24, 64, 48);
    VideoGenerator bgraGenerator(NativePixelFormat::BGRA, 64, 48);
    auto rgb = rgbGenerator.generate(0, milliseconds(500));
    auto bgr = bgrGenerator.generate(0, milliseconds(500));
    auto bgra = bgraGenerator.generate(0, milliseconds(500));
    ASSERT_TRUE(rgb && bgr && bgra);
    // Find a green pixel in the RGB frame's bottom row.
    const std::size_t row = std::size_t(47) * 64;
    std::optional<std::size_t> green;
    for (std::size_t x = 0; x < 64 && !green; ++x) {
        const std::uint8_t* p = rgb->data + (row + x) * 3;
        if (p[1] > p[0] + 50 && p[1] > p[2] + 50)
            green = row + x;
    }
    ASSERT_TRUE(green.has_value());
    const std::uint8_t* r = rgb->data + *green * 3;
    const std::uint8_t* b = bgr->data + *green * 3;
    const std::uint8_t* a = bgra->data + *green * 4;
    EXPECT_EQ((std::array{b[2], b[1], b[0]}), (std::array{r[0], r[1], r[2]}));
    EXPECT_EQ((std::array{a[2], a[1], a[0], a[3]}),
              (std::array{r[0], r[1], r[2], std::uint8_t{255}}));
}

} // namespace
} // namespace usermedia::fake
