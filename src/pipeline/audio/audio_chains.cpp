// SPDX-License-Identifier: MIT
#include "pipeline/audio/audio_chains.h"

#include <algorithm>

#include "pipeline/audio/sample_convert.h"

namespace usermedia::audio {

namespace {

// The rate the processing runs at when the output rate is not one of the library's.
constexpr int kProcessingRate = 48000;

// \p frames at \p from Hz, counted at \p to Hz (rounded down). No overflow below 2^45 frames.
std::uint64_t rescaled(std::uint64_t frames, int from, int to)
{
    return frames * static_cast<std::uint64_t>(to) / static_cast<std::uint64_t>(from);
}

std::chrono::nanoseconds durationOf(std::uint64_t frames, int rate)
{
    return std::chrono::nanoseconds(static_cast<std::int64_t>(rescaled(frames, rate, 1000000000)));
}

} // namespace

VariantChain::VariantChain(int inRate, int inChannels, const AudioVariantKey& key)
    : inRate_(inRate),
      inChannels_(inChannels),
      key_(key)
{
    int stageRate = key.sampleRate;
    if (key.processing.any() && !AudioProcessor::supportsRate(stageRate))
        stageRate = kProcessingRate;
    if (inRate != stageRate) {
        up_ = Resampler::create(inRate, stageRate, key.channels);
        valid_ = valid_ && up_;
    }
    if (key.processing.any()) {
        processor_ = AudioProcessor::create(stageRate, key.channels, key.processing);
        valid_ = valid_ && processor_;
    }
    if (stageRate != key.sampleRate) {
        down_ = Resampler::create(stageRate, key.sampleRate, key.channels);
        valid_ = valid_ && down_;
    }
    // Resamplers give a frame more or less per call, and processing waits for whole 10 ms
    // blocks; without resampling, native 10 ms chunks are whole blocks and need no lead.
    if (up_ || down_)
        fifo_.assign(static_cast<std::size_t>(key.sampleRate / 100) * key.channels, 0.0F);
    if (up_) {
        upDelay_ = durationOf(static_cast<std::uint64_t>(up_->inputLatency()), inRate);
        filterDelay_ += upDelay_;
    }
    if (down_)
        filterDelay_ += durationOf(static_cast<std::uint64_t>(down_->inputLatency()), stageRate);
}

void VariantChain::setEchoReference(const std::shared_ptr<EchoReference>& reference)
{
    if (!processor_ || !key_.processing.echoCancellation)
        return;
    const EchoReference* current = echoReader_ ? echoReader_->reference().get() : nullptr;
    if (current == reference.get())
        return;
    // Allocates once per change of far end (a track turning echoCancellation on), not per chunk.
    echoReader_ = reference ? std::make_unique<EchoReference::Reader>(reference) : nullptr;
}

void VariantChain::processAndQueue(const float* frames, int count)
{
    if (down_)
        down_->process(frames, count, fifo_);
    else
        fifo_.insert(fifo_.end(), frames, frames + static_cast<std::size_t>(count) * key_.channels);
}

void VariantChain::process(const NativeAudioChunk& in, AudioVariantChunk& out)
{
    const int channels = key_.channels;
    const float* source = in.samples;
    if (inChannels_ != channels) {
        mixed_.resize(static_cast<std::size_t>(in.frames) * channels);
        mixChannels(in.samples, inChannels_, mixed_.data(), channels, in.frames);
        source = mixed_.data();
    }
    if (!valid_) {
        // Never deliver unconverted samples as if they were converted: silence instead.
    } else if (!processor_) {
        if (up_) {
            up_->process(source, in.frames, staged_);
            processAndQueue(staged_.data(), static_cast<int>(staged_.size() / channels));
            staged_.clear();
        } else {
            processAndQueue(source, in.frames);
        }
    } else {
        if (up_)
            up_->process(source, in.frames, staged_);
        else
            staged_.insert(staged_.end(), source,
                           source + static_cast<std::size_t>(in.frames) * channels);
        const int stageRate = processor_->sampleRate();
        const auto block = static_cast<std::size_t>(processor_->frameSize()) * channels;
        // The newest staged frame was captured at the end of this chunk, less the upsampler's
        // delay; each block's first frame is as much older as the staged frames after it.
        const auto stagedEnd = in.timestamp +
                               durationOf(static_cast<std::uint64_t>(in.frames), inRate_) -
                               upDelay_;
        std::size_t used = 0;
        for (; staged_.size() - used >= block; used += block) {
            // Without a far end, the hint is one chunk (the canceller then has nothing to use).
            int delayMs = 10;
            if (echoReader_) {
                const auto after = static_cast<std::uint64_t>((staged_.size() - used) / channels);
                delayMs = echoReader_->feed(*processor_, stagedEnd - durationOf(after, stageRate));
            }
            processor_->process(staged_.data() + used, delayMs);
            processAndQueue(staged_.data() + used, processor_->frameSize());
        }
        staged_.erase(staged_.begin(), staged_.begin() + static_cast<std::ptrdiff_t>(used));
    }

    const int rate = key_.sampleRate;
    const std::uint64_t first = rescaled(in.firstFrame, inRate_, rate);
    const auto frames = static_cast<int>(
            rescaled(in.firstFrame + static_cast<std::uint64_t>(in.frames), inRate_, rate) - first);
    const std::size_t queued = fifo_.size() / channels;
    const std::size_t ready = std::min(queued, static_cast<std::size_t>(frames));
    const std::size_t count = static_cast<std::size_t>(frames) * channels;
    out.samples->resize(count);
    std::copy_n(fifo_.begin(), ready * channels, out.samples->begin());
    std::fill(out.samples->begin() + static_cast<std::ptrdiff_t>(ready * channels),
              out.samples->end(), 0.0F);
    if (ready < static_cast<std::size_t>(frames))
        ++underruns_;
    fifo_.erase(fifo_.begin(), fifo_.begin() + static_cast<std::ptrdiff_t>(ready * channels));
    out.sampleRate = rate;
    out.channels = channels;
    out.frames = frames;
    out.firstFrame = first;
    // The newest queued frame is the end of this input chunk less the filters' delay; the
    // first one delivered is as much older as the queue was long.
    out.timestamp = in.timestamp + durationOf(static_cast<std::uint64_t>(in.frames), inRate_) -
                    filterDelay_ - durationOf(queued, rate);
}

void AudioChains::begin(const NativeAudioChunk& chunk,
                        const std::shared_ptr<std::vector<float>>& samples)
{
    ++chunkNumber_;
    chunk_ = chunk;
    chunk_.samples = samples->data();
    native_ = {samples,      chunk.sampleRate, chunk.channels,
               chunk.frames, chunk.timestamp,  chunk.firstFrame};
    std::erase_if(slots_, [this](const std::unique_ptr<Slot>& slot) {
        return slot->usedAt + kIdleChunks < chunkNumber_;
    });
}

void AudioChains::setEchoReference(const std::shared_ptr<EchoReference>& reference)
{
    if (reference == echoReference_)
        return;
    echoReference_ = reference;
    // Idle chains too: a reader keeps the recording alive, and it should stop when the last
    // track that wanted it lets go, not when its chain is dropped a second later.
    for (const auto& slot : slots_) {
        if (slot->chain)
            slot->chain->setEchoReference(reference);
    }
}

const VariantChain* AudioChains::chain(const AudioVariantKey& key) const
{
    for (const auto& slot : slots_) {
        if (slot->key == key)
            return slot->chain.get();
    }
    return nullptr;
}

const AudioVariantChunk& AudioChains::variant(const AudioVariantKey& wanted)
{
    // A key without a rate or channel count (settings that do not say) means the source's.
    AudioVariantKey key = wanted;
    if (key.sampleRate <= 0)
        key.sampleRate = chunk_.sampleRate;
    if (key.channels <= 0)
        key.channels = chunk_.channels;
    if (!key.processing.any() && key.sampleRate == chunk_.sampleRate &&
        key.channels == chunk_.channels)
        return native_;
    auto it = std::find_if(slots_.begin(), slots_.end(),
                           [&key](const std::unique_ptr<Slot>& slot) { return slot->key == key; });
    if (it == slots_.end()) {
        slots_.push_back(std::make_unique<Slot>());
        it = std::prev(slots_.end());
        (*it)->key = key;
    }
    Slot& slot = **it;
    if (slot.usedAt == chunkNumber_)
        return slot.output;
    if (!slot.chain || slot.inRate != chunk_.sampleRate || slot.inChannels != chunk_.channels) {
        slot.chain = std::make_unique<VariantChain>(chunk_.sampleRate, chunk_.channels, key);
        slot.inRate = chunk_.sampleRate;
        slot.inChannels = chunk_.channels;
    }
    // Reuse the last output buffer unless a sink still holds it (no allocation in steady state
    // when sinks let go of chunks in time).
    if (!slot.output.samples || slot.output.samples.use_count() > 1)
        slot.output.samples = std::make_shared<std::vector<float>>();
    slot.chain->setEchoReference(echoReference_);
    slot.chain->process(chunk_, slot.output);
    slot.usedAt = chunkNumber_;
    return slot.output;
}

} // namespace usermedia::audio
