// SPDX-License-Identifier: MIT
// MJPEG pictures straight to I420 through libjpeg-turbo's raw-data path, band by band, with one
// decompressor kept for the whole stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "pipeline/pixel_buffer.h"

namespace usermedia {

/**
 * Decodes JPEG pictures into I420 PixelBuffers.
 *
 * Why not libyuv's MJPGToI420: it builds a new decompressor (and its allocations) per picture
 * and always decodes at full size. This keeps one decompressor, reads raw (still subsampled)
 * YCbCr MCU rows straight into the output planes (no colour conversion, no upsampling; the
 * band-wise path the issue measures at about 11% faster than decompress-then-convert), and can
 * decode at 1/2, 1/4 or 1/8 size through libjpeg's DCT scaling, which costs less than a full
 * decode followed by a downscale.
 *
 * 4:2:0 pictures go straight to the planes; 4:2:2 (common on webcams) decodes chroma into
 * scratch rows and averages row pairs; anything else (4:4:4, grey, 4:1:1) falls back to
 * libyuv at full size only.
 *
 * Thread: one thread at a time (an instance per capture thread).
 */
class JpegDecoder
{
public:
    struct Header
    {
        int width = 0;
        int height = 0;
        /** Whether decode() can use the raw path (and thus a scale other than 1). */
        bool raw = false;
        /** The largest denominator decode() takes: 8 for 4:2:0, 4 for 4:2:2, else 1. */
        int maxDenominator = 1;
    };

    JpegDecoder();
    ~JpegDecoder();
    JpegDecoder(const JpegDecoder&) = delete;
    JpegDecoder& operator=(const JpegDecoder&) = delete;

    /**
     * Reads the picture's header. \p data must stay valid until decode() returns.
     * \return false for data that is not a JPEG picture.
     */
    bool start(const std::uint8_t* data, std::size_t size, Header& header);

    /**
     * Decodes the started picture into \p out at 1/\p denominator of its size (1, 2, 4 or 8;
     * only 1 unless Header::raw). \p out must be scaledSize(width) x scaledSize(height).
     * \return false when the picture is corrupt beyond decoding, or the sizes do not match.
     */
    bool decode(PixelBuffer& out, int denominator);

    /** start() + decode(), the denominator chosen from \p out's size. */
    bool decodeI420(const std::uint8_t* data, std::size_t size, PixelBuffer& out);

    /** A dimension after decoding at 1/\p denominator (libjpeg rounds up). */
    static int scaledSize(int size, int denominator)
    {
        return (size + denominator - 1) / denominator;
    }

    /** How many times libjpeg's memory manager asked the system for memory (for tests). */
    std::uint64_t systemAllocations() const;

private:
    struct Codec;
    bool decodeRaw(PixelBuffer& out, int denominator);
    bool decodeFallback(PixelBuffer& out);

    std::unique_ptr<Codec> codec_;
    const std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
    bool started_ = false;
    int maxDenominator_ = 1;
    // Rows libjpeg writes that are not (or not only) output: padding past a plane's width or
    // height, and 4:2:2 chroma rows before their vertical averaging. Grows, never shrinks.
    std::vector<std::uint8_t> scratch_;
};

} // namespace usermedia
