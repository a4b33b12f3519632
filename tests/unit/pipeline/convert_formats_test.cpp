// SPDX-License-Identifier: MIT
// Conversion from every native format on small generated frames: bit-exact against a
// straightforward reference where the conversion is lossless or libyuv is exact, PSNR-bounded
// (thresholds stated per test) where it is not (RGB, JPEG, scaling).
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <jpeglib.h>
#include <libyuv.h>

#include "pipeline/convert.h"
#include "pipeline/jpeg_decoder.h"
#include "pipeline/scale.h"

namespace usermedia {
namespace {

// A picture with detail everywhere: diagonal luma ramps plus a checker, chroma varying on
// every 2x2 block (so that a conversion mixing up rows or columns shows).
PixelBuffer makePicture(int width, int height)
{
    PixelBuffer p(VideoPixelFormat::I420, width, height);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x)
            p.y()[y * p.strideY() + x] = static_cast<std::uint8_t>(20 + (x * 3 + y * 5) % 200 +
                                                                   ((x / 4 + y / 4) % 2) * 10);
    }
    for (int y = 0; y < p.chromaHeight(); ++y) {
        for (int x = 0; x < p.chromaWidth(); ++x) {
            p.u()[y * p.strideU() + x] = static_cast<std::uint8_t>(40 + (x * 7 + y * 3) % 170);
            p.v()[y * p.strideV() + x] = static_cast<std::uint8_t>(200 - (x * 5 + y * 11) % 160);
        }
    }
    return p;
}

// A smooth picture (as a camera sees), for lossy paths whose error depends on detail.
PixelBuffer makeSmoothPicture(int width, int height)
{
    PixelBuffer p(VideoPixelFormat::I420, width, height);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x)
            p.y()[y * p.strideY() + x] =
                    static_cast<std::uint8_t>(128 + 80 * std::sin(x * 0.07) * std::cos(y * 0.05));
    }
    for (int y = 0; y < p.chromaHeight(); ++y) {
        for (int x = 0; x < p.chromaWidth(); ++x) {
            p.u()[y * p.strideU() + x] = static_cast<std::uint8_t>(128 + 50 * std::sin(x * 0.09));
            p.v()[y * p.strideV() + x] = static_cast<std::uint8_t>(128 + 50 * std::cos(y * 0.08));
        }
    }
    return p;
}

NativeVideoFrame frameOf(NativePixelFormat format, const std::vector<std::uint8_t>& bytes,
                         int width, int height)
{
    NativeVideoFrame frame;
    frame.format = format;
    frame.width = width;
    frame.height = height;
    frame.data = bytes.data();
    frame.size = bytes.size();
    return frame;
}

double psnr(const std::uint8_t* a, int strideA, const std::uint8_t* b, int strideB, int width,
            int height)
{
    double sum = 0;
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            const double d = a[y * strideA + x] - b[y * strideB + x];
            sum += d * d;
        }
    }
    const double mse = sum / (static_cast<double>(width) * height);
    return mse == 0 ? 99.0 : 10 * std::log10(255.0 * 255.0 / mse);
}

struct PlanePsnr
{
    double y;
    double u;
    double v;
};

PlanePsnr psnr(const PixelBuffer& a, const PixelBuffer& b)
{
    return {psnr(a.y(), a.strideY(), b.y(), b.strideY(), a.width(), a.height()),
            psnr(a.u(), a.strideU(), b.u(), b.strideU(), a.chromaWidth(), a.chromaHeight()),
            psnr(a.v(), a.strideV(), b.v(), b.strideV(), a.chromaWidth(), a.chromaHeight())};
}

void expectSame(const PixelBuffer& expected, const PixelBuffer& actual)
{
    ASSERT_EQ(expected.width(), actual.width());
    ASSERT_EQ(expected.height(), actual.height());
    for (int y = 0; y < expected.height(); ++y) {
        ASSERT_EQ(0, std::memcmp(expected.y() + y * expected.strideY(),
                                 actual.y() + y * actual.strideY(), expected.width()))
                << "luma row " << y;
    }
    for (int y = 0; y < expected.chromaHeight(); ++y) {
        ASSERT_EQ(0, std::memcmp(expected.u() + y * expected.strideU(),
                                 actual.u() + y * actual.strideU(), expected.chromaWidth()))
                << "U row " << y;
        ASSERT_EQ(0, std::memcmp(expected.v() + y * expected.strideV(),
                                 actual.v() + y * actual.strideV(), expected.chromaWidth()))
                << "V row " << y;
    }
}

