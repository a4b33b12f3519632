// SPDX-License-Identifier: MIT
// Sample formats and channel layouts: what a device delivers (s16, s32, float; any channel
// count) to the interleaved float the core works in, and channel up/down-mixing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace usermedia::audio {

/** Integer and float PCM encodings devices use (native endianness). */
enum class PcmFormat
{
    S16,
    S24In32, ///< 24 significant bits in the low bytes of a 32-bit word (ALSA S24_LE)
    S32,
    F32,
};

/** Bytes per sample of \p format. */
std::size_t bytesPerSample(PcmFormat format);

/** Converts \p count samples at \p in to float in [-1, 1). */
void toFloat(PcmFormat format, const void* in, std::size_t count, float* out);
/** Converts float samples to s16 with clamping and rounding. */
void toS16(std::span<const float> in, std::int16_t* out);

/**
 * Mixes \p frames interleaved frames of \p inChannels channels into \p outChannels channels.
 * Down to mono: the average of all channels. Mono up: the one channel in each. Stereo to more:
 * left and right in the first two, the rest silent. More to stereo: even channels left, odd
 * right (each averaged), as a simple fold-down. Equal counts: a copy.
 * \p in and \p out must not overlap.
 */
void mixChannels(const float* in, int inChannels, float* out, int outChannels, int frames);

} // namespace usermedia::audio
