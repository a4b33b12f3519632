// SPDX-License-Identifier: MIT
// Conversions between native and delivered pixel layouts, with libyuv and libjpeg-turbo.
#pragma once

#include "backends/backend.h"
#include "pipeline/pixel_buffer.h"

namespace usermedia {

/**
 * Converts a native frame of the same size into \p out (I420).
 * \return false when the frame cannot be decoded (a corrupt MJPEG picture, a short buffer):
 *         the caller counts and skips it; \p out is then unspecified.
 * Thread: any (pure apart from \p out).
 */
bool convertToI420(const NativeVideoFrame& frame, PixelBuffer& out);

/**
 * Crops \p src to the aspect ratio of \p out, centred, and scales into \p out (both I420), as
 * Chromium's crop-and-scale does.
 */
void cropAndScale(const PixelBuffer& src, PixelBuffer& out);

/** Copies an I420 picture into an NV12 buffer of the same size. */
void i420ToNv12(const PixelBuffer& src, PixelBuffer& out);

} // namespace usermedia
