// SPDX-License-Identifier: MIT
// The per-source half of the audio pipeline: what each track hears is a variant of the source's
// native chunks (its channel count, sample rate and processing switches), made once per chunk
// and shared by every track that wants the same variant (as FrameVariants shares a scaled
// picture between tracks of one size).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "backends/backend.h"
#include "pipeline/audio/audio_processor.h"
#include "pipeline/audio/echo_reference.h"
#include "pipeline/audio/resampler.h"

namespace usermedia::audio {

/** What a track hears: its processing switches and its output format (its settings). */
struct AudioVariantKey
{
    ProcessingConfig processing;
    int sampleRate = 0;
    int channels = 0;

    bool operator==(const AudioVariantKey&) const = default;
};

/** One chunk of a variant, as delivered to a track. */
struct AudioVariantChunk
{
    std::shared_ptr<std::vector<float>> samples; ///< frames * channels, interleaved
    int sampleRate = 0;
    int channels = 0;
    int frames = 0;
    std::chrono::nanoseconds timestamp{0}; ///< capture time of the first frame
    /// the source's frames before this chunk, counted at this variant's rate (rounded down)
    std::uint64_t firstFrame = 0;
};

/**
 * Native chunks (any rate, any channel count) in, one variant out: channels mixed
 * (mixChannels), resampled (speexdsp) and processed (webrtc-audio-processing, which runs at 8,
 * 16, 32 or 48 kHz: other output rates are processed at 48 kHz and resampled after). Every
 * input chunk gives one output chunk of the same duration, its frames counted from the source's
 * frame count rounded down (floor(n * out / in)), so 10 ms of 44.1 kHz gives 10 ms of 48 kHz
 * exactly, 22.05 kHz alternates 220 and 221 frames, and every variant of a source agrees on
 * where a chunk starts.
 * Resampling and 10 ms processing blocks that do not line up with the input are absorbed by a
 * 10 ms lead of silence at the start, which is why such variants have 10 ms more latency.
 * Thread: the capture thread.
 */
class VariantChain
{
public:
    VariantChain(int inRate, int inChannels, const AudioVariantKey& key);
    /**
     * Converts one native chunk; \p out gets the variant's chunk (its frames and timestamp set,
     * its samples resized to fit).
     */
    void process(const NativeAudioChunk& in, AudioVariantChunk& out);
    /**
     * The far end for the echo canceller (nullptr: none). Only chains with echoCancellation
     * read it; each processing block is given the far-end chunks played up to its capture time
     * (EchoReference::Reader), and the delay hint follows. Without it the hint is 10 ms and the
     * canceller hears no far end, so it removes nothing.
     */
    void setEchoReference(const std::shared_ptr<EchoReference>& reference);
    /** The reader feeding this chain's canceller, if any (for stats and tests). */
    const EchoReference::Reader* echoReader() const { return echoReader_.get(); }
    /** Output frames that were not ready in time and went out as silence. */
    std::uint64_t underruns() const { return underruns_; }
    /** False when the processing or resampling library refused the rates. */
    bool valid() const { return valid_; }

private:
    // Appends frames at the processing rate to fifo_ through the processor and down_.
    void processAndQueue(const float* frames, int count);

    const int inRate_;
    const int inChannels_;
    const AudioVariantKey key_;
    bool valid_ = true;
    std::unique_ptr<Resampler> up_; // native rate -> processing rate
    std::unique_ptr<AudioProcessor> processor_;
    std::unique_ptr<Resampler> down_;         // processing rate -> output rate
    std::vector<float> mixed_;                // this chunk in the output channel count
    std::vector<float> staged_;               // at the processing rate, waiting for 10 ms
    std::vector<float> fifo_;                 // at the output rate, waiting to be delivered
    std::chrono::nanoseconds filterDelay_{0}; // the resamplers' delay
    std::chrono::nanoseconds upDelay_{0};     // up_'s part of it
    std::uint64_t underruns_ = 0;
    std::unique_ptr<EchoReference::Reader> echoReader_; // echoCancellation with a far end only
};

/**
 * The variants of one source's chunks that its tracks ask for.
 * Thread: the capture thread (begin() and variant() during one onAudioChunk()).
 */
class AudioChains
{
public:
    /** A new chunk: what variant() returns is made from \p samples on demand. */
    void begin(const NativeAudioChunk& chunk, const std::shared_ptr<std::vector<float>>& samples);
    /**
     * The chunk as \p wanted says: the source's own buffer when it asks for the native format
     * and no processing; else one buffer per distinct key, made on the first request. A rate or
     * channel count of 0 means the source's.
     */
    const AudioVariantChunk& variant(const AudioVariantKey& wanted);
    /**
     * The far end that variants with echoCancellation cancel (nullptr: none), from the next
     * variant() on. Cheap when unchanged (call it per chunk).
     */
    void setEchoReference(const std::shared_ptr<EchoReference>& reference);
    /** The chain that made \p key's variant, if there is one (for stats and tests). */
    const VariantChain* chain(const AudioVariantKey& key) const;

private:
    struct Slot
    {
        AudioVariantKey key;
        std::unique_ptr<VariantChain> chain;
        AudioVariantChunk output;
        int inRate = 0; // the native format the chain was made for
        int inChannels = 0;
        std::uint64_t usedAt = 0; // the chunk number it last served
    };
    // A variant nobody asked for during this many chunks (1 s at 10 ms) is dropped.
    static constexpr std::uint64_t kIdleChunks = 100;

    std::vector<std::unique_ptr<Slot>> slots_; // stable addresses: variant() returns references
    NativeAudioChunk chunk_;
    AudioVariantChunk native_;
    std::uint64_t chunkNumber_ = 0;
    std::shared_ptr<EchoReference> echoReference_;
};

} // namespace usermedia::audio
