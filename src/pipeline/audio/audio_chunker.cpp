// SPDX-License-Identifier: MIT
#include "pipeline/audio/audio_chunker.h"

#include <algorithm>
#include <cstdlib>

namespace usermedia::audio {

AudioChunker::AudioChunker(int sampleRate, int channels)
    : sampleRate_(sampleRate),
      channels_(channels),
      chunkFrames_(std::max(1, sampleRate / 100))
{
    pending_.resize(static_cast<std::size_t>(chunkFrames_) * channels_);
}

std::chrono::nanoseconds AudioChunker::timeOf(std::uint64_t frame) const
{
    const auto offset = static_cast<std::int64_t>(frame) - static_cast<std::int64_t>(anchorFrame_);
    return anchor_ + std::chrono::nanoseconds(offset * 1'000'000'000 / sampleRate_);
}

void AudioChunker::push(const float* samples, int frames, std::chrono::nanoseconds captureTime,
                        CaptureSink& sink)
{
    if (!anchored_) {
        anchored_ = true;
        anchor_ = captureTime;
        anchorFrame_ = received_;
    } else {
        // Follow the caller's clock when the sample count and wall time disagree by much: the
        // stream was suspended, or the device runs at a slightly different rate than declared.
        const auto expected = timeOf(received_);
        if (std::abs((captureTime - expected).count()) > kMaxDrift.count()) {
            anchor_ = captureTime;
            anchorFrame_ = received_;
            ++reanchors_;
        }
    }
    while (frames > 0) {
        const int take = std::min(frames, chunkFrames_ - pendingFrames_);
        std::copy_n(samples, static_cast<std::size_t>(take) * channels_,
                    pending_.begin() + static_cast<std::ptrdiff_t>(pendingFrames_) * channels_);
        samples += static_cast<std::ptrdiff_t>(take) * channels_;
        pendingFrames_ += take;
        frames -= take;
        received_ += static_cast<std::uint64_t>(take);
        if (pendingFrames_ == chunkFrames_)
            emitFull(sink);
    }
}

void AudioChunker::pushSilence(int frames, CaptureSink& sink)
{
    while (frames > 0) {
        const int take = std::min(frames, chunkFrames_ - pendingFrames_);
        std::fill_n(pending_.begin() + static_cast<std::ptrdiff_t>(pendingFrames_) * channels_,
                    static_cast<std::size_t>(take) * channels_, 0.0F);
        pendingFrames_ += take;
        frames -= take;
        received_ += static_cast<std::uint64_t>(take);
        if (pendingFrames_ == chunkFrames_)
            emitFull(sink);
    }
}

void AudioChunker::emitFull(CaptureSink& sink)
{
    NativeAudioChunk chunk;
    chunk.sampleRate = sampleRate_;
    chunk.channels = channels_;
    chunk.frames = chunkFrames_;
    chunk.samples = pending_.data();
    chunk.firstFrame = emitted_;
    chunk.timestamp = anchored_ ? timeOf(emitted_) : std::chrono::nanoseconds(0);
    // A re-anchor may move the timeline back (the OS revised its latency down); capture times
    // must still increase.
    if (emitted_ > 0 && chunk.timestamp <= lastTimestamp_)
        chunk.timestamp = lastTimestamp_ + std::chrono::nanoseconds(1);
    lastTimestamp_ = chunk.timestamp;
    sink.onAudioChunk(chunk);
    emitted_ += static_cast<std::uint64_t>(chunkFrames_);
    pendingFrames_ = 0;
}

} // namespace usermedia::audio
