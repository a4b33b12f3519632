// SPDX-License-Identifier: MIT
// Source -> track -> sink delivery through the public API on fake devices paced by a
// ManualClock: frame-rate decimation patterns, buffer sharing, native pass-through, stats and
// frame metadata.
#include <chrono>
#include <cmath>
#include <set>
#include <string>

#include "backends/fake/test_pattern.h"
#include "pipeline/jpeg_decoder.h"

#include "e2e/e2e_fixture.h"

namespace usermedia::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::string cameraJson(const std::string& format, int width, int height, double rate)
{
    return R"({"devices": [{"kind": "videoinput", "id": "cam", "label": "Cam", "modes": [)"
           R"({"format": ")" +
           format + R"(", "width": )" + std::to_string(width) + R"(, "height": )" +
           std::to_string(height) + R"(, "frameRate": )" + std::to_string(rate) + "}]}]}";
}

class DeliveryTest : public E2eTest
{
protected:
    // The source frame numbers a track at \p trackRate delivers from a \p sourceRate camera
    // over \p duration.
    std::vector<std::uint64_t> decimated(double sourceRate, double trackRate,
                                         std::chrono::nanoseconds duration)
    {
        auto devices = makeDevices(cameraJson("yuyv", 160, 120, sourceRate));
        auto track = open(devices, R"({"video": {"frameRate": {"exact": )" +
                                           std::to_string(trackRate) + "}}}")
                             .getVideoTracks()
                             .at(0);
        EXPECT_EQ(track.getSettings().frameRate, trackRate);
        Collector<VideoFrame> frames;
        track.addVideoSink([&](const VideoFrame& f) { frames.add(f); });
        clock_->advance(duration);
        std::vector<std::uint64_t> numbers;
        for (const auto& frame : frames.frames())
            numbers.push_back(frame.frameNumber());
        const auto stats = track.getStats();
        EXPECT_EQ(stats.deliveredFrames, numbers.size());
        EXPECT_EQ(stats.decimatedFrames + stats.deliveredFrames,
                  static_cast<std::uint64_t>(std::lround(
                          sourceRate * std::chrono::duration<double>(duration).count())));
        EXPECT_NEAR(stats.frameRate, trackRate, trackRate * 0.05);
        track.stop();
        return numbers;
    }

    // Even decimation: the k-th delivered frame is the source frame nearest to where an ideal
    // trackRate clock ticks, never more than one source period off (so no bursts, no holes).
    static void expectEven(const std::vector<std::uint64_t>& numbers, double sourceRate,
                           double trackRate)
    {
        ASSERT_FALSE(numbers.empty());
        const double step = sourceRate / trackRate;
        for (std::size_t k = 0; k < numbers.size(); ++k) {
            const double ideal = static_cast<double>(numbers.front()) + k * step;
            EXPECT_LT(std::abs(static_cast<double>(numbers[k]) - ideal), 1.0)
                    << "delivered frame " << k << " is source frame " << numbers[k];
        }
    }

    static std::vector<std::uint64_t> gaps(const std::vector<std::uint64_t>& numbers)
    {
        std::vector<std::uint64_t> result;
        for (std::size_t i = 1; i < numbers.size(); ++i)
            result.push_back(numbers[i] - numbers[i - 1]);
        return result;
    }
};

TEST_F(DeliveryTest, ThirtyToTwentyDropsOneInThreeEvenly)
{
    const auto numbers = decimated(30, 20, seconds(3));
    ASSERT_EQ(numbers.size(), 60U);
    expectEven(numbers, 30, 20);
    // Kept, kept, dropped: gaps 1 and 2 alternate, never two drops in a row.
    const auto g = gaps(numbers);
    for (std::size_t i = 0; i < g.size(); ++i) {
        ASSERT_TRUE(g[i] == 1 || g[i] == 2) << i;
        if (i > 0) {
            ASSERT_EQ(g[i] + g[i - 1], 3U) << i;
        }
    }
}

TEST_F(DeliveryTest, ThirtyToFifteenKeepsEveryOtherFrame)
{
    const auto numbers = decimated(30, 15, seconds(2));
    ASSERT_EQ(numbers.size(), 30U);
    expectEven(numbers, 30, 15);
    for (const auto gap : gaps(numbers))
        ASSERT_EQ(gap, 2U);
}

TEST_F(DeliveryTest, ThirtyToTenKeepsOneInThree)
{
    const auto numbers = decimated(30, 10, seconds(3));
    ASSERT_EQ(numbers.size(), 30U);
    expectEven(numbers, 30, 10);
    for (const auto gap : gaps(numbers))
        ASSERT_EQ(gap, 3U);
}

