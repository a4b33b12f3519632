// SPDX-License-Identifier: MIT
#include "pipeline/audio/sample_convert.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace usermedia::audio {

std::size_t bytesPerSample(PcmFormat format)
{
    return format == PcmFormat::S16 ? 2 : 4;
}

void toFloat(PcmFormat format, const void* in, std::size_t count, float* out)
{
    switch (format) {
    case PcmFormat::S16: {
        const auto* s = static_cast<const std::int16_t*>(in);
        for (std::size_t i = 0; i < count; ++i)
            out[i] = static_cast<float>(s[i]) * (1.0F / 32768.0F);
        break;
    }
    case PcmFormat::S24In32: {
        const auto* s = static_cast<const std::int32_t*>(in);
        for (std::size_t i = 0; i < count; ++i) {
            // Sign-extend the low 24 bits.
            const auto v = static_cast<std::int32_t>(static_cast<std::uint32_t>(s[i]) << 8) >> 8;
            out[i] = static_cast<float>(v) * (1.0F / 8388608.0F);
        }
        break;
    }
    case PcmFormat::S32: {
        const auto* s = static_cast<const std::int32_t*>(in);
        for (std::size_t i = 0; i < count; ++i)
            out[i] = static_cast<float>(static_cast<double>(s[i]) * (1.0 / 2147483648.0));
        break;
    }
    case PcmFormat::F32:
        std::memcpy(out, in, count * sizeof(float));
        break;
    }
}

void toS16(std::span<const float> in, std::int16_t* out)
{
    for (std::size_t i = 0; i < in.size(); ++i) {
        const float clamped = std::clamp(in[i], -1.0F, 1.0F);
        out[i] = static_cast<std::int16_t>(std::lround(clamped * 32767.0F));
    }
}

void mixChannels(const float* in, int inChannels, float* out, int outChannels, int frames)
{
    if (inChannels == outChannels) {
        std::copy_n(in, static_cast<std::size_t>(frames) * inChannels, out);
        return;
    }
    for (int f = 0; f < frames; ++f) {
        const float* src = in + static_cast<std::ptrdiff_t>(f) * inChannels;
        float* dst = out + static_cast<std::ptrdiff_t>(f) * outChannels;
        if (outChannels == 1) {
            float sum = 0;
            for (int c = 0; c < inChannels; ++c)
                sum += src[c];
            dst[0] = sum / static_cast<float>(inChannels);
        } else if (inChannels == 1) {
            std::fill_n(dst, outChannels, src[0]);
        } else if (outChannels == 2) {
            float left = 0;
            float right = 0;
            for (int c = 0; c < inChannels; c += 2)
                left += src[c];
            for (int c = 1; c < inChannels; c += 2)
                right += src[c];
            dst[0] = left / static_cast<float>((inChannels + 1) / 2);
            dst[1] = right / static_cast<float>(inChannels / 2);
        } else {
            const int common = std::min(inChannels, outChannels);
            std::copy_n(src, common, dst);
            std::fill(dst + common, dst + outChannels, 0.0F);
        }
    }
}

} // namespace usermedia::audio
