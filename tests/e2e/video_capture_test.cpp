// SPDX-License-Identifier: MIT
// End to end: fake cameras through the public API, paced by the manual clock.
#include <atomic>
#include <chrono>
#include <thread>

#include "backends/fake/test_pattern.h"

#include "e2e/e2e_fixture.h"

namespace usermedia::testing {
namespace {

using fake::readFlash;
using fake::readFrameNumber;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

class VideoCaptureTest : public E2eTest
{};

TEST_F(VideoCaptureTest, DefaultRequestGives640x480At30AndFramesCarryTheirNumbers)
{
    auto devices = makeDevices();
    auto stream = open(devices, R"({"video": true})");
    auto track = stream.getVideoTracks().at(0);
    const auto settings = track.getSettings();
    EXPECT_EQ(settings.width, 640);
    EXPECT_EQ(settings.height, 480);
    EXPECT_EQ(settings.frameRate, 30);

    Collector<VideoFrame> frames;
    track.addVideoSink([&](const VideoFrame& f) { frames.add(f); });
    clock_->advance(seconds(2));
    const auto got = frames.frames();
    // 30 fps for 2 s: frames 0..59, each delivered when its 1/30 s of exposure is over.
    ASSERT_EQ(got.size(), 60U);
    for (std::size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].frameNumber(), i);
        EXPECT_EQ(got[i].width(), 640);
        EXPECT_EQ(got[i].height(), 480);
        EXPECT_EQ(got[i].format(), VideoPixelFormat::I420);
        ASSERT_EQ(readFrameNumber(got[i]), got[i].frameNumber()) << "frame " << i;
        if (i > 0) {
            EXPECT_EQ(got[i].frameNumber(), got[i - 1].frameNumber() + 1);
            const auto gap = got[i].timestamp() - got[i - 1].timestamp();
            EXPECT_NEAR(std::chrono::duration<double>(gap).count(), 1.0 / 30, 1e-6);
        }
    }
    track.stop();
}

TEST_F(VideoCaptureTest, CroppedAndScaledTrackDeliversItsOwnSizeAndStillReadsBack)
{
    auto devices = makeDevices();
    auto stream =
            open(devices, R"({"video": {"width": {"exact": 320}, "height": {"exact": 180}}})");
    auto track = stream.getVideoTracks().at(0);
    EXPECT_EQ(track.getSettings().width, 320);
    EXPECT_EQ(track.getSettings().height, 180);
    Collector<VideoFrame> frames;
    track.addVideoSink([&](const VideoFrame& f) { frames.add(f); });
    clock_->advance(milliseconds(500));
    ASSERT_FALSE(frames.frames().empty());
    for (const auto& frame : frames.frames()) {
        EXPECT_EQ(frame.width(), 320);
        EXPECT_EQ(frame.height(), 180);
        EXPECT_EQ(readFrameNumber(frame), frame.frameNumber());
    }
}

TEST_F(VideoCaptureTest, Nv12SinkGetsNv12)
{
    auto devices = makeDevices();
    auto track = open(devices, R"({"video": true})").getVideoTracks().at(0);
    Collector<VideoFrame> frames;
    track.addVideoSink([&](const VideoFrame& f) { frames.add(f); }, VideoPixelFormat::NV12);
    clock_->advance(milliseconds(100));
    ASSERT_FALSE(frames.frames().empty());
    const auto frame = frames.frames().front();
    EXPECT_EQ(frame.format(), VideoPixelFormat::NV12);
    EXPECT_EQ(frame.planeCount(), 2);
    EXPECT_EQ(readFrameNumber(frame), frame.frameNumber());
}

