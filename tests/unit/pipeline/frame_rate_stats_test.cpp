// SPDX-License-Identifier: MIT
// The measured frame rate in a track's stats, fed frame by frame with chosen timestamps: a
// CaptureSource on a hand-fed device, as pipeline_bench drives it. The
// track keeps its one-second window incrementally; these check it against the definition
// (deliveries from the newest back to the first one more than a second older), including
// timestamps that jump back and more deliveries in a second than the window holds.
#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/capture_source.h"
#include "core/track_host.h"
#include "core/track_impl.h"

#include "unit/pipeline/hand_fed_device.h"

namespace usermedia {
namespace {

using std::chrono::nanoseconds;

using testing::HandFedBackend;
using testing::InlineTrackHost;

// The definition, walked in full for every delivery.
class ReferenceRate
{
public:
    double add(nanoseconds timestamp)
    {
        times_.push_back(timestamp);
        const std::size_t kept = std::min<std::size_t>(times_.size(), 128);
        std::size_t within = 1;
        nanoseconds oldest = timestamp;
        while (within < kept) {
            const nanoseconds t = times_[times_.size() - 1 - within];
            if (timestamp - t > std::chrono::seconds(1))
                break;
            oldest = t;
            ++within;
        }
        const double span = std::chrono::duration<double>(timestamp - oldest).count();
        return within > 1 && span > 0 ? static_cast<double>(within - 1) / span : 0.0;
    }

private:
    std::vector<nanoseconds> times_;
};

class FrameRateStatsTest : public ::testing::Test
{
protected:
    FrameRateStatsTest()
    {
        device_.backend = &backend_;
        device_.description.id = "cam";
        device_.description.kind = MediaDeviceKind::VideoInput;
        const NativeVideoMode mode{NativePixelFormat::I420, 4, 4, 1000, 1000};
        device_.description.videoModes = {mode};
        source_ = CaptureSource::openVideo(device_, mode, {}).value();
        TrackImpl::Init init;
        init.kind = MediaDeviceKind::VideoInput;
        init.settings.width = 4;
        init.settings.height = 4;
        track_ = TrackImpl::create(host_, source_, init);
        track_->addVideoSink([](const VideoFrame& /*frame*/) {}, VideoPixelFormat::I420);
    }
    ~FrameRateStatsTest() override { track_->stop(); }

    // Feeds one frame; returns the track's measured rate after it.
    double feed(nanoseconds timestamp)
    {
        NativeVideoFrame frame;
        frame.format = NativePixelFormat::I420;
        frame.width = 4;
        frame.height = 4;
        frame.data = pixels_.data();
        frame.size = pixels_.size();
        frame.frameNumber = next_++;
        frame.timestamp = timestamp;
        source_->onVideoFrame(frame);
        return track_->stats().frameRate;
    }

    std::uint64_t delivered() const { return track_->stats().deliveredFrames; }

private:
    HandFedBackend backend_;
    RegisteredDevice device_;
    std::shared_ptr<InlineTrackHost> host_ = std::make_shared<InlineTrackHost>();
    std::shared_ptr<CaptureSource> source_;
    std::shared_ptr<TrackImpl> track_;
    std::vector<std::uint8_t> pixels_ = std::vector<std::uint8_t>(4 * 4 * 3 / 2, 128);
    std::uint64_t next_ = 0;
};

TEST_F(FrameRateStatsTest, SteadyThirtyFramesPerSecond)
{
    double rate = 0;
    for (int i = 0; i < 100; ++i)
        rate = feed(nanoseconds(i * 33'333'333LL));
    EXPECT_NEAR(rate, 30.0, 0.01);
    EXPECT_EQ(delivered(), 100U);
}

TEST_F(FrameRateStatsTest, FollowsTheDefinitionThroughJumpsAndBursts)
{
    std::mt19937 random(5); // NOLINT(cert-msc32-c,cert-msc51-cpp): a fixed, repeatable sequence
    ReferenceRate reference;
    nanoseconds t{1'000'000'000};
    for (int i = 0; i < 3000; ++i) {
        const unsigned pick = random() % 100;
        if (pick < 2)
            t -= nanoseconds(random() % 3'000'000'000U); // the device clock jumps back
        else if (pick < 5)
            t += nanoseconds(random() % 3'000'000'000U); // a stall
        else if (pick < 40)
            t += nanoseconds(random() % 2'000'000U); // a burst: more than the window holds
        else
            t += nanoseconds(4'000'000 + random() % 60'000'000U);
        const double expected = reference.add(t);
        ASSERT_DOUBLE_EQ(feed(t), expected) << "frame " << i;
    }
    EXPECT_EQ(delivered(), 3000U);
}

} // namespace
} // namespace usermedia
