// SPDX-License-Identifier: MIT
// Compresses I420 pictures to JPEG with libjpeg(-turbo)'s raw-data path (no colour conversion),
// reusing its input planes and output buffer so steady-state encoding does not allocate.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include <usermedia/result.h>

#include "backends/fake/test_pattern.h"

namespace usermedia::fake {

/** One encoder per capture thread. Thread: one thread at a time. */
class JpegEncoder
{
public:
    /** \brief An encoder for \p width x \p height pictures (both at least 1). */
    JpegEncoder(int width, int height, int quality = 85);
    ~JpegEncoder();
    JpegEncoder(const JpegEncoder&) = delete;
    JpegEncoder& operator=(const JpegEncoder&) = delete;

    /** \brief The planes to draw the next picture into (padded as libjpeg reads them). */
    const I420Canvas& input() const { return canvas_; }

    /**
     * \brief Compresses the current input.
     * \return the JPEG bytes, valid until the next encode(). Errors: NotReadableError with
     *   libjpeg's message (only on a libjpeg failure, which should not happen).
     */
    Result<std::span<const std::uint8_t>> encode();

private:
    struct Codec; // libjpeg state, kept out of this header

    int quality_;
    std::vector<std::uint8_t> planes_;
    I420Canvas canvas_;
    std::vector<std::uint8_t> output_;
    std::unique_ptr<Codec> codec_;
};

} // namespace usermedia::fake
