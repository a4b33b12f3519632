// SPDX-License-Identifier: MIT
// End to end: the fake microphone through the public API.
#include <chrono>
#include <cmath>
#include <memory>
#include <vector>

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

// A microphone like Chromium's fake one: 44100 Hz stereo natively.
constexpr const char* kStereo44k = R"({"devices": [{"kind": "audioinput", "id": "mic",
    "label": "Mic", "groupId": "g",
    "modes": [{"sampleRate": 44100, "channels": 2, "sampleSize": 16, "latency": 0.01}]}]})";

// Each track hears its own settings: the processed path at 48000 Hz mono, the native format,
// and a resampled, mixed-down one, from one device at once.
TEST_F(AudioCaptureTest, TracksGetTheRateAndChannelsOfTheirSettings)
{
    auto devices = makeDevices(kStereo44k);
    struct Expected
    {
        const char* constraints;
        int rate;
        int channels;
        bool processing;
    };
    const Expected cases[] = {
            {R"({"audio": true})", 48000, 1, true},
            {R"({"audio": {"echoCancellation": false}})", 44100, 2, false},
            {R"({"audio": {"echoCancellation": false, "sampleRate": {"exact": 16000},
                 "channelCount": {"exact": 1}}})",
             16000, 1, false},
    };
    std::vector<MediaStreamTrack> tracks;
    std::vector<std::unique_ptr<Collector<AudioBuffer>>> collectors;
    for (const Expected& e : cases) {
        tracks.push_back(open(devices, e.constraints).getAudioTracks().at(0));
        const auto settings = tracks.back().getSettings();
        EXPECT_EQ(settings.sampleRate, e.rate) << e.constraints;
        EXPECT_EQ(settings.channelCount, e.channels) << e.constraints;
        EXPECT_EQ(settings.echoCancellation, e.processing) << e.constraints;
        collectors.push_back(std::make_unique<Collector<AudioBuffer>>());
        tracks.back().addAudioSink(
                [c = collectors.back().get()](const AudioBuffer& b) { c->add(b); });
    }
    clock_->advance(seconds(2));
    for (std::size_t t = 0; t < std::size(cases); ++t) {
        const Expected& e = cases[t];
        const auto got = collectors[t]->frames();
        ASSERT_EQ(got.size(), 200U) << e.constraints;
        std::vector<float> samples;
        std::uint64_t next = got.front().firstFrame();
        for (const auto& chunk : got) {
            ASSERT_EQ(chunk.sampleRate(), e.rate) << e.constraints;
            ASSERT_EQ(chunk.channels(), e.channels) << e.constraints;
            ASSERT_EQ(chunk.frames(), e.rate / 100) << e.constraints;
            ASSERT_EQ(chunk.firstFrame(), next) << e.constraints;
            next += static_cast<std::uint64_t>(chunk.frames());
            const auto intoSecond = chunk.timestamp().count() % 1'000'000'000;
            if (intoSecond > 150'000'000) // away from the beep (and the converted chunks' lead)
                samples.insert(samples.end(), chunk.f32().begin(), chunk.f32().end());
        }
        // Unprocessed only: the suppressor takes a steady tone for noise.
        if (!e.processing) {
            EXPECT_NEAR(frequency(samples, e.channels, e.rate), 440, 10) << e.constraints;
        }
    }
    for (auto& track : tracks)
        track.stop();
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