TEST_F(VideoCaptureTest, DecimationToTwentyOfThirtyIsEven)
{
    auto devices = makeDevices();
    auto track = open(devices, R"({"video": {"frameRate": {"exact": 20}}})").getVideoTracks().at(0);
    EXPECT_EQ(track.getSettings().frameRate, 20);
    Collector<VideoFrame> frames;
    track.addVideoSink([&](const VideoFrame& f) { frames.add(f); });
    clock_->advance(seconds(3)); // 90 source frames
    const auto got = frames.frames();
    EXPECT_EQ(got.size(), 60U);
    // Never two source frames dropped in a row: gaps are 1 or 2 source periods, alternating.
    for (std::size_t i = 1; i < got.size(); ++i) {
        const auto step = got[i].frameNumber() - got[i - 1].frameNumber();
        EXPECT_TRUE(step == 1 || step == 2) << "step " << step << " at " << i;
        if (i > 1) {
            EXPECT_LE(step + (got[i - 1].frameNumber() - got[i - 2].frameNumber()), 3U);
        }
    }
}

TEST_F(VideoCaptureTest, TracksWithTheSameSettingsShareOneBuffer)
{
    auto devices = makeDevices();
    auto first = open(devices, R"({"video": true})").getVideoTracks().at(0);
    auto second = first.clone();
    Collector<VideoFrame> a;
    Collector<VideoFrame> b;
    first.addVideoSink([&](const VideoFrame& f) { a.add(f); });
    second.addVideoSink([&](const VideoFrame& f) { b.add(f); });
    clock_->advance(milliseconds(100));
    ASSERT_FALSE(a.frames().empty());
    ASSERT_EQ(a.size(), b.size());
    EXPECT_EQ(a.frames()[0].plane(0).data, b.frames()[0].plane(0).data);
}

TEST_F(VideoCaptureTest, DisabledTrackDeliversBlackFramesAtTheSamePace)
{
    auto devices = makeDevices();
    auto track = open(devices, R"({"video": true})").getVideoTracks().at(0);
    track.setEnabled(false);
    EXPECT_FALSE(track.enabled());
    Collector<VideoFrame> frames;
    track.addVideoSink([&](const VideoFrame& f) { frames.add(f); });
    clock_->advance(seconds(1));
    const auto got = frames.frames();
    ASSERT_EQ(got.size(), 30U);
    for (const auto& frame : got) {
        const auto& y = frame.plane(0);
        for (int row = 0; row < frame.height(); row += 37) {
            for (int col = 0; col < frame.width(); col += 41)
                ASSERT_EQ(y.data[row * y.stride + col], 16) << "not black at " << col << "," << row;
        }
    }
    track.setEnabled(true);
    Collector<VideoFrame> live;
    track.addVideoSink([&](const VideoFrame& f) { live.add(f); });
    clock_->advance(milliseconds(100));
    ASSERT_FALSE(live.frames().empty());
    EXPECT_EQ(readFrameNumber(live.frames().back()), live.frames().back().frameNumber());
}

TEST_F(VideoCaptureTest, StoppedTrackGetsNoMoreFramesAndCloneLivesOn)
{
    auto devices = makeDevices();
    auto original = open(devices, R"({"video": true})").getVideoTracks().at(0);
    auto clone = original.clone();
    EXPECT_NE(clone.id(), original.id());
    EXPECT_EQ(clone.getSettings(), original.getSettings());
    Collector<VideoFrame> a;
    Collector<VideoFrame> b;
    original.addVideoSink([&](const VideoFrame& f) { a.add(f); });
    clone.addVideoSink([&](const VideoFrame& f) { b.add(f); });
    original.stop();
    EXPECT_EQ(original.readyState(), MediaStreamTrackState::Ended);
    EXPECT_EQ(clone.readyState(), MediaStreamTrackState::Live);
    clock_->advance(milliseconds(500));
    EXPECT_EQ(a.size(), 0U);
    EXPECT_GE(b.size(), 15U);
    clone.stop();
    const auto before = b.size();
    clock_->advance(milliseconds(500));
    EXPECT_EQ(b.size(), before);
}

