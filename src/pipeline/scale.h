// SPDX-License-Identifier: MIT
// Fast special-case scalers for the ratios cameras and tracks meet most.
#pragma once

#include <cstdint>

namespace usermedia {

/**
 * Whether scalePlaneTwoThirds() applies: \p dstWidth x \p dstHeight is exactly 2/3 of
 * \p srcWidth x \p srcHeight (1920x1080 -> 1280x720, 960x540 -> 640x360, ...).
 */
constexpr bool isTwoThirds(int srcWidth, int srcHeight, int dstWidth, int dstHeight)
{
    return srcWidth % 3 == 0 && srcHeight % 3 == 0 && dstWidth * 3 == srcWidth * 2 &&
           dstHeight * 3 == srcHeight * 2 && dstWidth > 0 && dstHeight > 0;
}

/**
 * Scales one 8-bit plane to 2/3 of its size with an area (box) filter: every 3x3 block of
 * source pixels becomes 2x2 output pixels, each the area-weighted mean of the 1.5 x 1.5 source
 * pixels it covers (weights 4, 2, 2, 1 over 9), rounded to nearest.
 *
 * Why not libyuv: it has no 2/3 path and falls back to its general bilinear scaler, about 2x
 * slower than swscale's bilinear for 1080p -> 720p. This is one pass over the source: each
 * row is filtered horizontally on bytes (pshufb + pmaddubsw on x86), three rows combine into
 * two output rows, and the division by 9 is a multiply-high.
 * Requires isTwoThirds(srcWidth, srcHeight, dstWidth, dstHeight).
 * Thread: any (pure).
 */
void scalePlaneTwoThirds(const std::uint8_t* src, int srcStride, int srcWidth, int srcHeight,
                         std::uint8_t* dst, int dstStride);

} // namespace usermedia
