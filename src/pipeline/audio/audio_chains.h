// SPDX-License-Identifier: MIT
// The per-source half of audio processing: one AudioProcessor per distinct combination of
// echoCancellation / noiseSuppression / autoGainControl that the source's tracks ask for, run
// once per chunk and shared by every track with that combination (as FrameVariants shares a
// scaled picture between tracks of one size).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "backends/backend.h"
#include "pipeline/audio/audio_processor.h"
#include "pipeline/audio/resampler.h"

namespace usermedia::audio {

/**
 * Processing at any rate: the library runs at 8/16/32/48 kHz, so other rates (44.1 kHz, 96 kHz)
 * go through 48 kHz and back (speexdsp, about 2 ms of filter delay each way, plus one chunk of
 * buffering).
 * Thread: the capture thread.
 */
class ProcessingChain
{
public:
    ProcessingChain(int sampleRate, int channels, const ProcessingConfig& config);
    /** Processes one chunk (\p frames frames) from \p in into \p out (same size). */
    void process(const float* in, int frames, float* out);
    /** Chunks that came out short (only while the round trip fills up). */
    std::uint64_t underruns() const { return underruns_; }
    bool valid() const { return processor_ != nullptr; }

private:
    const int rate_;
    const int channels_;
    std::unique_ptr<AudioProcessor> processor_;
    // Only for rates the library cannot run.
    std::unique_ptr<Resampler> up_;
    std::unique_ptr<Resampler> down_;
    std::vector<float> upBuffer_;   // at the processing rate, waiting for a full 10 ms
    std::vector<float> downBuffer_; // back at the source rate, waiting to be delivered
    std::uint64_t underruns_ = 0;
};

/**
 * Thread: the capture thread (begin() and variant() during one onAudioChunk()).
 */
class AudioChains
{
public:
    /** A new chunk: what variant() returns is made from \p samples on demand. */
    void begin(const NativeAudioChunk& chunk, const std::shared_ptr<std::vector<float>>& samples);
    /** The chunk processed as \p config says (the original samples when nothing is asked). */
    const std::shared_ptr<std::vector<float>>& variant(const ProcessingConfig& config);

private:
    struct Slot
    {
        std::unique_ptr<ProcessingChain> chain;
        std::shared_ptr<std::vector<float>> output;
        bool fresh = false; // output holds this chunk
        int rate = 0;
        int channels = 0;
    };
    static std::size_t index(const ProcessingConfig& config);

    std::array<Slot, 8> slots_;
    NativeAudioChunk chunk_;
    std::shared_ptr<std::vector<float>> samples_;
};

} // namespace usermedia::audio