PixelBuffer convert(NativePixelFormat format, const std::vector<std::uint8_t>& bytes, int width,
                    int height)
{
    PixelBuffer out(VideoPixelFormat::I420, width, height);
    EXPECT_TRUE(convertToI420(frameOf(format, bytes, width, height), out));
    return out;
}

constexpr int kWidth = 48;
constexpr int kHeight = 32;

TEST(ConvertFormats, I420IsCopiedExactly)
{
    const PixelBuffer picture = makePicture(kWidth, kHeight);
    std::vector<std::uint8_t> bytes(picture.y(), picture.y() + kWidth * kHeight * 3 / 2);
    expectSame(picture, convert(NativePixelFormat::I420, bytes, kWidth, kHeight));
}

TEST(ConvertFormats, Yv12SwapsItsChromaPlanesExactly)
{
    const PixelBuffer picture = makePicture(kWidth, kHeight);
    const std::size_t luma = kWidth * kHeight;
    const std::size_t chroma = luma / 4;
    std::vector<std::uint8_t> bytes(picture.y(), picture.y() + luma);
    bytes.insert(bytes.end(), picture.v(), picture.v() + chroma); // V first
    bytes.insert(bytes.end(), picture.u(), picture.u() + chroma);
    expectSame(picture, convert(NativePixelFormat::YV12, bytes, kWidth, kHeight));
}

TEST(ConvertFormats, Nv12DeinterleavesExactly)
{
    const PixelBuffer picture = makePicture(kWidth, kHeight);
    std::vector<std::uint8_t> bytes(picture.y(), picture.y() + kWidth * kHeight);
    for (int i = 0; i < kWidth * kHeight / 4; ++i) {
        bytes.push_back(picture.u()[i]);
        bytes.push_back(picture.v()[i]);
    }
    expectSame(picture, convert(NativePixelFormat::NV12, bytes, kWidth, kHeight));
}

// Packed 4:2:2 carries chroma on every row; I420 keeps the rounded-up mean of each row pair
// ((a + b + 1) / 2, libyuv's pavgb), which the reference computes directly.
void checkPacked422(NativePixelFormat format, int yOffset, int uOffset, int vOffset)
{
    const PixelBuffer picture = makePicture(kWidth, kHeight);
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(kWidth) * kHeight * 2);
    PixelBuffer expected(VideoPixelFormat::I420, kWidth, kHeight);
    std::memcpy(expected.y(), picture.y(), static_cast<std::size_t>(kWidth) * kHeight);
    // Row-specific chroma: the picture's chroma, shifted on odd rows.
    auto chromaAt = [&](const std::uint8_t* plane, int x, int y) {
        const int base = plane[(y / 2) * (kWidth / 2) + x];
        return static_cast<std::uint8_t>(y % 2 == 0 ? base : (base + 37) % 256);
    };
    for (int y = 0; y < kHeight; ++y) {
        for (int x = 0; x < kWidth / 2; ++x) {
            std::uint8_t* group = bytes.data() + (static_cast<std::size_t>(y) * kWidth + 2 * x) * 2;
            group[yOffset] = picture.y()[y * kWidth + 2 * x];
            group[yOffset + 2] = picture.y()[y * kWidth + 2 * x + 1];
            group[uOffset] = chromaAt(picture.u(), x, y);
            group[vOffset] = chromaAt(picture.v(), x, y);
        }
    }
    for (int y = 0; y < kHeight / 2; ++y) {
        for (int x = 0; x < kWidth / 2; ++x) {
            expected.u()[y * expected.strideU() + x] = static_cast<std::uint8_t>(
                    (chromaAt(picture.u(), x, 2 * y) + chromaAt(picture.u(), x, 2 * y + 1) + 1) /
                    2);
            expected.v()[y * expected.strideV() + x] = static_cast<std::uint8_t>(
                    (chromaAt(picture.v(), x, 2 * y) + chromaAt(picture.v(), x, 2 * y + 1) + 1) /
                    2);
        }
    }
    expectSame(expected, convert(format, bytes, kWidth, kHeight));
}