TEST_F(VideoCaptureTest, RemovedSinkIsNotCalledAgain)
{
    auto devices = makeDevices();
    auto track = open(devices, R"({"video": true})").getVideoTracks().at(0);
    Collector<VideoFrame> frames;
    const SinkId id = track.addVideoSink([&](const VideoFrame& f) { frames.add(f); });
    EXPECT_NE(id, 0U);
    clock_->advance(milliseconds(100));
    const auto before = frames.size();
    EXPECT_GT(before, 0U);
    track.removeSink(id);
    clock_->advance(milliseconds(500));
    EXPECT_EQ(frames.size(), before);
    EXPECT_EQ(track.addAudioSink([](const AudioBuffer&) {}), 0U) << "audio sink on a video track";
}

// A sink may refer to objects that go away once the track is stopped: stop() must not return
// while one of its sink calls is still running.
TEST_F(VideoCaptureTest, StopWaitsForASinkCallInFlight)
{
    auto devices = makeDevices();
    auto track = open(devices, R"({"video": true})").getVideoTracks().at(0);
    std::atomic<bool> entered{false};
    std::atomic<bool> finished{false};
    track.addVideoSink([&](const VideoFrame&) {
        if (entered.exchange(true))
            return;
        // Still running when stop() begins: wait for the track to end, then take a while.
        while (track.readyState() != MediaStreamTrackState::Ended)
            std::this_thread::yield();
        for (int i = 0; i < 2000; ++i)
            std::this_thread::yield();
        finished = true;
    });
    std::thread driver([&] { clock_->advance(milliseconds(100)); });
    while (!entered)
        std::this_thread::yield();
    track.stop();
    EXPECT_TRUE(finished) << "stop() returned while a sink call was running";
    driver.join();
}

TEST_F(VideoCaptureTest, FlashAppearsInTheFirstTenthOfEachSecond)
{
    auto devices = makeDevices();
    auto track = open(devices, R"({"video": true})").getVideoTracks().at(0);
    Collector<VideoFrame> frames;
    track.addVideoSink([&](const VideoFrame& f) { frames.add(f); });
    clock_->advance(seconds(2));
    int flashes = 0;
    for (const auto& frame : frames.frames()) {
        const auto intoSecond = frame.timestamp().count() % 1'000'000'000;
        EXPECT_EQ(readFlash(frame), intoSecond < 100'000'000) << "frame " << frame.frameNumber();
        flashes += readFlash(frame) ? 1 : 0;
    }
    EXPECT_GE(flashes, 6); // 3 frames of 100 ms per second at 30 fps
}

TEST_F(VideoCaptureTest, ApplyConstraintsIsAtomic)
{
    auto devices = makeDevices();
    auto track = open(devices, R"({"video": true})").getVideoTracks().at(0);
    const auto before = track.getSettings();
    auto failed = await(
            track.applyConstraints(*parseMediaTrackConstraints(R"({"width": {"exact": 5000}})")));
    ASSERT_FALSE(failed.has_value());
    EXPECT_EQ(failed.error().name, ErrorName::OverconstrainedError);
    EXPECT_EQ(failed.error().constraint, "width");
    EXPECT_EQ(track.getSettings(), before);
    EXPECT_EQ(track.getConstraints(), MediaTrackConstraints{});

    const auto wanted =
            *parseMediaTrackConstraints(R"({"width": {"exact": 320}, "height": {"exact": 240}})");
    auto applied = await(track.applyConstraints(wanted));
    ASSERT_TRUE(applied.has_value()) << applied.error().toString();
    EXPECT_EQ(track.getSettings().width, 320);
    EXPECT_EQ(track.getSettings().height, 240);
    EXPECT_EQ(track.getConstraints(), wanted);
    Collector<VideoFrame> frames;
    track.addVideoSink([&](const VideoFrame& f) { frames.add(f); });
    clock_->advance(milliseconds(200));
    ASSERT_FALSE(frames.frames().empty());
    EXPECT_EQ(frames.frames().back().width(), 320);
}

} // namespace
} // namespace usermedia::testing
