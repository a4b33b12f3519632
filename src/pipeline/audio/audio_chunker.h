// SPDX-License-Identifier: MIT
// Cuts a stream of interleaved float samples, arriving in whatever pieces the OS hands out
// (PulseAudio fragments, ALSA periods), into the 10 ms chunks the core delivers, each stamped
// with the capture time of its first sample.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "backends/backend.h"

namespace usermedia::audio {

/**
 * Accumulates samples and emits fixed-size chunks (rate / 100 frames).
 *
 * Timestamps: the first sample's capture time is anchored once, from the time the caller says
 * the first piece was captured; later chunks are anchor + firstFrame / rate, so they are exactly
 * 10 ms apart. If the device clock drifts from ours by more than kMaxDrift (a stall, a
 * suspended source), the anchor moves to the caller's new estimate and the jump is counted.
 * Thread: one thread (the capture thread); no allocation after the first push of a given size.
 */
class AudioChunker
{
public:
    static constexpr std::chrono::nanoseconds kMaxDrift = std::chrono::milliseconds(20);

    AudioChunker(int sampleRate, int channels);

    /**
     * Adds \p frames frames at \p samples; \p captureTime is the capture time of the piece's
     * first sample on the MediaDevices clock. Calls \p sink.onAudioChunk for each full chunk.
     */
    void push(const float* samples, int frames, std::chrono::nanoseconds captureTime,
              CaptureSink& sink);
    /** Adds \p frames frames of silence (a hole the device reported), with no timestamp hint. */
    void pushSilence(int frames, CaptureSink& sink);

    int sampleRate() const { return sampleRate_; }
    int channels() const { return channels_; }
    int chunkFrames() const { return chunkFrames_; }
    std::uint64_t framesEmitted() const { return emitted_; }
    std::uint64_t reanchors() const { return reanchors_; }

private:
    void emitFull(CaptureSink& sink);
    std::chrono::nanoseconds timeOf(std::uint64_t frame) const;

    const int sampleRate_;
    const int channels_;
    const int chunkFrames_;
    std::vector<float> pending_; // < one chunk, interleaved
    int pendingFrames_ = 0;
    std::uint64_t received_ = 0; // frames pushed so far (the next pushed frame's number)
    std::uint64_t emitted_ = 0;  // frames emitted in chunks
    bool anchored_ = false;
    std::chrono::nanoseconds anchor_{0}; // capture time of frame anchorFrame_
    std::uint64_t anchorFrame_ = 0;
    std::uint64_t reanchors_ = 0;
    std::chrono::nanoseconds lastTimestamp_{0};
};

} // namespace usermedia::audio
