// SPDX-License-Identifier: MIT
#include "pipeline/audio/resampler.h"

#include <cstdio>

#include <gtest/gtest.h>

#include "unit/audio/signals.h"

namespace usermedia::audio {
namespace {

using testing::db;
using testing::frequency;
using testing::rms;
using testing::tone;

struct Case
{
    int inRate;
    int outRate;
    int channels;
    double hz;
};

class ResamplerAccuracy : public ::testing::TestWithParam<Case>
{};

// Feeds 2 s of a tone in 10 ms pieces (as a capture thread would) and checks the output's
// length, frequency and level; prints the measured numbers.
TEST_P(ResamplerAccuracy, KeepsTheToneAndItsLevel)
{
    const Case c = GetParam();
    auto resampler = Resampler::create(c.inRate, c.outRate, c.channels);
    ASSERT_NE(resampler, nullptr);
    const auto in = tone(c.hz, c.inRate, 2 * c.inRate, 0.5, c.channels);
    std::vector<float> out;
    const int piece = c.inRate / 100;
    int produced = 0;
    for (int at = 0; at < 2 * c.inRate; at += piece)
        produced += resampler->process(in.data() + static_cast<std::ptrdiff_t>(at) * c.channels,
                                       piece, out);
    EXPECT_EQ(out.size(), static_cast<std::size_t>(produced) * c.channels);
    // All but the filter's delay comes out.
    EXPECT_NEAR(produced, 2 * c.outRate, c.outRate / 100 + resampler->inputLatency());

    // Skip the first 50 ms (the filter's onset).
    const std::vector<float> steady(
            out.begin() + static_cast<std::ptrdiff_t>(c.outRate / 20) * c.channels, out.end());
    const double hz = frequency(steady, c.channels, c.outRate);
    const double levelDb = 20 * std::log10(rms(steady) / (0.5 / std::sqrt(2.0)));
    std::printf("resample %d -> %d Hz x%d, %.0f Hz tone: measured %.3f Hz, level %+.3f dB\n",
                c.inRate, c.outRate, c.channels, c.hz, hz, levelDb);
    EXPECT_NEAR(hz, c.hz, 0.5);
    EXPECT_NEAR(levelDb, 0.0, 0.1);
    for (int ch = 1; ch < c.channels; ++ch)
        EXPECT_FLOAT_EQ(steady[1000 * c.channels + ch], steady[1000 * c.channels]);
}

INSTANTIATE_TEST_SUITE_P(Rates, ResamplerAccuracy,
                         ::testing::Values(Case{48000, 16000, 1, 440}, Case{44100, 48000, 2, 1000},
                                           Case{16000, 48000, 1, 440}, Case{48000, 44100, 2, 3000},
                                           Case{8000, 48000, 1, 440}));

TEST(Resampler, RemovesWhatTheNewRateCannotCarry)
{
    // 6 kHz at 48 kHz is above 16 kHz's Nyquist limit (8 kHz)? No: pick 10 kHz, which is.
    auto resampler = Resampler::create(48000, 16000, 1);
    ASSERT_NE(resampler, nullptr);
    const auto in = tone(10000, 48000, 48000, 0.5);
    std::vector<float> out;
    resampler->process(in.data(), static_cast<int>(in.size()), out);
    const std::vector<float> steady(out.begin() + 800, out.end());
    const double attenuation = db(rms(steady) * rms(steady) / (0.125));
    std::printf("resample 48000 -> 16000: a 10 kHz tone is attenuated by %.1f dB\n", -attenuation);
    EXPECT_LT(attenuation, -40.0) << "no aliasing back into the band";
}

TEST(Resampler, RefusesNonsense)
{
    EXPECT_EQ(Resampler::create(0, 48000, 1), nullptr);
    EXPECT_EQ(Resampler::create(48000, 48000, 0), nullptr);
}

} // namespace
} // namespace usermedia::audio
