// SPDX-License-Identifier: MIT
#include "backends/fake/test_pattern.h"

#include <cstring>
#include <vector>

#include <gtest/gtest.h>
#include <libyuv.h>

namespace usermedia::fake {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

constexpr std::uint8_t kGuard = 0xA5;
constexpr int kGuardBytes = 64;

// An I420 picture whose planes sit between guard bytes, to catch writes out of bounds.
class GuardedI420
{
public:
    GuardedI420(int width, int height)
        : width_(width),
          height_(height),
          chromaWidth_((width + 1) / 2),
          chromaHeight_((height + 1) / 2)
    {
        const std::size_t lumaBytes = std::size_t(width) * height;
        const std::size_t chromaBytes = std::size_t(chromaWidth_) * chromaHeight_;
        memory_.assign(lumaBytes + 2 * chromaBytes + std::size_t{4} * kGuardBytes, kGuard);
        y_ = memory_.data() + kGuardBytes;
        u_ = y_ + lumaBytes + kGuardBytes;
        v_ = u_ + chromaBytes + kGuardBytes;
    }

    I420Canvas canvas()
    {
        return {y_, width_, u_, chromaWidth_, v_, chromaWidth_, width_, height_};
    }

    bool guardsIntact() const
    {
        const auto intact = [](const std::uint8_t* p) {
            for (int i = 0; i < kGuardBytes; ++i) {
                if (p[i] != kGuard)
                    return false;
            }
            return true;
        };
        return intact(memory_.data()) && intact(u_ - kGuardBytes) && intact(v_ - kGuardBytes) &&
               intact(memory_.data() + memory_.size() - kGuardBytes);
    }

