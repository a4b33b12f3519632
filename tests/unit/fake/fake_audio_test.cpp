// SPDX-License-Identifier: MIT
#include <cmath>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include <usermedia/clock.h>

#include "backends/fake/fake_backend.h"

#include "unit/fake/recording_sink.h"

namespace usermedia::fake {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;
using testing::RecordedChunk;
using testing::RecordingSink;

class FakeAudio : public ::testing::Test
{
protected:
    // Captures \p duration from a microphone with one mode, starting at clock time \p start.
    void capture(const std::string& mode, nanoseconds start, nanoseconds duration,
                 const std::string& tone = "{}")
    {
        clock_ = std::make_shared<ManualClock>(start);
        auto backend = createFakeBackend(R"({"devices": [{"kind": "audioinput", "id": "mic", )"
                                         R"("tone": )" +
                                                 tone + R"(, "modes": [)" + mode + "]}]}",
                                         clock_);
        ASSERT_TRUE(backend.has_value()) << backend.error().message;
        auto device = (*backend)->open("mic");
        ASSERT_TRUE(device.has_value());
        ASSERT_TRUE((*device)->start(sink_).has_value());
        clock_->advance(duration);
        (*device)->stop();
        chunks_ = sink_.chunks();
        for (const RecordedChunk& chunk : chunks_) {
            for (int i = 0; i < chunk.frames; ++i)
                mono_.push_back(chunk.samples[std::size_t(i) * std::size_t(chunk.channels)]);
        }
    }

    // Zero crossings (sign changes) per second over [first, last) samples of mono_.
    double crossingRate(std::size_t first, std::size_t last, int rate) const
    {
        int crossings = 0;
        for (std::size_t i = first + 1; i < last; ++i)
            crossings += (mono_[i - 1] < 0) != (mono_[i] < 0) ? 1 : 0;
        return crossings * double(rate) / double(last - first);
    }

    float peak(std::size_t first, std::size_t last) const
    {
        float result = 0;
        for (std::size_t i = first; i < last; ++i)
            result = std::max(result, std::abs(mono_[i]));
        return result;
    }

    std::shared_ptr<ManualClock> clock_;
    RecordingSink sink_;
    std::vector<RecordedChunk> chunks_;
    std::vector<float> mono_; // channel 0 of every chunk, in order
};

TEST_F(FakeAudio, DeliversTenMillisecondChunksPacedByTheClock)
{
    capture(R"({"sampleRate": 48000, "channels": 2})", seconds(1), milliseconds(1005));
    // A chunk is delivered once its 10 ms are complete.
    ASSERT_EQ(chunks_.size(), 100U);
    for (std::size_t k = 0; k < chunks_.size(); ++k) {
        const RecordedChunk& chunk = chunks_[k];
        EXPECT_EQ(chunk.sampleRate, 48000);
        EXPECT_EQ(chunk.channels, 2);
        EXPECT_EQ(chunk.frames, 480);
        EXPECT_EQ(chunk.firstFrame, k * 480);
        EXPECT_EQ(chunk.timestamp, seconds(1) + milliseconds(10) * std::int64_t(k));
        for (int i = 0; i < chunk.frames; ++i)
            ASSERT_EQ(chunk.samples[2 * std::size_t(i)], chunk.samples[2 * std::size_t(i) + 1]);
    }
}

// Rates that are not multiples of 100 still add up to the rate, without gaps.
TEST_F(FakeAudio, UnevenRatesKeepSamplesContiguous)
{
    capture(R"({"sampleRate": 22050, "channels": 1})", seconds(3), seconds(1));
    ASSERT_EQ(chunks_.size(), 100U);
    std::uint64_t next = 0;
    for (const RecordedChunk& chunk : chunks_) {
        EXPECT_EQ(chunk.firstFrame, next);
        EXPECT_TRUE(chunk.frames == 220 || chunk.frames == 221) << chunk.frames;
        next += std::uint64_t(chunk.frames);
    }
    EXPECT_EQ(next, 22050U);
}

// Starting at 1.25 s on the clock: the tone until 2.0 s, the beep until 2.1 s, the tone again.
TEST_F(FakeAudio, BeepsInTheFirst100MillisecondsOfEachClockSecond)
{
    capture(R"({"sampleRate": 48000, "channels": 1})", milliseconds(1250), milliseconds(1000));
    ASSERT_EQ(mono_.size(), 48000U);
    const std::size_t beepStart = 36000; // 0.75 s after the start
    const std::size_t beepEnd = beepStart + 4800;

    EXPECT_NEAR(peak(0, beepStart), 0.25F, 0.001F);
    EXPECT_NEAR(peak(beepStart, beepEnd), 0.5F, 0.001F);
    EXPECT_NEAR(peak(beepEnd, mono_.size()), 0.25F, 0.001F);
    // The switch happens on the exact sample where the clock second begins.
    EXPECT_GT(peak(beepStart, beepStart + 48), 0.25F);
    EXPECT_LE(peak(beepStart - 48, beepStart), 0.25F);

    // Two zero crossings per cycle.
    EXPECT_NEAR(crossingRate(0, beepStart, 48000), 2 * 440, 4);
    EXPECT_NEAR(crossingRate(beepStart, beepEnd, 48000), 2 * 1000, 25);
    EXPECT_NEAR(crossingRate(beepEnd, mono_.size(), 48000), 2 * 440, 10);
}

TEST_F(FakeAudio, ToneSettingsChangeTheFrequencies)
{
    capture(R"({"sampleRate": 16000, "channels": 1})", milliseconds(2000), milliseconds(500),
            R"({"frequency": 250, "beepFrequency": 3000})");
    ASSERT_EQ(mono_.size(), 8000U);
    EXPECT_NEAR(crossingRate(0, 1600, 16000), 2 * 3000, 40);
    EXPECT_NEAR(crossingRate(1600, 8000, 16000), 2 * 250, 6);
}

// The phase runs on across chunks: neighbouring samples never jump further than the steepest
// slope of the wave allows, except where tone and beep switch.
TEST_F(FakeAudio, WaveIsContinuousAcrossChunks)
{
    capture(R"({"sampleRate": 48000, "channels": 1})", milliseconds(1250), milliseconds(2000));
    ASSERT_EQ(mono_.size(), 96000U);
    const double toneStep = 2 * M_PI * 440 * 0.25 / 48000;
    const double beepStep = 2 * M_PI * 1000 * 0.5 / 48000;
    // The beeps: clock times [2.0 s, 2.1 s) and [3.0 s, 3.1 s).
    const auto beeping = [](std::size_t i) {
        return (i >= 36000 && i < 40800) || (i >= 84000 && i < 88800);
    };
    for (std::size_t i = 1; i < mono_.size(); ++i) {
        if (beeping(i) != beeping(i - 1))
            continue; // tone and beep switch here
        const double jump = std::abs(double(mono_[i]) - double(mono_[i - 1]));
        ASSERT_LE(jump, (beeping(i) ? beepStep : toneStep) + 1e-5) << "at sample " << i;
    }
}

} // namespace
} // namespace usermedia::fake
