// SPDX-License-Identifier: MIT
#include "pipeline/scale.h"

#include <array>
#include <cstddef>

#if defined(__x86_64__) || defined(__i386__)
#include <tmmintrin.h>
#endif

namespace usermedia {
namespace {

// Row sums for one output row pair are at most 3 * 255 (weights 2 + 1): 16 bits suffice, and
// so do the 9 * 255 of a whole 3x3 group.
constexpr int kMaxRow = 4098; // source columns per pass (a multiple of 6): stack buffers

// a * 2 + b over a whole row: the vertical step (contiguous, vectorises).
void weightRows(const std::uint8_t* a, const std::uint8_t* b, std::uint16_t* out, int width)
{
    int x = 0;
#if defined(__x86_64__) || defined(__i386__)
    const __m128i zero = _mm_setzero_si128();
    for (; x + 16 <= width; x += 16) {
        const __m128i va = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a + x));
        const __m128i vb = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + x));
        const __m128i alo = _mm_unpacklo_epi8(va, zero);
        const __m128i ahi = _mm_unpackhi_epi8(va, zero);
        const __m128i blo = _mm_unpacklo_epi8(vb, zero);
        const __m128i bhi = _mm_unpackhi_epi8(vb, zero);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + x),
                         _mm_add_epi16(_mm_add_epi16(alo, alo), blo));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + x + 8),
                         _mm_add_epi16(_mm_add_epi16(ahi, ahi), bhi));
    }
#endif
    for (; x < width; ++x)
        out[x] = static_cast<std::uint16_t>(a[x] * 2 + b[x]);
}

// The horizontal step: groups of 3 sums -> 2 pixels, (2p + q) / 9 and (q + 2r) / 9, rounded.
// (s + 4) * 7282 >> 16 equals (s + 4) / 9 for every s up to 9 * 255 (checked exhaustively).
void combineColumnsScalar(const std::uint16_t* sums, std::uint8_t* out, int outWidth, int x)
{
    for (; x + 2 <= outWidth; x += 2) {
        const std::uint16_t* s = sums + static_cast<std::ptrdiff_t>(x / 2) * 3;
        out[x] = static_cast<std::uint8_t>(((s[0] * 2 + s[1] + 4) * 7282) >> 16);
        out[x + 1] = static_cast<std::uint8_t>(((s[2] * 2 + s[1] + 4) * 7282) >> 16);
    }
}

#if defined(__x86_64__) || defined(__i386__)
// SSSE3: 8 output pixels from 12 sums per step. In output order, each pixel is 2 * X + Y with
// X = s0 s2 s3 s5 s6 s8 s9 s11 (the outer sum of its group) and Y = s1 s1 s4 s4 s7 s7 s10 s10
// (the shared middle one); both are gathered from two overlapping loads with pshufb.
__attribute__((target("ssse3"))) void combineColumnsSsse3(const std::uint16_t* sums,
                                                          std::uint8_t* out, int outWidth)
{
    // Byte indices of 16-bit lanes; -1 (0x80) zeroes a lane.
    const __m128i xFromLow = _mm_setr_epi8(0, 1, 4, 5, 6, 7, 10, 11, 12, 13, -1, -1, -1, -1, -1,
                                           -1); // s0 s2 s3 s5 s6 from s[0..7]
    const __m128i xFromHigh = _mm_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 8, 9, 10, 11,
                                            14, 15); // s8 s9 s11 from s[4..11]
    const __m128i yFromLow = _mm_setr_epi8(2, 3, 2, 3, 8, 9, 8, 9, -1, -1, -1, -1, -1, -1, -1,
                                           -1); // s1 s1 s4 s4 from s[0..7]
    const __m128i yFromHigh = _mm_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, 6, 7, 6, 7, 12, 13, 12,
                                            13); // s7 s7 s10 s10 from s[4..11]
    const __m128i four = _mm_set1_epi16(4);
    const __m128i ninth = _mm_set1_epi16(7282);
    int x = 0;
    for (; x + 16 <= outWidth; x += 16) {
        const std::uint16_t* s = sums + static_cast<std::ptrdiff_t>(x / 2) * 3;
        __m128i pixels[2]; // NOLINT(modernize-avoid-c-arrays): std::array drops the vector
                           // type's attributes
        for (int half = 0; half < 2; ++half) {
            const std::uint16_t* g = s + 12 * half;
            const __m128i low = _mm_loadu_si128(reinterpret_cast<const __m128i*>(g));
            const __m128i high = _mm_loadu_si128(reinterpret_cast<const __m128i*>(g + 4));
            const __m128i outer = _mm_or_si128(_mm_shuffle_epi8(low, xFromLow),
                                               _mm_shuffle_epi8(high, xFromHigh));
            const __m128i middle = _mm_or_si128(_mm_shuffle_epi8(low, yFromLow),
                                                _mm_shuffle_epi8(high, yFromHigh));
            const __m128i total = _mm_add_epi16(_mm_add_epi16(outer, outer), middle);
            pixels[half] = _mm_mulhi_epu16(_mm_add_epi16(total, four), ninth);
        }
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + x),
                         _mm_packus_epi16(pixels[0], pixels[1]));
    }
    combineColumnsScalar(sums, out, outWidth, x);
}

bool haveSsse3()
{
    static const bool have = __builtin_cpu_supports("ssse3");
    return have;
}
#endif

void combineColumns(const std::uint16_t* sums, std::uint8_t* out, int outWidth)
{
#if defined(__x86_64__) || defined(__i386__)
    if (haveSsse3()) {
        combineColumnsSsse3(sums, out, outWidth);
        return;
    }
#endif
    combineColumnsScalar(sums, out, outWidth, 0);
}

} // namespace

void scalePlaneTwoThirds(const std::uint8_t* src, int srcStride, int srcWidth, int srcHeight,
                         std::uint8_t* dst, int dstStride)
{
    std::array<std::uint16_t, kMaxRow> top{};
    std::array<std::uint16_t, kMaxRow> bottom{};
    for (int y = 0; y + 3 <= srcHeight; y += 3) {
        const std::uint8_t* r0 = src + static_cast<std::ptrdiff_t>(y) * srcStride;
        const std::uint8_t* r1 = r0 + srcStride;
        const std::uint8_t* r2 = r1 + srcStride;
        std::uint8_t* d0 = dst + static_cast<std::ptrdiff_t>(y / 3 * 2) * dstStride;
        std::uint8_t* d1 = d0 + dstStride;
        for (int x = 0; x < srcWidth; x += kMaxRow) {
            const int span = srcWidth - x < kMaxRow ? srcWidth - x : kMaxRow;
            weightRows(r0 + x, r1 + x, top.data(), span);
            weightRows(r2 + x, r1 + x, bottom.data(), span);
            combineColumns(top.data(), d0 + x / 3 * 2, span / 3 * 2);
            combineColumns(bottom.data(), d1 + x / 3 * 2, span / 3 * 2);
        }
    }
}

} // namespace usermedia