TEST_F(DeliveryTest, TwentyFiveToTwentyFourDropsOneInTwentyFiveSpreadOut)
{
    const auto numbers = decimated(25, 24, seconds(4));
    ASSERT_EQ(numbers.size(), 96U);
    expectEven(numbers, 25, 24);
    // One drop per second, 24 or 25 frames apart, never two together.
    std::vector<std::size_t> drops;
    const auto g = gaps(numbers);
    for (std::size_t i = 0; i < g.size(); ++i) {
        ASSERT_LE(g[i], 2U);
        if (g[i] == 2)
            drops.push_back(i);
    }
    ASSERT_GE(drops.size(), 3U);
    for (std::size_t i = 1; i < drops.size(); ++i)
        EXPECT_NEAR(static_cast<double>(drops[i] - drops[i - 1]), 24.0, 1.0);
}

TEST_F(DeliveryTest, SameSettingsShareOneBufferDifferentSizesDoNot)
{
    auto devices = makeDevices(cameraJson("yuyv", 640, 480, 30));
    auto full = open(devices, R"({"video": {"width": 640, "height": 480}})").getVideoTracks().at(0);
    auto fullClone = full.clone();
    auto small = full.clone();
    ASSERT_TRUE(await(small.applyConstraints(*parseMediaTrackConstraints(
                              R"({"width": {"exact": 320}, "height": {"exact": 240}})")))
                        .has_value());
    auto smallClone = small.clone();
    Collector<VideoFrame> a;
    Collector<VideoFrame> b;
    Collector<VideoFrame> c;
    Collector<VideoFrame> d;
    Collector<VideoFrame> e;
    full.addVideoSink([&](const VideoFrame& f) { a.add(f); });
    fullClone.addVideoSink([&](const VideoFrame& f) { b.add(f); });
    small.addVideoSink([&](const VideoFrame& f) { c.add(f); });
    smallClone.addVideoSink([&](const VideoFrame& f) { d.add(f); });
    small.addVideoSink([&](const VideoFrame& f) { e.add(f); }); // a second sink, same track
    clock_->advance(milliseconds(300));
    ASSERT_EQ(a.size(), 9U);
    ASSERT_EQ(b.size(), a.size());
    ASSERT_EQ(c.size(), a.size());
    ASSERT_EQ(d.size(), a.size());
    ASSERT_EQ(e.size(), a.size());
    const auto fullFrames = a.frames();
    const auto fullCloneFrames = b.frames();
    const auto smallFrames = c.frames();
    const auto smallCloneFrames = d.frames();
    const auto secondSinkFrames = e.frames();
    for (std::size_t i = 0; i < fullFrames.size(); ++i) {
        const auto& fa = fullFrames[i];
        const auto& fc = smallFrames[i];
        EXPECT_EQ(fa.frameNumber(), fc.frameNumber());
        EXPECT_EQ(fa.plane(0).data, fullCloneFrames[i].plane(0).data)
                << "same settings, same buffer";
        EXPECT_EQ(fc.plane(0).data, smallCloneFrames[i].plane(0).data)
                << "same settings, same buffer";
        EXPECT_EQ(fc.plane(0).data, secondSinkFrames[i].plane(0).data) << "same track, same buffer";
        EXPECT_NE(fa.plane(0).data, fc.plane(0).data) << "different sizes";
        EXPECT_EQ(fc.width(), 320);
        EXPECT_EQ(fake::readFrameNumber(fc), fc.frameNumber());
    }
    // Frames still held keep their buffers: a later frame never reuses a held one.
    std::set<const std::uint8_t*> distinct;
    for (const auto& frame : fullFrames)
        distinct.insert(frame.plane(0).data);
    EXPECT_EQ(distinct.size(), fullFrames.size());
}

