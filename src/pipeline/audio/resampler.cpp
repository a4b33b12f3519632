// SPDX-License-Identifier: MIT
#include "pipeline/audio/resampler.h"

#include <speex/speex_resampler.h>

namespace usermedia::audio {

struct Resampler::State
{
    SpeexResamplerState* speex = nullptr;
    ~State()
    {
        if (speex)
            speex_resampler_destroy(speex);
    }
};

std::unique_ptr<Resampler> Resampler::create(int inRate, int outRate, int channels, int quality)
{
    if (inRate <= 0 || outRate <= 0 || channels <= 0)
        return nullptr;
    auto state = std::make_unique<State>();
    int error = 0;
    state->speex = speex_resampler_init(static_cast<spx_uint32_t>(channels),
                                        static_cast<spx_uint32_t>(inRate),
                                        static_cast<spx_uint32_t>(outRate), quality, &error);
    if (!state->speex || error != RESAMPLER_ERR_SUCCESS)
        return nullptr;
    // Start without the filter's ramp-up of zeros, so output begins with the signal.
    speex_resampler_skip_zeros(state->speex);
    return std::unique_ptr<Resampler>(new Resampler(std::move(state), inRate, outRate, channels));
}

Resampler::Resampler(std::unique_ptr<State> state, int inRate, int outRate, int channels)
    : state_(std::move(state)),
      inRate_(inRate),
      outRate_(outRate),
      channels_(channels)
{}

Resampler::~Resampler() = default;

int Resampler::inputLatency() const
{
    return speex_resampler_get_input_latency(state_->speex);
}

int Resampler::process(const float* in, int frames, std::vector<float>& out)
{
    int produced = 0;
    while (frames > 0) {
        // Room for everything this call can make (plus a margin for the filter's phase).
        const auto room = static_cast<spx_uint32_t>(
                static_cast<std::int64_t>(frames) * outRate_ / inRate_ + 16);
        const std::size_t start = out.size();
        out.resize(start + static_cast<std::size_t>(room) * channels_);
        auto inLength = static_cast<spx_uint32_t>(frames);
        spx_uint32_t outLength = room;
        speex_resampler_process_interleaved_float(state_->speex, in, &inLength, out.data() + start,
                                                  &outLength);
        out.resize(start + static_cast<std::size_t>(outLength) * channels_);
        produced += static_cast<int>(outLength);
        in += static_cast<std::ptrdiff_t>(inLength) * channels_;
        frames -= static_cast<int>(inLength);
        if (inLength == 0 && outLength == 0)
            break; // cannot progress (never expected)
    }
    return produced;
}

} // namespace usermedia::audio
