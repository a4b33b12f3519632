// SPDX-License-Identifier: MIT
#include "pipeline/convert.h"

#include <vector>

#include <gtest/gtest.h>
#include <libyuv.h>

namespace usermedia {
namespace {

// A deterministic I420 picture: luma ramps across, chroma constant per plane.
PixelBuffer makeRamp(int width, int height)
{
    PixelBuffer buffer(VideoPixelFormat::I420, width, height);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x)
            buffer.y()[y * buffer.strideY() + x] =
                    static_cast<std::uint8_t>(16 + (x * 200) / width);
    }
    std::fill(buffer.u(), buffer.u() + buffer.chromaWidth() * buffer.chromaHeight(), 100);
    std::fill(buffer.v(), buffer.v() + buffer.chromaWidth() * buffer.chromaHeight(), 150);
    return buffer;
}

NativeVideoFrame frameOf(NativePixelFormat format, const std::vector<std::uint8_t>& bytes, int w,
                         int h)
{
    NativeVideoFrame frame;
    frame.format = format;
    frame.width = w;
    frame.height = h;
    frame.data = bytes.data();
    frame.size = bytes.size();
    return frame;
}

TEST(Convert, YuyvRoundTripIsExactForLumaAndChroma)
{
    const int w = 64;
    const int h = 48;
    const PixelBuffer ramp = makeRamp(w, h);
    std::vector<std::uint8_t> yuyv(static_cast<std::size_t>(w) * h * 2);
    libyuv::I420ToYUY2(ramp.y(), ramp.strideY(), ramp.u(), ramp.strideU(), ramp.v(), ramp.strideV(),
                       yuyv.data(), w * 2, w, h);
    PixelBuffer out(VideoPixelFormat::I420, w, h);
    ASSERT_TRUE(convertToI420(frameOf(NativePixelFormat::YUYV, yuyv, w, h), out));
    for (int i = 0; i < w * h; ++i)
        ASSERT_EQ(out.y()[i], ramp.y()[i]) << i;
    EXPECT_EQ(out.u()[0], 100);
    EXPECT_EQ(out.v()[0], 150);
}

TEST(Convert, ShortOrCorruptFramesAreRejected)
{
    PixelBuffer out(VideoPixelFormat::I420, 64, 48);
    std::vector<std::uint8_t> tooShort(100);
    EXPECT_FALSE(convertToI420(frameOf(NativePixelFormat::YUYV, tooShort, 64, 48), out));
    std::vector<std::uint8_t> garbage(5000, 0xAB);
    EXPECT_FALSE(convertToI420(frameOf(NativePixelFormat::MJPEG, garbage, 64, 48), out));
    std::vector<std::uint8_t> wrongSize(64 * 48 * 2);
    EXPECT_FALSE(convertToI420(frameOf(NativePixelFormat::YUYV, wrongSize, 32, 48), out));
}

TEST(Convert, Y16KeepsTheHighByte)
{
    std::vector<std::uint8_t> y16(4 * 2 * 2);
    for (std::size_t i = 0; i < y16.size(); i += 2) {
        y16[i] = 0x12;
        y16[i + 1] = static_cast<std::uint8_t>(i * 10);
    }
    PixelBuffer out(VideoPixelFormat::I420, 4, 2);
    ASSERT_TRUE(convertToI420(frameOf(NativePixelFormat::Y16, y16, 4, 2), out));
    EXPECT_EQ(out.y()[3], 60);
    EXPECT_EQ(out.u()[0], 128);
}

TEST(CropAndScale, CropsToTheTargetAspectCentred)
{
    // 64x48 (4:3) into 32x32 (1:1): the centre 48x48 is kept, so the darkest and brightest
    // columns of the ramp are cut off.
    const PixelBuffer ramp = makeRamp(64, 48);
    PixelBuffer out(VideoPixelFormat::I420, 32, 32);
    cropAndScale(ramp, out);
    EXPECT_GT(out.y()[0], ramp.y()[0] + 20);
    EXPECT_LT(out.y()[31], ramp.y()[63] - 20);
    // Left to right still increases.
    EXPECT_LT(out.y()[0], out.y()[31]);
    EXPECT_EQ(out.u()[0], 100);
}

TEST(CropAndScale, SameAspectScalesWholePicture)
{
    const PixelBuffer ramp = makeRamp(64, 48);
    PixelBuffer out(VideoPixelFormat::I420, 32, 24);
    cropAndScale(ramp, out);
    EXPECT_NEAR(out.y()[0], ramp.y()[0], 4);
    EXPECT_NEAR(out.y()[31], ramp.y()[63], 4);
}

TEST(ToNv12, InterleavesChroma)
{
    const PixelBuffer ramp = makeRamp(8, 4);
    PixelBuffer out(VideoPixelFormat::NV12, 8, 4);
    i420ToNv12(ramp, out);
    EXPECT_EQ(out.u()[0], 100);
    EXPECT_EQ(out.u()[1], 150);
    EXPECT_EQ(out.y()[5], ramp.y()[5]);
}

} // namespace
} // namespace usermedia
