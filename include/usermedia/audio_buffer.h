// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include <usermedia/export.h>

namespace usermedia {

/** \brief Sample encodings an audio sink can ask for. */
enum class SampleFormat
{
    F32, ///< 32-bit float in [-1, 1]
    S16, ///< signed 16-bit integer
};

/** \brief "f32" or "s16". Thread: any. */
UM_EXPORT std::string_view toString(SampleFormat format);

/**
 * \brief One chunk of audio delivered by an audio track: 10 ms of interleaved samples.
 *
 * Immutable and reference-counted like VideoFrame. Thread: any; all members are const.
 */
class AudioBuffer
{
public:
    struct Init
    {
        SampleFormat format = SampleFormat::F32;
        int sampleRate = 0;
        int channels = 0;
        int frames = 0;             ///< samples per channel
        const void* data = nullptr; ///< frames * channels interleaved samples
        /// Capture time of the first sample on the MediaDevices clock (monotonic).
        std::chrono::nanoseconds timestamp{0};
        /// Counts the frames (samples per channel) the source produced before this chunk.
        std::uint64_t firstFrame = 0;
    };

    AudioBuffer() = default;
    AudioBuffer(const Init& init, std::shared_ptr<const void> owner)
        : init_(init),
          owner_(std::move(owner))
    {}

    SampleFormat format() const { return init_.format; }
    int sampleRate() const { return init_.sampleRate; }
    int channels() const { return init_.channels; }
    int frames() const { return init_.frames; }
    std::chrono::nanoseconds timestamp() const { return init_.timestamp; }
    std::uint64_t firstFrame() const { return init_.firstFrame; }
    std::chrono::nanoseconds duration() const
    {
        return std::chrono::nanoseconds(std::int64_t{init_.frames} * 1'000'000'000 /
                                        (init_.sampleRate > 0 ? init_.sampleRate : 1));
    }
    /** \brief The samples; empty if the format is not F32. */
    std::span<const float> f32() const
    {
        if (init_.format != SampleFormat::F32)
            return {};
        return {static_cast<const float*>(init_.data), sampleCount()};
    }
    /** \brief The samples; empty if the format is not S16. */
    std::span<const std::int16_t> s16() const
    {
        if (init_.format != SampleFormat::S16)
            return {};
        return {static_cast<const std::int16_t*>(init_.data), sampleCount()};
    }
    bool valid() const { return owner_ != nullptr; }

private:
    std::size_t sampleCount() const
    {
        return static_cast<std::size_t>(init_.frames) * static_cast<std::size_t>(init_.channels);
    }

    Init init_;
    std::shared_ptr<const void> owner_;
};

} // namespace usermedia
