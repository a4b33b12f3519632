// SPDX-License-Identifier: MIT
#include "pipeline/audio/audio_chains.h"

#include <cmath>
#include <cstdio>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "unit/audio/signals.h"

namespace usermedia::audio {
namespace {

using namespace std::chrono_literals;
using testing::frequency;
using testing::rms;
using testing::tone;

struct Run
{
    std::vector<float> samples;            // every chunk's samples, in order
    std::vector<AudioVariantChunk> chunks; // the chunks' descriptions (samples reset)
    bool sharedTheSourceBuffer = true;     // every chunk was the source's own buffer
};

// Feeds \p seconds of a 440 Hz tone (\p rate, \p channels) through AudioChains in 10 ms chunks,
// as a source does; returns what \p key got.
Run run(int rate, int channels, const AudioVariantKey& key, int seconds)
{
    AudioChains chains;
    const int total = seconds * rate;
    const auto in = tone(440, rate, total, 0.3, channels);
    Run result;
    const int frames = rate / 100;
    for (int at = 0; at + frames <= total; at += frames) {
        auto samples = std::make_shared<std::vector<float>>(
                in.begin() + static_cast<std::ptrdiff_t>(at) * channels,
                in.begin() + static_cast<std::ptrdiff_t>(at + frames) * channels);
        NativeAudioChunk chunk;
        chunk.sampleRate = rate;
        chunk.channels = channels;
        chunk.frames = frames;
        chunk.samples = samples->data();
        chunk.firstFrame = static_cast<std::uint64_t>(at);
        chunk.timestamp = 1s + std::chrono::nanoseconds(std::int64_t{at} * 1'000'000'000 / rate);
        chains.begin(chunk, samples);
        const AudioVariantChunk& variant = chains.variant(key);
        EXPECT_EQ(variant.samples->size(),
                  static_cast<std::size_t>(variant.frames) * variant.channels);
        result.sharedTheSourceBuffer = result.sharedTheSourceBuffer && variant.samples == samples;
        // Asked twice in one chunk (two tracks with the same settings): the same buffer.
        EXPECT_EQ(&chains.variant(key), &variant);
        result.samples.insert(result.samples.end(), variant.samples->begin(),
                              variant.samples->end());
        result.chunks.push_back(variant);
        result.chunks.back().samples.reset();
    }
    return result;
}

// The last second of a run, one channel of it.
std::vector<float> lastSecond(const Run& r, const AudioVariantKey& key)
{
    std::vector<float> mono;
    const std::size_t frames = r.samples.size() / key.channels;
    for (std::size_t i = frames - static_cast<std::size_t>(key.sampleRate); i < frames; ++i)
        mono.push_back(r.samples[i * key.channels]);
    return mono;
}

TEST(AudioChains, TheNativeFormatUnprocessedIsTheSourceBufferItself)
{
    const auto r = run(48000, 1, {{}, 48000, 1}, 1);
    EXPECT_TRUE(r.sharedTheSourceBuffer);
    EXPECT_EQ(r.chunks.front().frames, 480);
}

TEST(AudioChains, AKeyWithoutRateOrChannelsMeansTheSources)
{
    const auto plain = run(44100, 2, {{}, 0, 0}, 1);
    EXPECT_TRUE(plain.sharedTheSourceBuffer);
    const auto processed = run(44100, 2, {{false, true, false}, 0, 0}, 1);
    EXPECT_EQ(processed.chunks.back().sampleRate, 44100);
    EXPECT_EQ(processed.chunks.back().channels, 2);
    EXPECT_EQ(processed.chunks.back().frames, 441);
}

TEST(AudioChains, ProcessingAtEveryRateKeepsChunksWholeAndTheToneInPlace)
{
    // 44.1 kHz is processed at 48 kHz and resampled back; 16 kHz runs natively.
    for (const int rate : {44100, 16000}) {
        const AudioVariantKey key{{false, false, true}, rate, 2};
        const auto r = run(rate, 2, key, 3);
        ASSERT_EQ(r.samples.size(), static_cast<std::size_t>(3 * rate * 2));
        const auto last = lastSecond(r, key);
        const double hz = frequency(last, 1, rate);
        std::printf("processing at %d Hz (autoGainControl): 440 Hz tone out at %.2f Hz, RMS %.3f "
                    "(in 0.212)\n",
                    rate, hz, rms(last));
        EXPECT_NEAR(hz, 440.0, 1.0);
        EXPECT_GT(rms(last), 0.1);
    }
}

TEST(AudioChains, ProcessedAudioOfA44100HzStereoSourceIs48000HzMonoInWhole10MsChunks)
{
    // Chromium's model, which usermedia follows: processing runs at 48 kHz and is what the
    // track gets; here mixed down to mono as well.
    const AudioVariantKey key{{true, true, true}, 48000, 1};
    const auto r = run(44100, 2, key, 2);
    ASSERT_EQ(r.chunks.size(), 200U);
    for (std::size_t i = 0; i < r.chunks.size(); ++i) {
        const AudioVariantChunk& c = r.chunks[i];
        ASSERT_EQ(c.frames, 480) << "chunk " << i;
        EXPECT_EQ(c.sampleRate, 48000);
        EXPECT_EQ(c.channels, 1);
        EXPECT_EQ(c.firstFrame, 480U * i);
    }
    EXPECT_FALSE(r.sharedTheSourceBuffer);
}

TEST(AudioChains, ConversionWithoutProcessingKeepsTheToneAndItsLevel)
{
    for (const AudioVariantKey key : {AudioVariantKey{{}, 16000, 2}, AudioVariantKey{{}, 48000, 1},
                                      AudioVariantKey{{}, 22050, 1}}) {
        const auto r = run(44100, 2, key, 2);
        const auto last = lastSecond(r, key);
        const double hz = frequency(last, 1, key.sampleRate);
        std::printf("44100/2 -> %d/%d: %.2f Hz, RMS %.4f (in 0.2121)\n", key.sampleRate,
                    key.channels, hz, rms(last));
        EXPECT_NEAR(hz, 440.0, 1.0);
        EXPECT_NEAR(rms(last), 0.3 / std::sqrt(2.0), 0.005);
        // Every 10 ms of input gives 10 ms of output, whatever the rounding: 22.05 kHz
        // alternates 220 and 221 frames, and nothing is lost or invented over the run.
        std::uint64_t expectedFirst = 0;
        for (const AudioVariantChunk& c : r.chunks) {
            EXPECT_EQ(c.firstFrame, expectedFirst);
            EXPECT_LE(std::abs(c.frames - key.sampleRate / 100), 1);
            expectedFirst += static_cast<std::uint64_t>(c.frames);
        }
        EXPECT_EQ(expectedFirst, static_cast<std::uint64_t>(2 * key.sampleRate));
    }
}

TEST(AudioChains, TimestampsOfConvertedChunksIncludeTheirLead)
{
    // Without conversion a chunk keeps the source's timestamp; a resampled one starts 10 ms
    // earlier (the lead of silence that absorbs the resampler's jitter) and then advances by
    // 10 ms a chunk.
    const auto same = run(48000, 1, {{false, true, false}, 48000, 1}, 1);
    EXPECT_EQ(same.chunks[5].timestamp, 1s + 50ms);
    const auto resampled = run(44100, 1, {{}, 48000, 1}, 1);
    for (std::size_t i = 1; i < resampled.chunks.size(); ++i) {
        const auto expected = 1s + 10ms * static_cast<int>(i) - 10ms;
        EXPECT_LE(std::chrono::abs(resampled.chunks[i].timestamp - expected), 100us) << i;
    }
}

TEST(AudioChains, NoiseSuppressionChangesTheSignal)
{
    // A steady tone is what a suppressor learns as noise: it takes most of it away.
    const AudioVariantKey key{{false, true, false}, 48000, 1};
    const auto r = run(48000, 1, key, 4);
    const auto last = lastSecond(r, key);
    std::printf("noise suppression on a steady 440 Hz tone: RMS %.4f (in 0.2121)\n", rms(last));
    EXPECT_LT(rms(last), 0.15);
}

TEST(AudioChains, DistinctKeysGetDistinctBuffersAndIdleOnesAreDropped)
{
    AudioChains chains;
    const auto in = tone(440, 48000, 480, 0.3, 2);
    auto samples = std::make_shared<std::vector<float>>(in);
    NativeAudioChunk chunk;
    chunk.sampleRate = 48000;
    chunk.channels = 2;
    chunk.frames = 480;
    chunk.samples = samples->data();
    chains.begin(chunk, samples);
    const AudioVariantKey mono{{}, 48000, 1};
    const AudioVariantKey processed{{true, false, false}, 48000, 2};
    const auto* monoSamples = chains.variant(mono).samples.get();
    const auto* processedSamples = chains.variant(processed).samples.get();
    EXPECT_NE(monoSamples, processedSamples);
    EXPECT_NE(monoSamples, samples.get());
    EXPECT_EQ(chains.variant(mono).samples->size(), 480U);
    EXPECT_EQ(chains.variant(processed).samples->size(), 960U);
    // The mono buffer is reused next chunk (nobody holds it): no allocation in steady state.
    chains.begin(chunk, samples);
    EXPECT_EQ(chains.variant(mono).samples.get(), monoSamples);
    // A second of chunks without asking for `processed` drops its chain and buffer; asking
    // again makes new ones.
    const std::weak_ptr<std::vector<float>> processedBuffer = chains.variant(processed).samples;
    for (int i = 0; i < 101; ++i) {
        chains.begin(chunk, samples);
        (void)chains.variant(mono);
    }
    EXPECT_TRUE(processedBuffer.expired());
    EXPECT_EQ(chains.variant(processed).samples->size(), 960U);
    EXPECT_FALSE(chains.variant(mono).samples->empty());
}

} // namespace
} // namespace usermedia::audio