TEST(ConvertFormats, YuyvAveragesChromaRowPairsExactly)
{
    checkPacked422(NativePixelFormat::YUYV, 0, 1, 3);
}

TEST(ConvertFormats, UyvyAveragesChromaRowPairsExactly)
{
    checkPacked422(NativePixelFormat::UYVY, 1, 0, 2);
}

// RGB input: the reference is BT.601 limited range in double precision, chroma from the mean
// of each 2x2 block. libyuv uses 8-bit fixed-point coefficients, so this is PSNR-bounded:
// at least 45 dB on every plane (measured: about 50 dB luma, above 48 dB chroma).
struct Rgb
{
    double r;
    double g;
    double b;
};

void checkRgb(NativePixelFormat format, int bytesPerPixel, int rIndex, int gIndex, int bIndex)
{
    const PixelBuffer picture = makeSmoothPicture(kWidth, kHeight);
    std::vector<Rgb> rgb(static_cast<std::size_t>(kWidth) * kHeight);
    std::vector<std::uint8_t> bytes(rgb.size() * bytesPerPixel, 255);
    for (int y = 0; y < kHeight; ++y) {
        for (int x = 0; x < kWidth; ++x) {
            // The picture's YUV to RGB (BT.601 limited), clamped and rounded to bytes.
            const double Y = (picture.y()[y * kWidth + x] - 16) * 255.0 / 219.0;
            const double U = (picture.u()[(y / 2) * (kWidth / 2) + x / 2] - 128) * 255.0 / 224.0;
            const double V = (picture.v()[(y / 2) * (kWidth / 2) + x / 2] - 128) * 255.0 / 224.0;
            auto clamp = [](double value) {
                return std::round(std::clamp(value, 0.0, 255.0));
            };
            const Rgb pixel{clamp(Y + 1.402 * V), clamp(Y - 0.344136 * U - 0.714136 * V),
                            clamp(Y + 1.772 * U)};
            rgb[y * kWidth + x] = pixel;
            std::uint8_t* out =
                    bytes.data() + (static_cast<std::size_t>(y) * kWidth + x) * bytesPerPixel;
            out[rIndex] = static_cast<std::uint8_t>(pixel.r);
            out[gIndex] = static_cast<std::uint8_t>(pixel.g);
            out[bIndex] = static_cast<std::uint8_t>(pixel.b);
        }
    }
    PixelBuffer reference(VideoPixelFormat::I420, kWidth, kHeight);
    auto lumaOf = [](const Rgb& p) {
        return 16 + (65.481 * p.r + 128.553 * p.g + 24.966 * p.b) / 255.0;
    };
    for (int y = 0; y < kHeight; ++y) {
        for (int x = 0; x < kWidth; ++x)
            reference.y()[y * kWidth + x] =
                    static_cast<std::uint8_t>(std::lround(lumaOf(rgb[y * kWidth + x])));
    }
    for (int y = 0; y < kHeight / 2; ++y) {
        for (int x = 0; x < kWidth / 2; ++x) {
            Rgb mean{0, 0, 0};
            for (int dy = 0; dy < 2; ++dy) {
                for (int dx = 0; dx < 2; ++dx) {
                    const Rgb& p = rgb[(2 * y + dy) * kWidth + 2 * x + dx];
                    mean.r += p.r / 4;
                    mean.g += p.g / 4;
                    mean.b += p.b / 4;
                }
            }
            reference.u()[y * (kWidth / 2) + x] = static_cast<std::uint8_t>(std::lround(
                    128 + (-37.797 * mean.r - 74.203 * mean.g + 112.0 * mean.b) / 255.0));
            reference.v()[y * (kWidth / 2) + x] = static_cast<std::uint8_t>(std::lround(
                    128 + (112.0 * mean.r - 93.786 * mean.g - 18.214 * mean.b) / 255.0));
        }
    }
    const PixelBuffer converted = convert(format, bytes, kWidth, kHeight);
    const PlanePsnr quality = psnr(reference, converted);
    EXPECT_GE(quality.y, 45.0) << toString(format);
    EXPECT_GE(quality.u, 45.0) << toString(format);
    EXPECT_GE(quality.v, 45.0) << toString(format);
}

