// SPDX-License-Identifier: MIT
#include "pipeline/scale.h"

#include <cstddef>

#if defined(__x86_64__) || defined(__i386__)
#include <tmmintrin.h>
#endif

namespace usermedia {
namespace {

// Output pixels 2j and 2j + 1 of a row cover source columns 3j, 3j + 1 (half) and 3j + 1
// (half), 3j + 2: horizontal sums 2p + q and q + 2r. Rows combine the same way (2a + b, b + 2c),
// so each output pixel is a sum of weights 4, 2, 2, 1 over 9; (s + 4) * 7282 >> 16 equals
// (s + 4) / 9 for every s up to 9 * 255 (checked exhaustively), which is s / 9 rounded.
inline std::uint8_t divideByNine(int sum)
{
    return static_cast<std::uint8_t>(((sum + 4) * 7282) >> 16);
}

// Output pixels [from, width) of one output row pair, scalar.
void scaleRowsScalar(const std::uint8_t* r0, const std::uint8_t* r1, const std::uint8_t* r2,
                     std::uint8_t* d0, std::uint8_t* d1, int from, int width)
{
    for (int x = from; x + 2 <= width; x += 2) {
        const int c = x / 2 * 3;
        const int h0a = 2 * r0[c] + r0[c + 1];
        const int h0b = r0[c + 1] + 2 * r0[c + 2];
        const int h1a = 2 * r1[c] + r1[c + 1];
        const int h1b = r1[c + 1] + 2 * r1[c + 2];
        const int h2a = 2 * r2[c] + r2[c + 1];
        const int h2b = r2[c + 1] + 2 * r2[c + 2];
        d0[x] = divideByNine(2 * h0a + h1a);
        d0[x + 1] = divideByNine(2 * h0b + h1b);
        d1[x] = divideByNine(h1a + 2 * h2a);
        d1[x + 1] = divideByNine(h1b + 2 * h2b);
    }
}

#if defined(__x86_64__) || defined(__i386__)
// 8 horizontal sums (2p + q, q + 2r per group of 3) from the 12 bytes at \p row.
__attribute__((target("ssse3"))) inline __m128i horizontalSsse3(const std::uint8_t* row)
{
    const __m128i pairs = _mm_setr_epi8(0, 1, 2, 1, 3, 4, 5, 4, 6, 7, 8, 7, 9, 10, 11, 10);
    const __m128i weights = _mm_setr_epi8(2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1);
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row));
    return _mm_maddubs_epi16(_mm_shuffle_epi8(bytes, pairs), weights);
}

// (2 * outer + middle + 4) / 9 for 8 sums.
__attribute__((target("ssse3"))) inline __m128i combineSsse3(__m128i outer, __m128i middle)
{
    const __m128i sum = _mm_add_epi16(_mm_add_epi16(outer, outer), middle);
    return _mm_mulhi_epu16(_mm_add_epi16(sum, _mm_set1_epi16(4)), _mm_set1_epi16(7282));
}

// SSSE3, 16 output pixels per row per step. Horizontal first, on bytes: pshufb lays out each
// output pixel's (outer, middle) source pair, pmaddubsw weighs it (2, 1) into 16 bits; then the
// three rows combine vertically (2a + b, b + 2c) and divide by 9 with pmulhuw.
// \return the number of output pixels done (the rest, near the row end, is for the scalar
// code: the loads read 4 bytes past the 12 they use).
__attribute__((target("ssse3"))) int scaleRowsSsse3(const std::uint8_t* r0, const std::uint8_t* r1,
                                                    const std::uint8_t* r2, std::uint8_t* d0,
                                                    std::uint8_t* d1, int srcWidth, int width)
{
    int x = 0;
    for (; x + 16 <= width && x / 2 * 3 + 28 <= srcWidth; x += 16) {
        const int c = x / 2 * 3;
        const __m128i a0 = horizontalSsse3(r0 + c);
        const __m128i a1 = horizontalSsse3(r1 + c);
        const __m128i a2 = horizontalSsse3(r2 + c);
        const __m128i b0 = horizontalSsse3(r0 + c + 12);
        const __m128i b1 = horizontalSsse3(r1 + c + 12);
        const __m128i b2 = horizontalSsse3(r2 + c + 12);
        const __m128i topA = combineSsse3(a0, a1);
        const __m128i topB = combineSsse3(b0, b1);
        const __m128i bottomA = combineSsse3(a2, a1);
        const __m128i bottomB = combineSsse3(b2, b1);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(d0 + x), _mm_packus_epi16(topA, topB));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(d1 + x), _mm_packus_epi16(bottomA, bottomB));
    }
    return x;
}

bool haveSsse3()
{
    static const bool have = __builtin_cpu_supports("ssse3");
    return have;
}
#endif

} // namespace

void scalePlaneTwoThirds(const std::uint8_t* src, int srcStride, int srcWidth, int srcHeight,
                         std::uint8_t* dst, int dstStride)
{
    const int width = srcWidth / 3 * 2;
    for (int y = 0; y + 3 <= srcHeight; y += 3) {
        const std::uint8_t* r0 = src + static_cast<std::ptrdiff_t>(y) * srcStride;
        const std::uint8_t* r1 = r0 + srcStride;
        const std::uint8_t* r2 = r1 + srcStride;
        std::uint8_t* d0 = dst + static_cast<std::ptrdiff_t>(y / 3 * 2) * dstStride;
        std::uint8_t* d1 = d0 + dstStride;
        int done = 0;
#if defined(__x86_64__) || defined(__i386__)
        if (haveSsse3())
            done = scaleRowsSsse3(r0, r1, r2, d0, d1, srcWidth, width);
#endif
        scaleRowsScalar(r0, r1, r2, d0, d1, done, width);
    }
}

} // namespace usermedia
