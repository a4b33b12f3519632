// SPDX-License-Identifier: MIT
#include "backends/fake/tone_generator.h"

#include <cmath>
#include <numbers>

#include "backends/fake/test_pattern.h"

namespace usermedia::fake {
namespace {

// The fraction of a cycle a tone of \p frequency has completed after \p sample samples. Whole
// seconds and the remainder are reduced separately, so hours of samples keep full precision.
double cyclePhase(double frequency, std::uint64_t sample, int rate)
{
    const auto seconds = static_cast<double>(sample / std::uint64_t(rate));
    const auto rest = static_cast<double>(sample % std::uint64_t(rate));
    const double cycles = std::fmod(frequency * seconds, 1.0) + frequency * rest / rate;
    return cycles - std::floor(cycles);
}

} // namespace

ToneGenerator::ToneGenerator(const NativeAudioMode& mode, const ToneSettings& tone,
                             std::chrono::nanoseconds start)
    : mode_(mode),
      tone_(tone),
      start_(start)
{
    const int maxFrames = (mode_.sampleRate + kChunksPerSecond - 1) / kChunksPerSecond;
    samples_.resize(std::size_t(maxFrames) * std::size_t(mode_.channels));
}

std::uint64_t ToneGenerator::firstSample(std::uint64_t chunk) const
{
    return chunk * std::uint64_t(mode_.sampleRate) / kChunksPerSecond;
}

std::chrono::nanoseconds ToneGenerator::sampleTime(std::uint64_t sample) const
{
    const auto rate = std::uint64_t(mode_.sampleRate);
    const std::uint64_t nanos =
            sample / rate * 1'000'000'000 + sample % rate * 1'000'000'000 / rate;
    return start_ + std::chrono::nanoseconds(nanos);
}

std::chrono::nanoseconds ToneGenerator::chunkEndTime(std::uint64_t index) const
{
    return sampleTime(firstSample(index + 1));
}

float ToneGenerator::sampleAt(std::uint64_t sample) const
{
    const bool beep = isFlashTime(sampleTime(sample));
    const double frequency = beep ? tone_.beepFrequency : tone_.frequency;
    const float amplitude = beep ? kBeepAmplitude : kToneAmplitude;
    const double phase = cyclePhase(frequency, sample, mode_.sampleRate);
    return amplitude * static_cast<float>(std::sin(2 * std::numbers::pi * phase));
}

NativeAudioChunk ToneGenerator::generate(std::uint64_t index)
{
    const std::uint64_t first = firstSample(index);
    const int frames = static_cast<int>(firstSample(index + 1) - first);
    float* out = samples_.data();
    for (int i = 0; i < frames; ++i) {
        const float value = sampleAt(first + std::uint64_t(i));
        for (int c = 0; c < mode_.channels; ++c)
            *out++ = value;
    }
    NativeAudioChunk chunk;
    chunk.sampleRate = mode_.sampleRate;
    chunk.channels = mode_.channels;
    chunk.frames = frames;
    chunk.samples = samples_.data();
    chunk.timestamp = sampleTime(first);
    chunk.firstFrame = first;
    return chunk;
}

} // namespace usermedia::fake