TEST(ConvertFormats, Rgb24MatchesBt601Reference)
{
    checkRgb(NativePixelFormat::RGB24, 3, 0, 1, 2);
}

TEST(ConvertFormats, Bgr24MatchesBt601Reference)
{
    checkRgb(NativePixelFormat::BGR24, 3, 2, 1, 0);
}

TEST(ConvertFormats, BgraMatchesBt601Reference)
{
    checkRgb(NativePixelFormat::BGRA, 4, 2, 1, 0);
}

// A JPEG of an I420 picture with the given luma sampling (2x2: 4:2:0, 2x1: 4:2:2), from
// full-resolution YCbCr scanlines (chroma repeated), as a camera's encoder would see it.
std::vector<std::uint8_t> encodeJpeg(const PixelBuffer& picture, int lumaV, int quality)
{
    jpeg_compress_struct info{};
    jpeg_error_mgr errors{};
    info.err = jpeg_std_error(&errors);
    jpeg_create_compress(&info);
    unsigned char* out = nullptr;
    unsigned long outSize = 0; // NOLINT(google-runtime-int): libjpeg's type
    jpeg_mem_dest(&info, &out, &outSize);
    info.image_width = static_cast<JDIMENSION>(picture.width());
    info.image_height = static_cast<JDIMENSION>(picture.height());
    info.input_components = 3;
    info.in_color_space = JCS_YCbCr;
    jpeg_set_defaults(&info);
    jpeg_set_colorspace(&info, JCS_YCbCr);
    info.comp_info[0].h_samp_factor = 2;
    info.comp_info[0].v_samp_factor = lumaV;
    jpeg_set_quality(&info, quality, TRUE);
    jpeg_start_compress(&info, TRUE);
    std::vector<std::uint8_t> row(static_cast<std::size_t>(picture.width()) * 3);
    while (info.next_scanline < info.image_height) {
        const int y = static_cast<int>(info.next_scanline);
        for (int x = 0; x < picture.width(); ++x) {
            row[3 * x] = picture.y()[y * picture.strideY() + x];
            row[3 * x + 1] = picture.u()[(y / 2) * picture.strideU() + x / 2];
            row[3 * x + 2] = picture.v()[(y / 2) * picture.strideV() + x / 2];
        }
        JSAMPROW rows[1] = {row.data()}; // NOLINT(modernize-avoid-c-arrays)
        jpeg_write_scanlines(&info, rows, 1);
    }
    jpeg_finish_compress(&info);
    std::vector<std::uint8_t> bytes(out, out + outSize);
    jpeg_destroy_compress(&info);
    std::free(out); // NOLINT(cppcoreguidelines-no-malloc): jpeg_mem_dest's buffer
    return bytes;
}

PixelBuffer libyuvDecode(const std::vector<std::uint8_t>& jpeg, int width, int height)
{
    PixelBuffer out(VideoPixelFormat::I420, width, height);
    EXPECT_EQ(0, libyuv::MJPGToI420(jpeg.data(), jpeg.size(), out.y(), out.strideY(), out.u(),
                                    out.strideU(), out.v(), out.strideV(), width, height, width,
                                    height));
    return out;
}

// Our raw-path decoder and libyuv's MJPGToI420 run the same libjpeg IDCT (JDCT_IFAST) on the
// same coefficients: bit-exact for 4:2:0, including sizes that are not whole MCUs (scratch rows
// for the padding). Against the source picture, quality 95: at least 35 dB luma.
TEST(ConvertFormats, Mjpeg420DecodesLikeLibyuvAndCloseToTheSource)
{
    for (const auto& [w, h] : {std::pair{64, 48}, std::pair{50, 38}, std::pair{160, 90}}) {
        SCOPED_TRACE(std::to_string(w) + "x" + std::to_string(h));
        const PixelBuffer picture = makeSmoothPicture(w, h);
        const auto jpeg = encodeJpeg(picture, 2, 95);
        const PixelBuffer ours = convert(NativePixelFormat::MJPEG, jpeg, w, h);
        expectSame(libyuvDecode(jpeg, w, h), ours);
        const PlanePsnr quality = psnr(picture, ours);
        EXPECT_GE(quality.y, 35.0);
        EXPECT_GE(quality.u, 35.0);
        EXPECT_GE(quality.v, 35.0);
    }
}

