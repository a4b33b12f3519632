// SPDX-License-Identifier: MIT
#include "pipeline/pixel_buffer.h"

#include <cstring>

namespace usermedia {

PixelBuffer::PixelBuffer(VideoPixelFormat format, int width, int height)
    : format_(format),
      width_(width),
      height_(height),
      bytes_(lumaSize() + chromaPlaneSize() * (format == VideoPixelFormat::I420 ? 2 : 1))
{}

void PixelBuffer::fillBlack()
{
    std::memset(bytes_.data(), 16, lumaSize());
    std::memset(bytes_.data() + lumaSize(), 128, bytes_.size() - lumaSize());
}

VideoFrame::Init PixelBuffer::describe() const
{
    VideoFrame::Init init;
    init.format = format_;
    init.width = width_;
    init.height = height_;
    init.planes[0] = {y(), strideY()};
    init.planes[1] = {u(), strideU()};
    if (format_ == VideoPixelFormat::I420)
        init.planes[2] = {v(), strideV()};
    return init;
}

std::shared_ptr<PixelBufferPool> makePixelBufferPool(VideoPixelFormat format, int width, int height)
{
    return PixelBufferPool::create(
            [=] { return std::make_unique<PixelBuffer>(format, width, height); });
}

} // namespace usermedia
