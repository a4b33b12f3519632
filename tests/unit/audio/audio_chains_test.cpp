// SPDX-License-Identifier: MIT
#include "pipeline/audio/audio_chains.h"

#include <cstdio>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "unit/audio/signals.h"

namespace usermedia::audio {
namespace {

using testing::frequency;
using testing::rms;
using testing::tone;

// Feeds \p seconds of a tone through AudioChains in 10 ms chunks; returns what \p config got.
std::vector<float> run(int rate, int channels, const ProcessingConfig& config, int seconds,
                       bool* sharedWhenOff = nullptr)
{
    AudioChains chains;
    const auto in = tone(440, rate, seconds * rate, 0.3, channels);
    std::vector<float> out;
    const int frames = rate / 100;
    for (int at = 0; at + frames <= seconds * rate; at += frames) {
        auto samples = std::make_shared<std::vector<float>>(
                in.begin() + static_cast<std::ptrdiff_t>(at) * channels,
                in.begin() + static_cast<std::ptrdiff_t>(at + frames) * channels);
        NativeAudioChunk chunk;
        chunk.sampleRate = rate;
        chunk.channels = channels;
        chunk.frames = frames;
        chunk.samples = samples->data();
        chains.begin(chunk, samples);
        const auto& variant = chains.variant(config);
        EXPECT_EQ(variant->size(), samples->size());
        if (sharedWhenOff)
            *sharedWhenOff = variant == samples;
        // Asked twice in one chunk (two tracks with the same settings): the same buffer.
        EXPECT_EQ(&chains.variant(config), &variant);
        out.insert(out.end(), variant->begin(), variant->end());
    }
    return out;
}

TEST(AudioChains, NothingAskedIsTheSourceBufferItself)
{
    bool shared = false;
    const auto out = run(48000, 1, {}, 1, &shared);
    EXPECT_TRUE(shared);
}

TEST(AudioChains, ProcessingAtEveryRateKeepsChunksWholeAndTheToneInPlace)
{
    // 44.1 kHz goes through 48 kHz and back; 16 kHz runs natively.
    for (const int rate : {44100, 16000}) {
        const auto out = run(rate, 2, {false, false, true}, 3);
        ASSERT_EQ(out.size(), static_cast<std::size_t>(3 * rate * 2));
        const std::vector<float> last(out.end() - rate * 2, out.end());
        const double hz = frequency(last, 2, rate);
        std::printf("processing chain at %d Hz (autoGainControl): 440 Hz tone out at %.2f Hz, RMS "
                    "%.3f (in 0.212)\n",
                    rate, hz, rms(last));
        EXPECT_NEAR(hz, 440.0, 1.0);
        EXPECT_GT(rms(last), 0.1);
    }
}

TEST(AudioChains, NoiseSuppressionChangesTheSignal)
{
    // A steady tone is what a suppressor learns as noise: it takes most of it away.
    const auto out = run(48000, 1, {false, true, false}, 4);
    const std::vector<float> last(out.end() - 48000, out.end());
    std::printf("noise suppression on a steady 440 Hz tone: RMS %.4f (in 0.2121)\n", rms(last));
    EXPECT_LT(rms(last), 0.15);
}

} // namespace
} // namespace usermedia::audio
