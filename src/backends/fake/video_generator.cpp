// SPDX-License-Identifier: MIT
#include "backends/fake/video_generator.h"

#include <algorithm>

#include <libyuv.h>

#include "backends/fake/jpeg_encoder.h"

namespace usermedia::fake {
namespace {

std::size_t lumaSize(int width, int height)
{
    return std::size_t(width) * std::size_t(height);
}

std::size_t chromaSize(int width, int height)
{
    return std::size_t((width + 1) / 2) * std::size_t((height + 1) / 2);
}

// Points a canvas at tightly packed I420 planes; \p swapChroma gives YV12's V-before-U order.
I420Canvas packedCanvas(std::uint8_t* data, int width, int height, bool swapChroma)
{
    const int chromaStride = (width + 1) / 2;
    std::uint8_t* first = data + lumaSize(width, height);
    std::uint8_t* second = first + chromaSize(width, height);
    return I420Canvas{data,
                      width,
                      swapChroma ? second : first,
                      chromaStride,
                      swapChroma ? first : second,
                      chromaStride,
                      width,
                      height};
}

} // namespace

std::size_t VideoGenerator::frameSize(NativePixelFormat format, int width, int height)
{
    const std::size_t pixels = lumaSize(width, height);
    switch (format) {
    case NativePixelFormat::I420:
    case NativePixelFormat::NV12:
    case NativePixelFormat::YV12:
        return pixels + 2 * chromaSize(width, height);
    case NativePixelFormat::YUYV:
    case NativePixelFormat::UYVY:
        // Pixels come in pairs that share chroma; an odd width still stores a whole pair.
        return std::size_t((width + 1) / 2) * 4 * std::size_t(height);
    case NativePixelFormat::MJPEG:
        return 0;
    case NativePixelFormat::RGB24:
    case NativePixelFormat::BGR24:
        return pixels * 3;
    case NativePixelFormat::BGRA:
        return pixels * 4;
    case NativePixelFormat::Y16:
        return pixels * 2;
    }
    return 0;
}

VideoGenerator::VideoGenerator(NativePixelFormat format, int width, int height)
    : format_(format),
      width_(std::max(width, 1)),
      height_(std::max(height, 1))
{
    switch (format_) {
    case NativePixelFormat::MJPEG:
        jpeg_ = std::make_unique<JpegEncoder>(width_, height_);
        canvas_ = jpeg_->input();
        return;
    case NativePixelFormat::I420:
    case NativePixelFormat::YV12:
        // Drawn straight into the output: no conversion at all.
        output_.resize(frameSize(format_, width_, height_));
        canvas_ = packedCanvas(output_.data(), width_, height_, format_ == NativePixelFormat::YV12);
        return;
    default:
        output_.resize(frameSize(format_, width_, height_));
        scratch_.resize(frameSize(NativePixelFormat::I420, width_, height_));
        canvas_ = packedCanvas(scratch_.data(), width_, height_, false);
        return;
    }
}

VideoGenerator::~VideoGenerator() = default;

Result<NativeVideoFrame> VideoGenerator::generate(std::uint64_t frameNumber,
                                                  std::chrono::nanoseconds timestamp)
{
    drawTestPattern(canvas_, frameNumber, timestamp);

    NativeVideoFrame frame;
    frame.format = format_;
    frame.width = width_;
    frame.height = height_;
    frame.timestamp = timestamp;
    frame.frameNumber = frameNumber;
    frame.data = output_.data();
    frame.size = output_.size();

    const I420Canvas& c = canvas_;
    const int w = width_;
    const int h = height_;
    std::uint8_t* out = output_.data();
    switch (format_) {
    case NativePixelFormat::I420:
    case NativePixelFormat::YV12:
        break;
    case NativePixelFormat::NV12:
        libyuv::I420ToNV12(c.y, c.strideY, c.u, c.strideU, c.v, c.strideV, out, w,
                           out + lumaSize(w, h), ((w + 1) / 2) * 2, w, h);
        break;
    case NativePixelFormat::YUYV:
        libyuv::I420ToYUY2(c.y, c.strideY, c.u, c.strideU, c.v, c.strideV, out, ((w + 1) / 2) * 4,
                           w, h);
        break;
    case NativePixelFormat::UYVY:
        libyuv::I420ToUYVY(c.y, c.strideY, c.u, c.strideU, c.v, c.strideV, out, ((w + 1) / 2) * 4,
                           w, h);
        break;
    case NativePixelFormat::RGB24: // bytes R, G, B: libyuv's RAW
        libyuv::I420ToRAW(c.y, c.strideY, c.u, c.strideU, c.v, c.strideV, out, w * 3, w, h);
        break;
    case NativePixelFormat::BGR24: // bytes B, G, R: libyuv's RGB24
        libyuv::I420ToRGB24(c.y, c.strideY, c.u, c.strideU, c.v, c.strideV, out, w * 3, w, h);
        break;
    case NativePixelFormat::BGRA: // bytes B, G, R, A: libyuv's ARGB
        libyuv::I420ToARGB(c.y, c.strideY, c.u, c.strideU, c.v, c.strideV, out, w * 4, w, h);
        break;
    case NativePixelFormat::Y16:
        // Spread the 8-bit luma over the 16-bit range (x * 257 maps 255 to 65535).
        for (int row = 0; row < h; ++row) {
            const std::uint8_t* src = c.y + std::ptrdiff_t(row) * c.strideY;
            std::uint8_t* dst = out + std::ptrdiff_t(row) * w * 2;
            for (int col = 0; col < w; ++col) {
                dst[2 * col] = src[col];
                dst[2 * col + 1] = src[col];
            }
        }
        break;
    case NativePixelFormat::MJPEG: {
        auto jpeg = jpeg_->encode();
        if (!jpeg)
            return jpeg.error();
        frame.data = jpeg->data();
        frame.size = jpeg->size();
        break;
    }
    }
    return frame;
}

} // namespace usermedia::fake
