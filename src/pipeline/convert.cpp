// SPDX-License-Identifier: MIT
#include "pipeline/convert.h"

#include <cstring>

#include <libyuv.h>

#include "pipeline/scale.h"

namespace usermedia {
namespace {

// Y16 (depth-style grey) has no libyuv converter: keep the high byte as luma, grey chroma.
bool convertY16(const NativeVideoFrame& frame, PixelBuffer& out)
{
    const std::size_t pixels = static_cast<std::size_t>(frame.width) * frame.height;
    if (frame.size < pixels * 2)
        return false;
    std::uint8_t* y = out.y();
    for (std::size_t i = 0; i < pixels; ++i)
        y[i] = frame.data[2 * i + 1];
    const std::size_t chroma = static_cast<std::size_t>(out.chromaWidth()) * out.chromaHeight();
    std::memset(out.u(), 128, chroma);
    std::memset(out.v(), 128, chroma);
    return true;
}

std::uint32_t libyuvFourcc(NativePixelFormat format)
{
    switch (format) {
    case NativePixelFormat::I420:
        return libyuv::FOURCC_I420;
    case NativePixelFormat::NV12:
        return libyuv::FOURCC_NV12;
    case NativePixelFormat::YV12:
        return libyuv::FOURCC_YV12;
    case NativePixelFormat::YUYV:
        return libyuv::FOURCC_YUY2;
    case NativePixelFormat::UYVY:
        return libyuv::FOURCC_UYVY;
    case NativePixelFormat::MJPEG:
        return libyuv::FOURCC_MJPG;
    case NativePixelFormat::RGB24:
        return libyuv::FOURCC_RAW; // bytes R, G, B
    case NativePixelFormat::BGR24:
        return libyuv::FOURCC_24BG; // bytes B, G, R
    case NativePixelFormat::BGRA:
        return libyuv::FOURCC_ARGB; // bytes B, G, R, A
    case NativePixelFormat::Y16:
        break;
    }
    return 0;
}

// Bytes an uncompressed frame needs; 0 for MJPEG (any size may be valid).
std::size_t requiredSize(NativePixelFormat format, int width, int height)
{
    const std::size_t pixels = static_cast<std::size_t>(width) * height;
    const std::size_t chroma = static_cast<std::size_t>((width + 1) / 2) * ((height + 1) / 2);
    switch (format) {
    case NativePixelFormat::I420:
    case NativePixelFormat::YV12:
    case NativePixelFormat::NV12:
        return pixels + 2 * chroma;
    case NativePixelFormat::YUYV:
    case NativePixelFormat::UYVY:
        return static_cast<std::size_t>((width + 1) / 2) * 4 * height;
    case NativePixelFormat::RGB24:
    case NativePixelFormat::BGR24:
        return pixels * 3;
    case NativePixelFormat::BGRA:
        return pixels * 4;
    case NativePixelFormat::Y16:
        return pixels * 2;
    case NativePixelFormat::MJPEG:
        return 0;
    }
    return 0;
}

} // namespace

bool convertToI420(const NativeVideoFrame& frame, PixelBuffer& out)
{
    if (frame.data == nullptr)
        return false;
    if (frame.format == NativePixelFormat::MJPEG) {
        thread_local JpegDecoder decoder;
        return decoder.decodeI420(frame.data, frame.size, out);
    }
    if (frame.width != out.width() || frame.height != out.height() ||
        frame.size < requiredSize(frame.format, frame.width, frame.height))
        return false;
    if (frame.format == NativePixelFormat::Y16)
        return convertY16(frame, out);
    // ConvertToI420 knows each layout's strides.
    const int result = libyuv::ConvertToI420(frame.data, frame.size, out.y(), out.strideY(),
                                             out.u(), out.strideU(), out.v(), out.strideV(), 0, 0,
                                             frame.width, frame.height, frame.width, frame.height,
                                             libyuv::kRotate0, libyuvFourcc(frame.format));
    return result == 0;
}

std::shared_ptr<PixelBuffer> FrameConverter::convert(const NativeVideoFrame& frame, int minWidth,
                                                     int minHeight, const PoolLookup& pools)
{
    if (frame.format != NativePixelFormat::MJPEG) {
        auto out = pools(VideoPixelFormat::I420, frame.width, frame.height)->acquire();
        return convertToI420(frame, *out) ? out : nullptr;
    }
    JpegDecoder::Header header;
    if (!jpeg_.start(frame.data, frame.size, header))
        return nullptr;
    // The device's own size is what the frame claims to be; a picture of another size is
    // corrupt as far as the track's settings go.
    if (header.width != frame.width || header.height != frame.height)
        return nullptr;
    int denominator = 1;
    {
        while (denominator < header.maxDenominator &&
               JpegDecoder::scaledSize(frame.width, denominator * 2) >= minWidth &&
               JpegDecoder::scaledSize(frame.height, denominator * 2) >= minHeight)
            denominator *= 2;
    }
    auto out = pools(VideoPixelFormat::I420, JpegDecoder::scaledSize(frame.width, denominator),
                     JpegDecoder::scaledSize(frame.height, denominator))
                       ->acquire();
    if (!jpeg_.decode(*out, denominator))
        return nullptr;
    return out;
}

void cropAndScale(const PixelBuffer& src, PixelBuffer& out)
{
    // Centred crop to the target's aspect ratio (compare w/h ratios without division).
    int cropWidth = src.width();
    int cropHeight = src.height();
    const long long lhs = static_cast<long long>(src.width()) * out.height();
    const long long rhs = static_cast<long long>(out.width()) * src.height();
    if (lhs > rhs) // source is wider: crop the sides
        cropWidth = static_cast<int>(rhs / out.height());
    else if (lhs < rhs) // source is taller: crop top and bottom
        cropHeight = static_cast<int>(lhs / out.width());
    cropWidth = std::max(2, cropWidth & ~1);
    cropHeight = std::max(2, cropHeight & ~1);
    cropWidth = std::min(cropWidth, src.width());
    cropHeight = std::min(cropHeight, src.height());
    const int x = ((src.width() - cropWidth) / 2) & ~1;
    const int y = ((src.height() - cropHeight) / 2) & ~1;

    // 2/3 exactly, for chroma too (crop sides multiples of 6): the fast area filter.
    if (cropWidth % 6 == 0 && cropHeight % 6 == 0 &&
        isTwoThirds(cropWidth, cropHeight, out.width(), out.height())) {
        scalePlaneTwoThirds(src.y() + static_cast<std::ptrdiff_t>(y) * src.strideY() + x,
                            src.strideY(), cropWidth, cropHeight, out.y(), out.strideY());
        scalePlaneTwoThirds(src.u() + static_cast<std::ptrdiff_t>(y / 2) * src.strideU() + x / 2,
                            src.strideU(), cropWidth / 2, cropHeight / 2, out.u(), out.strideU());
        scalePlaneTwoThirds(src.v() + static_cast<std::ptrdiff_t>(y / 2) * src.strideV() + x / 2,
                            src.strideV(), cropWidth / 2, cropHeight / 2, out.v(), out.strideV());
        return;
    }
    libyuv::I420Scale(
            src.y() + static_cast<std::ptrdiff_t>(y) * src.strideY() + x, src.strideY(),
            src.u() + static_cast<std::ptrdiff_t>(y / 2) * src.strideU() + x / 2, src.strideU(),
            src.v() + static_cast<std::ptrdiff_t>(y / 2) * src.strideV() + x / 2, src.strideV(),
            cropWidth, cropHeight, out.y(), out.strideY(), out.u(), out.strideU(), out.v(),
            out.strideV(), out.width(), out.height(), libyuv::kFilterBilinear);
}

void i420ToNv12(const PixelBuffer& src, PixelBuffer& out)
{
    libyuv::I420ToNV12(src.y(), src.strideY(), src.u(), src.strideU(), src.v(), src.strideV(),
                       out.y(), out.strideY(), out.u(), out.strideU(), src.width(), src.height());
}

} // namespace usermedia