    const std::uint8_t* y() const { return y_; }
    const std::uint8_t* u() const { return u_; }
    const std::uint8_t* v() const { return v_; }

private:
    int width_, height_, chromaWidth_, chromaHeight_;
    std::vector<std::uint8_t> memory_;
    std::uint8_t* y_;
    std::uint8_t* u_;
    std::uint8_t* v_;
};

struct Size
{
    int width, height;
};

class TestPatternSizes : public ::testing::TestWithParam<Size>
{};

class TestPatternReadableSizes : public ::testing::TestWithParam<Size>
{};

TEST_P(TestPatternSizes, StaysInsideThePlanes)
{
    const auto [width, height] = GetParam();
    GuardedI420 picture(width, height);
    for (nanoseconds t :
         {nanoseconds(0), nanoseconds(milliseconds(50)), nanoseconds(milliseconds(1999))})
        drawTestPattern(picture.canvas(), 0xFFFFFFFFU, t);
    EXPECT_TRUE(picture.guardsIntact());
}

TEST_P(TestPatternReadableSizes, FrameNumberReadsBack)
{
    const auto [width, height] = GetParam();
    GuardedI420 picture(width, height);
    for (std::uint64_t number : {0ULL, 1ULL, 12345ULL, 0xA5A5A5A5ULL, 0xFFFFFFFFULL}) {
        drawTestPattern(picture.canvas(), number, milliseconds(1234));
        EXPECT_EQ(readFrameNumber(picture.y(), width, width, height), number);
    }
}

INSTANTIATE_TEST_SUITE_P(Sizes, TestPatternSizes,
                         ::testing::Values(Size{1, 1}, Size{2, 1}, Size{1, 3}, Size{3, 5},
                                           Size{35, 9}, Size{64, 1}, Size{64, 8}, Size{65, 37},
                                           Size{160, 120}, Size{641, 479}, Size{1920, 1080},
                                           Size{9, 400}, Size{400, 9}));
// The barcode needs cells of 1.5 pixels: about 40 columns and 12 rows of picture.
INSTANTIATE_TEST_SUITE_P(Sizes, TestPatternReadableSizes,
                         ::testing::Values(Size{40, 30}, Size{64, 36}, Size{65, 37}, Size{96, 54},
                                           Size{160, 120}, Size{480, 640}, Size{641, 479},
                                           Size{1920, 1080}, Size{1000, 200}));

TEST(TestPattern, TooSmallOrBlankPicturesHaveNoFrameNumber)
{
    GuardedI420 tiny(35, 20);
    drawTestPattern(tiny.canvas(), 7, nanoseconds(0));
    EXPECT_FALSE(readFrameNumber(tiny.y(), 35, 35, 20).has_value());

    for (const std::uint8_t level : {16, 64, 128, 235, 255}) {
        std::vector<std::uint8_t> plain(std::size_t{64} * 48, level);
        EXPECT_FALSE(readFrameNumber(plain.data(), 64, 64, 48).has_value()) << int(level);
    }
    EXPECT_FALSE(readFrameNumber(VideoFrame{}).has_value());
    EXPECT_FALSE(readFrameNumber(nullptr, 64, 64, 48).has_value());
}

// One wrong cell is caught by the check bits rather than read as another number.
TEST(TestPattern, ADamagedBarcodeIsRejected)
{
    const int width = 320;
    const int height = 240;
    GuardedI420 picture(width, height);
    drawTestPattern(picture.canvas(), 0x12345678U, milliseconds(500));
    ASSERT_EQ(readFrameNumber(picture.y(), width, width, height), 0x12345678U);
    // Flip the cell holding the first data bit (row 0, column 1) by painting over its middle.
    std::vector<std::uint8_t> damaged(picture.y(), picture.y() + std::size_t(width) * height);
    const int cell = width * 3 / 10 / 8; // 12 pixels
    const int left = (width - width * 3 / 10) / 2;
    const int top = (height - cell * 6) / 2;
    const std::uint8_t flipped =
            damaged[std::size_t(top + cell / 2) * width + left + cell * 3 / 2] > 128 ? 16 : 235;
    for (int y = top + 2; y < top + cell - 2; ++y) {
        for (int x = left + cell + 2; x < left + 2 * cell - 2; ++x)
            damaged[std::size_t(y) * width + x] = flipped;
    }
    EXPECT_FALSE(readFrameNumber(damaged.data(), width, width, height).has_value());
}

// Scaling without a crop reads back with each of libyuv's filters, down to 64 columns.
TEST(TestPattern, FrameNumberSurvivesDownscaling)
{
    const int width = 1280;
    const int height = 720;
    GuardedI420 source(width, height);
    drawTestPattern(source.canvas(), 0x5A0F3C96U, milliseconds(2500));
    for (const Size target :
         {Size{64, 36}, Size{96, 54}, Size{width / 3, height / 3}, Size{97, 60}, Size{200, 60}}) {
        for (auto filter : {libyuv::kFilterNone, libyuv::kFilterBilinear, libyuv::kFilterBox}) {
            GuardedI420 scaled(target.width, target.height);
            const I420Canvas out = scaled.canvas();
            ASSERT_EQ(libyuv::I420Scale(source.y(), width, source.u(), (width + 1) / 2, source.v(),
                                        (width + 1) / 2, width, height, out.y, out.strideY, out.u,
                                        out.strideU, out.v, out.strideV, target.width,
                                        target.height, filter),
                      0);
            EXPECT_EQ(readFrameNumber(scaled.y(), target.width, target.width, target.height),
                      0x5A0F3C96U)
                    << target.width << "x" << target.height << " filter " << filter;
        }
    }
}

TEST(TestPattern, FlashesInTheFirst100MillisecondsOfEachSecond)
{
    EXPECT_TRUE(isFlashTime(nanoseconds(0)));
    EXPECT_TRUE(isFlashTime(milliseconds(99) + nanoseconds(999'999)));
    EXPECT_FALSE(isFlashTime(milliseconds(100)));
    EXPECT_FALSE(isFlashTime(milliseconds(999)));
    EXPECT_TRUE(isFlashTime(milliseconds(7050)));

    GuardedI420 picture(320, 240);
    drawTestPattern(picture.canvas(), 1, milliseconds(3020));
    EXPECT_TRUE(readFlash(picture.y(), 320, 320, 240));
    drawTestPattern(picture.canvas(), 2, milliseconds(3120));
    EXPECT_FALSE(readFlash(picture.y(), 320, 320, 240));
}

// Something on screen moves with time (the bar), outside the barcode and the labels.
TEST(TestPattern, ShowsMotion)
{
    const int width = 320;
    const int height = 240;
    GuardedI420 early(width, height);
    GuardedI420 late(width, height);
    drawTestPattern(early.canvas(), 5, milliseconds(1200));
    drawTestPattern(late.canvas(), 5, milliseconds(1700));
    const int lowerHalf = height / 2 * width;
    EXPECT_NE(std::memcmp(early.y() + lowerHalf, late.y() + lowerHalf, std::size_t(lowerHalf)), 0);
    // The same instant draws the same picture.
    GuardedI420 again(width, height);
    drawTestPattern(again.canvas(), 5, milliseconds(1700));
    EXPECT_EQ(std::memcmp(again.y(), late.y(), std::size_t(width) * height), 0);
}

TEST(TestPattern, ReadsVideoFrames)
{
    const int width = 96;
    const int height = 64;
    auto picture = std::make_shared<GuardedI420>(width, height);
    drawTestPattern(picture->canvas(), 42, milliseconds(10));
    VideoFrame::Init init;
    init.format = VideoPixelFormat::I420;
    init.width = width;
    init.height = height;
    init.planes = {VideoPlane{picture->y(), width}, VideoPlane{picture->u(), width / 2},
                   VideoPlane{picture->v(), width / 2}};
    const VideoFrame frame(init, picture);
    EXPECT_EQ(readFrameNumber(frame), 42U);
    EXPECT_TRUE(readFlash(frame));
}

} // namespace
} // namespace usermedia::fake
