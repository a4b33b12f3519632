// SPDX-License-Identifier: MIT
// The fake camera's picture: something a person can watch (a sweeping bar, the frame number and
// time as digits, a white flash in step with the microphone's beep) and a test can read back (the
// frame number as a barcode in the middle, the flash as a bright background). Both are placed so
// that they survive the core's centred crop to another aspect ratio.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include <usermedia/video_frame.h>

namespace usermedia::fake {

/** Where drawTestPattern() writes: three I420 planes of a width x height picture. */
struct I420Canvas
{
    std::uint8_t* y = nullptr;
    int strideY = 0;
    std::uint8_t* u = nullptr;
    int strideU = 0;
    std::uint8_t* v = nullptr;
    int strideV = 0;
    int width = 0;  ///< luma columns; chroma planes have (width + 1) / 2
    int height = 0; ///< luma rows; chroma planes have (height + 1) / 2
};

/**
 * \brief Whether \p timestamp falls in the first 100 ms of a clock second: the video flashes and
 * the audio beeps then, so a viewer (or a test) can check that both stay in sync.
 * Thread: any.
 */
bool isFlashTime(std::chrono::nanoseconds timestamp);

/**
 * \brief Draws frame \p frameNumber captured at \p timestamp. Any size down to 1x1 works: what
 * does not fit is left out, nothing is written outside the planes. Thread: any.
 */
void drawTestPattern(const I420Canvas& canvas, std::uint64_t frameNumber,
                     std::chrono::nanoseconds timestamp);

/**
 * \brief Reads the frame number back from the barcode in a luma plane; also after JPEG
 * compression, conversion, and a centred crop to any aspect ratio from 9:16 to 3:1 of a 4:3 or
 * 16:9 picture scaled down to 96 pixels wide (64 without a crop). The barcode is found by its
 * edges, not at a fixed place. Only the low 32 bits are encoded, with 4 check bits.
 * \return empty when no barcode is found (not a test pattern, too small, or damaged).
 * Thread: any.
 */
std::optional<std::uint64_t> readFrameNumber(const std::uint8_t* luma, int stride, int width,
                                             int height);
/** \brief The same for an I420 or NV12 frame. Thread: any. */
std::optional<std::uint64_t> readFrameNumber(const VideoFrame& frame);

/**
 * \brief Whether a luma plane shows the flash (see isFlashTime()), judged by its bottom rows; also
 * after the crops readFrameNumber() survives. Thread: any.
 */
bool readFlash(const std::uint8_t* luma, int stride, int width, int height);
/** \brief The same for an I420 or NV12 frame. Thread: any. */
bool readFlash(const VideoFrame& frame);

} // namespace usermedia::fake
