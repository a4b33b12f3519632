// SPDX-License-Identifier: MIT
// Produces the fake microphone's 10 ms chunks: a quiet tone, and a louder beep during the first
// 100 ms of each clock second, in step with the fake camera's flash.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "backends/backend.h"
#include "backends/fake/fake_device_spec.h"

namespace usermedia::fake {

/** Thread: one thread at a time (the capture thread). */
class ToneGenerator
{
public:
    static constexpr float kToneAmplitude = 0.25F;
    static constexpr float kBeepAmplitude = 0.5F;
    static constexpr int kChunksPerSecond = 100;

    /** \brief Sample 0 is captured at \p start on the clock. Allocates the chunk buffer. */
    ToneGenerator(const NativeAudioMode& mode, const ToneSettings& tone,
                  std::chrono::nanoseconds start);

    /**
     * \brief Chunk \p index: samples [index * rate / 100, (index + 1) * rate / 100). Rates that
     * are not multiples of 100 get chunks one sample longer now and then.
     * \return the chunk; its samples stay valid until the next call.
     */
    NativeAudioChunk generate(std::uint64_t index);

    /** \brief When chunk \p index is complete: the time of the first sample after it. */
    std::chrono::nanoseconds chunkEndTime(std::uint64_t index) const;

    /** \brief The value of sample \p sample (any channel): a pure function of time. */
    float sampleAt(std::uint64_t sample) const;

private:
    std::uint64_t firstSample(std::uint64_t chunk) const;
    std::chrono::nanoseconds sampleTime(std::uint64_t sample) const;

    NativeAudioMode mode_;
    ToneSettings tone_;
    std::chrono::nanoseconds start_;
    std::vector<float> samples_;
};

} // namespace usermedia::fake
