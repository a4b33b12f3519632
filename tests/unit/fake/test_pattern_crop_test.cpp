// SPDX-License-Identifier: MIT
// The test pattern through the core's crop-and-scale: a track whose aspect ratio differs from the
// camera's gets a centred crop, and its frames must still carry the frame number and the flash.
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "backends/fake/test_pattern.h"
#include "backends/fake/video_generator.h"
#include "pipeline/convert.h"
#include "pipeline/pixel_buffer.h"

namespace usermedia::fake {
namespace {

using std::chrono::milliseconds;

struct Source
{
    NativePixelFormat format;
    int width, height;
};

void PrintTo(const Source& source, std::ostream* os)
{
    *os << toString(source.format) << " " << source.width << "x" << source.height;
}

struct Size
{
    int width, height;
};

std::string describe(const Source& source, Size target)
{
    return std::string(toString(source.format)) + " " + std::to_string(source.width) + "x" +
           std::to_string(source.height) + " -> " + std::to_string(target.width) + "x" +
           std::to_string(target.height);
}

// Frame numbers that set each cell both ways: small counts, single bits, and a pseudo-random
// spread.
std::vector<std::uint32_t> frameNumbers()
{
    std::vector<std::uint32_t> numbers;
    for (std::uint32_t n = 0; n < 16; ++n)
        numbers.push_back(n);
    for (int bit = 0; bit < 32; ++bit)
        numbers.push_back(1U << bit);
    std::uint32_t state = 12345;
    for (int i = 0; i < 20; ++i) {
        state = state * 1664525U + 1013904223U;
        numbers.push_back(state);
    }
    numbers.push_back(0xFFFFFFFFU);
    numbers.push_back(0xAAAAAAAAU);
    numbers.push_back(0x55555555U);
    return numbers;
}

class TestPatternCrop : public ::testing::TestWithParam<Source>
{};

// Each camera picture, as the fake device makes it and the core converts it, goes to 16:9, 4:3,
// 1:1, 2:1, 3:1 and 9:16 tracks, from a few hundred pixels wide down to 96, with and without the
// flash.
TEST_P(TestPatternCrop, FrameNumberAndFlashSurviveCropAndScale)
{
    const Source source = GetParam();
    const std::vector<Size> targets{{320, 180}, {96, 54},   {320, 240}, {96, 72},
                                    {480, 480}, {96, 96},   {320, 160}, {96, 48},
                                    {288, 96},  {180, 320}, {96, 170}};
    VideoGenerator camera(source.format, source.width, source.height);
    PixelBuffer picture(VideoPixelFormat::I420, source.width, source.height);
    std::vector<PixelBuffer> tracks;
    tracks.reserve(targets.size());
    for (const Size target : targets)
        tracks.emplace_back(VideoPixelFormat::I420, target.width, target.height);

    const auto numbers = frameNumbers();
    for (std::size_t i = 0; i < numbers.size(); ++i) {
        // Every third frame flashes.
        const bool flash = i % 3 == 0;
        const auto frame = camera.generate(numbers[i], milliseconds(flash ? 2050 : 2450));
        ASSERT_TRUE(frame.has_value()) << frame.error().message;
        ASSERT_TRUE(convertToI420(*frame, picture));
        for (std::size_t t = 0; t < targets.size(); ++t) {
            PixelBuffer& track = tracks[t];
            cropAndScale(picture, track);
            EXPECT_EQ(readFrameNumber(track.y(), track.strideY(), track.width(), track.height()),
                      numbers[i])
                    << describe(source, targets[t]) << " frame " << numbers[i];
            EXPECT_EQ(readFlash(track.y(), track.strideY(), track.width(), track.height()), flash)
                    << describe(source, targets[t]) << " frame " << numbers[i];
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Sources, TestPatternCrop,
                         ::testing::Values(Source{NativePixelFormat::I420, 640, 480},
                                           Source{NativePixelFormat::I420, 1280, 720},
                                           Source{NativePixelFormat::I420, 1920, 1080},
                                           Source{NativePixelFormat::I420, 320, 240},
                                           Source{NativePixelFormat::I420, 641, 479},
                                           Source{NativePixelFormat::MJPEG, 640, 480},
                                           Source{NativePixelFormat::MJPEG, 1280, 720}),
                         [](const ::testing::TestParamInfo<Source>& param) {
                             return std::string(toString(param.param.format)) + "_" +
                                    std::to_string(param.param.width) + "x" +
                                    std::to_string(param.param.height);
                         });

} // namespace
} // namespace usermedia::fake