// 4:2:2 (what many webcams send): chroma rows averaged in pairs. libyuv converts its 4:2:2
// output with its own vertical filter, so compare with PSNR: at least 45 dB against libyuv,
// 35 dB against the source picture.
TEST(ConvertFormats, Mjpeg422DecodesCloseToLibyuvAndTheSource)
{
    for (const auto& [w, h] : {std::pair{64, 48}, std::pair{50, 37}}) {
        SCOPED_TRACE(std::to_string(w) + "x" + std::to_string(h));
        const PixelBuffer picture = makeSmoothPicture(w, h);
        const auto jpeg = encodeJpeg(picture, 1, 95);
        const PixelBuffer ours = convert(NativePixelFormat::MJPEG, jpeg, w, h);
        const PlanePsnr vsLibyuv = psnr(libyuvDecode(jpeg, w, h), ours);
        EXPECT_GE(vsLibyuv.y, 99.0) << "luma is the same IDCT output";
        EXPECT_GE(vsLibyuv.u, 45.0);
        EXPECT_GE(vsLibyuv.v, 45.0);
        const PlanePsnr quality = psnr(picture, ours);
        EXPECT_GE(quality.y, 35.0);
        EXPECT_GE(quality.u, 35.0);
        EXPECT_GE(quality.v, 35.0);
    }
}

// DCT scaling: 1/2 and 1/4 of the picture straight from the coefficients. Reference: the
// full-size decode box-filtered down with libyuv; at least 33 dB on every plane.
TEST(ConvertFormats, MjpegDecodesAtHalfAndQuarterSize)
{
    const int w = 128;
    const int h = 96;
    for (const int lumaV : {2, 1}) {
        const PixelBuffer picture = makeSmoothPicture(w, h);
        const auto jpeg = encodeJpeg(picture, lumaV, 95);
        const PixelBuffer full = convert(NativePixelFormat::MJPEG, jpeg, w, h);
        for (const int denominator : {2, 4}) {
            SCOPED_TRACE("luma v " + std::to_string(lumaV) + " 1/" + std::to_string(denominator));
            PixelBuffer small(VideoPixelFormat::I420, w / denominator, h / denominator);
            ASSERT_TRUE(convertToI420(frameOf(NativePixelFormat::MJPEG, jpeg, w, h), small));
            PixelBuffer reference(VideoPixelFormat::I420, w / denominator, h / denominator);
            libyuv::I420Scale(full.y(), full.strideY(), full.u(), full.strideU(), full.v(),
                              full.strideV(), w, h, reference.y(), reference.strideY(),
                              reference.u(), reference.strideU(), reference.v(),
                              reference.strideV(), reference.width(), reference.height(),
                              libyuv::kFilterBox);
            const PlanePsnr quality = psnr(reference, small);
            EXPECT_GE(quality.y, 33.0);
            EXPECT_GE(quality.u, 33.0);
            EXPECT_GE(quality.v, 33.0);
        }
    }
}

TEST(ConvertFormats, FrameConverterDecodesMjpegOnlyAsLargeAsNeeded)
{
    const PixelBuffer picture = makeSmoothPicture(160, 120);
    const auto jpeg = encodeJpeg(picture, 2, 90);
    std::shared_ptr<PixelBufferPool> pool;
    FrameConverter::PoolLookup pools = [&](VideoPixelFormat format, int width, int height) {
        pool = makePixelBufferPool(format, width, height);
        return pool;
    };
    FrameConverter converter;
    const auto frame = frameOf(NativePixelFormat::MJPEG, jpeg, 160, 120);
    EXPECT_EQ(converter.convert(frame, 160, 120, pools)->width(), 160);
    EXPECT_EQ(converter.convert(frame, 80, 45, pools)->width(), 80);  // 1/2
    EXPECT_EQ(converter.convert(frame, 40, 30, pools)->width(), 40);  // 1/4
    EXPECT_EQ(converter.convert(frame, 20, 15, pools)->width(), 20);  // 1/8
    EXPECT_EQ(converter.convert(frame, 81, 10, pools)->width(), 160); // wider than half
    std::vector<std::uint8_t> truncated(jpeg.begin(), jpeg.begin() + 20);
    EXPECT_EQ(converter.convert(frameOf(NativePixelFormat::MJPEG, truncated, 160, 120), 160, 120,
                                pools),
              nullptr);
}

