// SPDX-License-Identifier: MIT
#include "pipeline/audio/sample_convert.h"

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

namespace usermedia::audio {
namespace {

TEST(SampleConvert, IntegerFormatsToFloat)
{
    const std::vector<std::int16_t> s16{0, 16384, -32768, 32767};
    std::vector<float> out(4);
    toFloat(PcmFormat::S16, s16.data(), s16.size(), out.data());
    EXPECT_FLOAT_EQ(out[0], 0.0F);
    EXPECT_FLOAT_EQ(out[1], 0.5F);
    EXPECT_FLOAT_EQ(out[2], -1.0F);
    EXPECT_NEAR(out[3], 1.0F, 1e-4);

    const std::vector<std::int32_t> s32{1 << 30, -(1 << 30)};
    toFloat(PcmFormat::S32, s32.data(), s32.size(), out.data());
    EXPECT_FLOAT_EQ(out[0], 0.5F);
    EXPECT_FLOAT_EQ(out[1], -0.5F);

    // 24 bits in 32: the sign is bit 23, the top byte is ignored.
    const std::vector<std::int32_t> s24{0x400000, 0x00C00000,
                                        static_cast<std::int32_t>(0xFFC00000)};
    toFloat(PcmFormat::S24In32, s24.data(), s24.size(), out.data());
    EXPECT_FLOAT_EQ(out[0], 0.5F);
    EXPECT_FLOAT_EQ(out[1], -0.5F);
    EXPECT_FLOAT_EQ(out[2], -0.5F);
}

TEST(SampleConvert, FloatToS16ClampsAndRounds)
{
    const std::vector<float> in{0.0F, 0.5F, -2.0F, 2.0F, -0.5F};
    std::vector<std::int16_t> out(in.size());
    toS16(in, out.data());
    EXPECT_EQ(out, (std::vector<std::int16_t>{0, 16384, -32767, 32767, -16384}));
}

TEST(ChannelMix, StereoToMonoAveragesAndMonoToStereoDuplicates)
{
    const std::vector<float> stereo{1.0F, 0.0F, 0.5F, -0.5F};
    std::vector<float> mono(2);
    mixChannels(stereo.data(), 2, mono.data(), 1, 2);
    EXPECT_EQ(mono, (std::vector<float>{0.5F, 0.0F}));

    std::vector<float> back(4);
    mixChannels(mono.data(), 1, back.data(), 2, 2);
    EXPECT_EQ(back, (std::vector<float>{0.5F, 0.5F, 0.0F, 0.0F}));
}

TEST(ChannelMix, SurroundFoldsDownToStereoAndStereoUpLeavesTheRestSilent)
{
    // 5.1 in ALSA order FL FR FC LFE RL RR: evens left, odds right.
    const std::vector<float> six{0.3F, 0.6F, 0.3F, 0.6F, 0.3F, 0.6F};
    std::vector<float> two(2);
    mixChannels(six.data(), 6, two.data(), 2, 1);
    EXPECT_FLOAT_EQ(two[0], 0.3F);
    EXPECT_FLOAT_EQ(two[1], 0.6F);

    std::vector<float> four(4, 9.0F);
    mixChannels(two.data(), 2, four.data(), 4, 1);
    EXPECT_EQ(four, (std::vector<float>{0.3F, 0.6F, 0.0F, 0.0F}));
}

} // namespace
} // namespace usermedia::audio
