// SPDX-License-Identifier: MIT
// A CaptureSink that keeps copies of everything a fake device delivers, for the tests to inspect
// once the ManualClock has settled.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "backends/backend.h"

namespace usermedia::fake::testing {

struct RecordedFrame
{
    NativePixelFormat format = NativePixelFormat::I420;
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> bytes;
    std::chrono::nanoseconds timestamp{0};
    std::uint64_t frameNumber = 0;
};

struct RecordedChunk
{
    int sampleRate = 0;
    int channels = 0;
    int frames = 0;
    std::vector<float> samples;
    std::chrono::nanoseconds timestamp{0};
    std::uint64_t firstFrame = 0;
};

class RecordingSink final : public CaptureSink
{
public:
    void onVideoFrame(const NativeVideoFrame& frame) override
    {
        std::lock_guard lock(mutex_);
        frames_.push_back({frame.format, frame.width, frame.height,
                           std::vector<std::uint8_t>(frame.data, frame.data + frame.size),
                           frame.timestamp, frame.frameNumber});
        events_.push_back("frame");
    }

    void onAudioChunk(const NativeAudioChunk& chunk) override
    {
        const std::size_t count = std::size_t(chunk.frames) * std::size_t(chunk.channels);
        std::lock_guard lock(mutex_);
        chunks_.push_back({chunk.sampleRate, chunk.channels, chunk.frames,
                           std::vector<float>(chunk.samples, chunk.samples + count),
                           chunk.timestamp, chunk.firstFrame});
        events_.push_back("chunk");
    }

    void onCaptureError(const Error& error) override
    {
        std::lock_guard lock(mutex_);
        errors_.push_back(error);
        events_.push_back("error");
    }

    /** Appends an event from elsewhere (a hotplug listener), to check the order. */
    void note(std::string event)
    {
        std::lock_guard lock(mutex_);
        events_.push_back(std::move(event));
    }

    std::vector<RecordedFrame> frames() const
    {
        std::lock_guard lock(mutex_);
        return frames_;
    }
    std::vector<RecordedChunk> chunks() const
    {
        std::lock_guard lock(mutex_);
        return chunks_;
    }
    std::vector<Error> errors() const
    {
        std::lock_guard lock(mutex_);
        return errors_;
    }
    std::vector<std::string> events() const
    {
        std::lock_guard lock(mutex_);
        return events_;
    }

private:
    mutable std::mutex mutex_;
    std::vector<RecordedFrame> frames_;
    std::vector<RecordedChunk> chunks_;
    std::vector<Error> errors_;
    std::vector<std::string> events_;
};

} // namespace usermedia::fake::testing