TEST_F(DeliveryTest, NativeSinkGetsTheUntouchedMjpegBytes)
{
    auto devices = makeDevices(cameraJson("mjpeg", 640, 360, 30));
    auto track =
            open(devices, R"({"video": {"width": 320, "height": 180}})").getVideoTracks().at(0);
    EXPECT_EQ(track.getSettings().width, 320);
    Collector<VideoFrame> native;
    Collector<VideoFrame> scaled;
    track.addVideoSink([&](const VideoFrame& f) { native.add(f); }, VideoPixelFormat::Native);
    track.addVideoSink([&](const VideoFrame& f) { scaled.add(f); });
    clock_->advance(milliseconds(200));
    ASSERT_EQ(native.size(), 6U);
    ASSERT_EQ(scaled.size(), 6U);
    JpegDecoder decoder;
    for (const auto& frame : native.frames()) {
        EXPECT_EQ(frame.format(), VideoPixelFormat::Native);
        EXPECT_EQ(frame.nativeFormat(), "MJPEG");
        EXPECT_EQ(frame.width(), 640) << "native size, not the track's";
        EXPECT_EQ(frame.height(), 360);
        EXPECT_EQ(frame.planeCount(), 1);
        const auto bytes = frame.data();
        ASSERT_GT(bytes.size(), 100U);
        EXPECT_EQ(bytes[0], 0xFF);
        EXPECT_EQ(bytes[1], 0xD8); // SOI
        EXPECT_EQ(bytes[bytes.size() - 2], 0xFF);
        EXPECT_EQ(bytes[bytes.size() - 1], 0xD9); // EOI
        PixelBuffer decoded(VideoPixelFormat::I420, 640, 360);
        ASSERT_TRUE(decoder.decodeI420(bytes.data(), bytes.size(), decoded));
        EXPECT_EQ(fake::readFrameNumber(decoded.y(), decoded.strideY(), 640, 360),
                  frame.frameNumber());
    }
    for (const auto& frame : scaled.frames()) {
        EXPECT_EQ(frame.width(), 320);
        EXPECT_EQ(fake::readFrameNumber(frame), frame.frameNumber());
    }
}

TEST_F(DeliveryTest, NativeSinkOnYuyvGetsPackedBytes)
{
    auto devices = makeDevices(cameraJson("yuyv", 64, 48, 30));
    auto track = open(devices, R"({"video": true})").getVideoTracks().at(0);
    Collector<VideoFrame> native;
    track.addVideoSink([&](const VideoFrame& f) { native.add(f); }, VideoPixelFormat::Native);
    clock_->advance(milliseconds(100));
    ASSERT_EQ(native.size(), 3U);
    EXPECT_EQ(native.frames()[0].nativeFormat(), "YUYV");
    EXPECT_EQ(native.frames()[0].data().size(), 64U * 48 * 2);
    // Distinct frames are distinct copies (the device reuses its own buffer).
    EXPECT_NE(native.frames()[0].data().data(), native.frames()[1].data().data());
}

TEST_F(DeliveryTest, StatsAndMetadata)
{
    auto devices = makeDevices(cameraJson("nv12", 320, 240, 30));
    auto track = open(devices, R"({"video": true})").getVideoTracks().at(0);
    Collector<VideoFrame> frames;
    track.addVideoSink([&](const VideoFrame& f) { frames.add(f); });
    const auto start = clock_->now();
    clock_->advance(seconds(2));
    const auto stats = track.getStats();
    EXPECT_EQ(stats.deliveredFrames, 60U);
    EXPECT_EQ(stats.discardedFrames, 0U);
    EXPECT_EQ(stats.totalFrames, 60U);
    EXPECT_EQ(stats.decimatedFrames, 0U);
    EXPECT_NEAR(stats.frameRate, 30.0, 0.01);
    EXPECT_EQ(stats.lastFrameNumber, 59U);
    const auto got = frames.frames();
    for (std::size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].frameNumber(), i);
        // Capture time on the MediaDevices clock: the start of exposure of frame i.
        const double expected = std::chrono::duration<double>(start).count() + i / 30.0;
        EXPECT_NEAR(std::chrono::duration<double>(got[i].timestamp()).count(), expected, 1e-6);
        EXPECT_FALSE(got[i].deviceTimestamp().has_value()) << "fake devices have no own clock";
        EXPECT_TRUE(got[i].data().empty()) << "pixel frames have no native bytes";
    }
}

TEST_F(DeliveryTest, TrackWithoutSinksCostsNoConversionButCountsFrames)
{
    auto devices = makeDevices(cameraJson("mjpeg", 320, 240, 30));
    auto track = open(devices, R"({"video": true})").getVideoTracks().at(0);
    clock_->advance(seconds(1));
    EXPECT_EQ(track.getStats().deliveredFrames, 30U);
    Collector<VideoFrame> frames;
    track.addVideoSink([&](const VideoFrame& f) { frames.add(f); });
    clock_->advance(milliseconds(100));
    ASSERT_EQ(frames.size(), 3U);
    EXPECT_EQ(fake::readFrameNumber(frames.frames()[0]), frames.frames()[0].frameNumber());
}

} // namespace
} // namespace usermedia::testing
