// SPDX-License-Identifier: MIT
// End to end: the fake microphone through the public API.
#include <chrono>
#include <cmath>

#include "e2e/e2e_fixture.h"

namespace usermedia::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Frequency from rising zero crossings over one channel of interleaved samples.
double frequency(const std::vector<float>& samples, int channels, int rate)
{
    int crossings = 0;
    for (std::size_t i = channels; i < samples.size(); i += channels) {
        if (samples[i - channels] < 0 && samples[i] >= 0)
            ++crossings;
    }
    return crossings * static_cast<double>(rate) / (static_cast<double>(samples.size()) / channels);
}

class AudioCaptureTest : public E2eTest
{};

TEST_F(AudioCaptureTest, TenMillisecondChunksOfToneWithABeepEachSecond)
{
    auto devices = makeDevices();
    // The generator's own signal: echoCancellation off turns all processing off (Chromium).
    auto track = open(devices, R"({"audio": {"echoCancellation": false}})").getAudioTracks().at(0);
    const auto settings = track.getSettings();
    EXPECT_EQ(settings.sampleRate, 48000);
    ASSERT_TRUE(settings.channelCount.has_value());
    const int channels = *settings.channelCount;

    Collector<AudioBuffer> chunks;
    track.addAudioSink([&](const AudioBuffer& b) { chunks.add(b); });
    // A chunk is delivered when its 10 ms are complete: 2 s give exactly 200.
    clock_->advance(seconds(2));
    const auto got = chunks.frames();
    ASSERT_EQ(got.size(), 200U);

    std::vector<float> tone;
    std::vector<float> beep;
    for (std::size_t i = 0; i < got.size(); ++i) {
        const auto& chunk = got[i];
        EXPECT_EQ(chunk.sampleRate(), 48000);
        EXPECT_EQ(chunk.frames(), 480);
        EXPECT_EQ(chunk.channels(), channels);
        EXPECT_EQ(chunk.format(), SampleFormat::F32);
        if (i > 0) {
            EXPECT_EQ(chunk.timestamp() - got[i - 1].timestamp(), milliseconds(10));
            EXPECT_EQ(chunk.firstFrame(), got[i - 1].firstFrame() + 480);
        }
        // Beep in the first 100 ms of each second of clock time, as the video flash.
        const auto intoSecond = chunk.timestamp().count() % 1'000'000'000;
        auto& target = intoSecond < 100'000'000 ? beep : tone;
        target.insert(target.end(), chunk.f32().begin(), chunk.f32().end());
    }
    EXPECT_NEAR(frequency(tone, channels, 48000), 440, 10);
    EXPECT_NEAR(frequency(beep, channels, 48000), 1000, 20);
    EXPECT_EQ(beep.size(), 2U * 10 * 480 * channels); // 10 chunks of beep in each of 2 seconds
}

TEST_F(AudioCaptureTest, S16SinkAndDisabledTrackSilence)
{
    auto devices = makeDevices();
    auto track =
            open(devices, R"({"audio": {"channelCount": {"exact": 2}}})").getAudioTracks().at(0);
    EXPECT_EQ(track.getSettings().channelCount, 2);
    Collector<AudioBuffer> chunks;
    track.addAudioSink([&](const AudioBuffer& b) { chunks.add(b); }, SampleFormat::S16);
    clock_->advance(milliseconds(200));
    ASSERT_FALSE(chunks.frames().empty());
    int peak = 0;
    for (const auto& chunk : chunks.frames()) {
        ASSERT_EQ(chunk.format(), SampleFormat::S16);
        ASSERT_EQ(chunk.s16().size(), 960U);
        for (auto s : chunk.s16())
            peak = std::max(peak, std::abs(static_cast<int>(s)));
    }
    EXPECT_GT(peak, 3000);

    track.setEnabled(false);
    Collector<AudioBuffer> silent;
    track.addAudioSink([&](const AudioBuffer& b) { silent.add(b); });
    clock_->advance(milliseconds(100));
    ASSERT_EQ(silent.size(), 10U);
    for (const auto& chunk : silent.frames()) {
        for (auto s : chunk.f32())
            ASSERT_EQ(s, 0.0F);
    }
}

TEST_F(AudioCaptureTest, AudioAndVideoAreInStep)
{
    auto devices = makeDevices();
    auto stream = open(devices, R"({"audio": true, "video": true})");
    ASSERT_EQ(stream.getTracks().size(), 2U);
    EXPECT_EQ(stream.getTracks()[0].kind(), "audio"); // Chromium's order
    Collector<AudioBuffer> chunks;
    Collector<VideoFrame> frames;
    stream.getAudioTracks()[0].addAudioSink([&](const AudioBuffer& b) { chunks.add(b); });
    stream.getVideoTracks()[0].addVideoSink([&](const VideoFrame& f) { frames.add(f); });
    clock_->advance(seconds(1));
    // Both sides share the clock: the first audio chunk and video frame start together.
    ASSERT_FALSE(chunks.frames().empty());
    ASSERT_FALSE(frames.frames().empty());
    EXPECT_EQ(chunks.frames().front().timestamp(), frames.frames().front().timestamp());
}

} // namespace
} // namespace usermedia::testing
