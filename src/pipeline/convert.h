// SPDX-License-Identifier: MIT
// Conversions between native and delivered pixel layouts, with libyuv and libjpeg-turbo.
#pragma once

#include <functional>
#include <memory>

#include "backends/backend.h"
#include "pipeline/jpeg_decoder.h"
#include "pipeline/pixel_buffer.h"

namespace usermedia {

/**
 * Converts a native frame of the same size into \p out (I420). MJPEG frames may also go to a
 * buffer of 1/2, 1/4 or 1/8 of their size (rounded up), decoded that small (DCT scaling).
 * \return false when the frame cannot be decoded (a corrupt MJPEG picture, a short buffer):
 *         the caller counts and skips it; \p out is then unspecified.
 * Thread: any. MJPEG uses a decompressor kept per thread.
 */
bool convertToI420(const NativeVideoFrame& frame, PixelBuffer& out);

/**
 * Converts a source's native frames, keeping what is worth keeping between frames (the JPEG
 * decompressor and its memory). Thread: one thread at a time (the capture thread).
 */
class FrameConverter
{
public:
    using PoolLookup = std::function<std::shared_ptr<PixelBufferPool>(VideoPixelFormat, int, int)>;

    /**
     * The frame in I420, from a buffer of \p pools: at its native size, or (MJPEG) decoded at
     * the smallest DCT scale whose picture still covers \p minWidth x \p minHeight, so that a
     * source whose tracks all want a quarter of the picture never decodes all of it.
     * \return nullptr when the frame cannot be decoded.
     */
    std::shared_ptr<PixelBuffer> convert(const NativeVideoFrame& frame, int minWidth, int minHeight,
                                         const PoolLookup& pools);

private:
    JpegDecoder jpeg_;
};

/**
 * Crops \p src to the aspect ratio of \p out, centred, and scales into \p out (both I420), as
 * Chromium's crop-and-scale does. An exact 2/3 ratio (1080p -> 720p) takes the fast area
 * filter of scale.h; everything else libyuv's bilinear scaler.
 */
void cropAndScale(const PixelBuffer& src, PixelBuffer& out);

/** Copies an I420 picture into an NV12 buffer of the same size. */
void i420ToNv12(const PixelBuffer& src, PixelBuffer& out);

} // namespace usermedia
