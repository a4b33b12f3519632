// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <usermedia/video_frame.h>

#include "pipeline/object_pool.h"

namespace usermedia {

/**
 * Pixels of one picture in I420 or NV12, tightly packed (stride = width, chroma width rounded
 * up). Thread: a buffer is written by one thread before it is shared, then only read.
 */
class PixelBuffer
{
public:
    PixelBuffer(VideoPixelFormat format, int width, int height);

    VideoPixelFormat format() const { return format_; }
    int width() const { return width_; }
    int height() const { return height_; }
    int chromaWidth() const { return (width_ + 1) / 2; }
    int chromaHeight() const { return (height_ + 1) / 2; }

    std::uint8_t* y() { return bytes_.data(); }
    /** I420: the U plane; NV12: the interleaved UV plane. */
    std::uint8_t* u() { return bytes_.data() + lumaSize(); }
    /** I420 only: the V plane. */
    std::uint8_t* v() { return u() + chromaPlaneSize(); }
    const std::uint8_t* y() const { return bytes_.data(); }
    const std::uint8_t* u() const { return bytes_.data() + lumaSize(); }
    const std::uint8_t* v() const { return u() + chromaPlaneSize(); }
    int strideY() const { return width_; }
    int strideU() const
    {
        return format_ == VideoPixelFormat::NV12 ? chromaWidth() * 2 : chromaWidth();
    }
    int strideV() const { return chromaWidth(); }

    /** Fills the picture with black (Y 16, chroma 128: BT.601 limited range). */
    void fillBlack();
    /** The planes, as a VideoFrame describes them. */
    VideoFrame::Init describe() const;

private:
    std::size_t lumaSize() const { return static_cast<std::size_t>(width_) * height_; }
    std::size_t chromaPlaneSize() const
    {
        return static_cast<std::size_t>(chromaWidth()) * chromaHeight() *
               (format_ == VideoPixelFormat::NV12 ? 2 : 1);
    }

    VideoPixelFormat format_;
    int width_;
    int height_;
    std::vector<std::uint8_t> bytes_;
};

/** A pool of PixelBuffers of one format and size. */
using PixelBufferPool = ObjectPool<PixelBuffer>;

/** A pool that makes \p format buffers of \p width x \p height. */
std::shared_ptr<PixelBufferPool> makePixelBufferPool(VideoPixelFormat format, int width,
                                                     int height);

} // namespace usermedia
