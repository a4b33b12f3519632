// SPDX-License-Identifier: MIT
// Produces the fake camera's frames in a native pixel format: the test pattern is drawn in I420
// and converted once (libyuv), or compressed (JPEG), into buffers allocated up front.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include <usermedia/result.h>

#include "backends/backend.h"
#include "backends/fake/test_pattern.h"

namespace usermedia::fake {

class JpegEncoder;

/** Thread: one thread at a time (the capture thread). */
class VideoGenerator
{
public:
    /** \brief Allocates every buffer the mode needs (width and height at least 1). */
    VideoGenerator(NativePixelFormat format, int width, int height);
    ~VideoGenerator();
    VideoGenerator(const VideoGenerator&) = delete;
    VideoGenerator& operator=(const VideoGenerator&) = delete;

    /**
     * \brief Draws frame \p frameNumber, captured at \p timestamp.
     * \return the frame; its pixels stay valid until the next call. Errors: NotReadableError
     *   when JPEG compression fails.
     */
    Result<NativeVideoFrame> generate(std::uint64_t frameNumber,
                                      std::chrono::nanoseconds timestamp);

    /** \brief Bytes of one uncompressed frame in \p format (0 for MJPEG). Thread: any. */
    static std::size_t frameSize(NativePixelFormat format, int width, int height);

private:
    NativePixelFormat format_;
    int width_;
    int height_;
    std::vector<std::uint8_t> output_;
    std::vector<std::uint8_t> scratch_; ///< the I420 pattern when it is not the output itself
    I420Canvas canvas_;
    std::unique_ptr<JpegEncoder> jpeg_;
};

} // namespace usermedia::fake