TEST(ConvertFormats, MjpegOfAnotherSizeThanTheFrameSaysIsRejected)
{
    const PixelBuffer picture = makeSmoothPicture(64, 48);
    const auto jpeg = encodeJpeg(picture, 2, 90);
    PixelBuffer out(VideoPixelFormat::I420, 32, 32);
    EXPECT_FALSE(convertToI420(frameOf(NativePixelFormat::MJPEG, jpeg, 64, 48), out));
}

// The 2/3 area filter against an area average computed in double precision (each output pixel
// the exact mean of the 1.5 x 1.5 source pixels it covers): the only difference is rounding,
// so at most 1 apart and at least 50 dB on a detailed picture.
TEST(ScaleTwoThirds, MatchesTheExactAreaAverage)
{
    for (const auto& [w, h] : {std::pair{48, 30}, std::pair{96, 54}, std::pair{1920, 1080}}) {
        SCOPED_TRACE(std::to_string(w) + "x" + std::to_string(h));
        const PixelBuffer picture = makePicture(w, h);
        const int ow = w * 2 / 3;
        const int oh = h * 2 / 3;
        std::vector<std::uint8_t> out(static_cast<std::size_t>(ow) * oh);
        ASSERT_TRUE(isTwoThirds(w, h, ow, oh));
        scalePlaneTwoThirds(picture.y(), picture.strideY(), w, h, out.data(), ow);
        std::vector<std::uint8_t> reference(out.size());
        int worst = 0;
        for (int y = 0; y < oh; ++y) {
            for (int x = 0; x < ow; ++x) {
                double sum = 0;
                // Output pixel covers source [x * 1.5, x * 1.5 + 1.5) in each direction.
                for (int sy = 0; sy < h; ++sy) {
                    const double oy = std::max(0.0, std::min(sy + 1.0, y * 1.5 + 1.5) -
                                                            std::max<double>(sy, y * 1.5));
                    if (oy <= 0)
                        continue;
                    for (int sx = static_cast<int>(x * 1.5); sx < w && sx < x * 1.5 + 1.5; ++sx) {
                        const double ox = std::max(0.0, std::min(sx + 1.0, x * 1.5 + 1.5) -
                                                                std::max<double>(sx, x * 1.5));
                        sum += ox * oy * picture.y()[sy * picture.strideY() + sx];
                    }
                }
                const auto expected = static_cast<int>(std::lround(sum / 2.25));
                reference[y * ow + x] = static_cast<std::uint8_t>(expected);
                worst = std::max(worst, std::abs(expected - out[y * ow + x]));
            }
            if (h > 100 && y > 30)
                break; // the big picture: the first rows are enough for the double loop
        }
        EXPECT_LE(worst, 1);
        const int rows = h > 100 ? 31 : oh;
        EXPECT_GE(psnr(reference.data(), ow, out.data(), ow, ow, rows), 50.0);
    }
}

// The crop-and-scale fast path agrees with libyuv's box filter, the high-quality reference of
// the issue: at least 45 dB on every plane of a smooth 1080p picture scaled to 720p.
TEST(ScaleTwoThirds, CropAndScaleTakesItFor1080pTo720p)
{
    const PixelBuffer picture = makeSmoothPicture(1920, 1080);
    PixelBuffer ours(VideoPixelFormat::I420, 1280, 720);
    cropAndScale(picture, ours);
    PixelBuffer box(VideoPixelFormat::I420, 1280, 720);
    libyuv::I420Scale(picture.y(), picture.strideY(), picture.u(), picture.strideU(), picture.v(),
                      picture.strideV(), 1920, 1080, box.y(), box.strideY(), box.u(), box.strideU(),
                      box.v(), box.strideV(), 1280, 720, libyuv::kFilterBox);
    const PlanePsnr quality = psnr(box, ours);
    EXPECT_GE(quality.y, 45.0);
    EXPECT_GE(quality.u, 45.0);
    EXPECT_GE(quality.v, 45.0);
}

} // namespace
} // namespace usermedia
