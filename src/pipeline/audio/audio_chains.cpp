// SPDX-License-Identifier: MIT
#include "pipeline/audio/audio_chains.h"

#include <algorithm>

namespace usermedia::audio {

namespace {
constexpr int kProcessingRate = 48000;
} // namespace

ProcessingChain::ProcessingChain(int sampleRate, int channels, const ProcessingConfig& config)
    : rate_(sampleRate),
      channels_(channels)
{
    if (AudioProcessor::supportsRate(sampleRate)) {
        processor_ = AudioProcessor::create(sampleRate, channels, config);
        return;
    }
    up_ = Resampler::create(sampleRate, kProcessingRate, channels);
    down_ = Resampler::create(kProcessingRate, sampleRate, channels);
    if (up_ && down_)
        processor_ = AudioProcessor::create(kProcessingRate, channels, config);
    // One chunk of silence first, so the round trip's filter delay never leaves a chunk short.
    downBuffer_.assign(static_cast<std::size_t>(sampleRate / 100) * channels, 0.0F);
}

void ProcessingChain::process(const float* in, int frames, float* out)
{
    const auto count = static_cast<std::size_t>(frames) * channels_;
    if (!processor_) {
        std::copy_n(in, count, out);
        return;
    }
    // No far end is known to the core yet, so the delay hint is the chunk itself (10 ms).
    constexpr int kDelayMs = 10;
    if (!up_) {
        std::copy_n(in, count, out);
        if (frames == processor_->frameSize())
            processor_->process(out, kDelayMs);
        return;
    }
    up_->process(in, frames, upBuffer_);
    const auto block = static_cast<std::size_t>(processor_->frameSize()) * channels_;
    std::size_t used = 0;
    while (upBuffer_.size() - used >= block) {
        processor_->process(upBuffer_.data() + used, kDelayMs);
        down_->process(upBuffer_.data() + used, processor_->frameSize(), downBuffer_);
        used += block;
    }
    upBuffer_.erase(upBuffer_.begin(), upBuffer_.begin() + static_cast<std::ptrdiff_t>(used));
    const std::size_t ready = std::min(count, downBuffer_.size());
    std::copy_n(downBuffer_.begin(), ready, out);
    std::fill(out + ready, out + count, 0.0F);
    if (ready < count)
        ++underruns_;
    downBuffer_.erase(downBuffer_.begin(),
                      downBuffer_.begin() + static_cast<std::ptrdiff_t>(ready));
}

std::size_t AudioChains::index(const ProcessingConfig& config)
{
    return (config.echoCancellation ? 1U : 0U) | (config.noiseSuppression ? 2U : 0U) |
           (config.autoGainControl ? 4U : 0U);
}

void AudioChains::begin(const NativeAudioChunk& chunk,
                        const std::shared_ptr<std::vector<float>>& samples)
{
    chunk_ = chunk;
    samples_ = samples;
    for (Slot& slot : slots_)
        slot.fresh = false;
}

const std::shared_ptr<std::vector<float>>& AudioChains::variant(const ProcessingConfig& config)
{
    if (!config.any())
        return samples_;
    Slot& slot = slots_[index(config)];
    if (slot.fresh)
        return slot.output;
    if (!slot.chain || slot.rate != chunk_.sampleRate || slot.channels != chunk_.channels) {
        slot.chain = std::make_unique<ProcessingChain>(chunk_.sampleRate, chunk_.channels, config);
        slot.rate = chunk_.sampleRate;
        slot.channels = chunk_.channels;
    }
    // Reuse the last output buffer unless a sink still holds it (no allocation in steady state
    // when sinks let go of chunks in time).
    if (!slot.output || slot.output.use_count() > 1)
        slot.output = std::make_shared<std::vector<float>>();
    slot.output->resize(samples_->size());
    slot.chain->process(samples_->data(), chunk_.frames, slot.output->data());
    slot.fresh = true;
    return slot.output;
}

} // namespace usermedia::audio
