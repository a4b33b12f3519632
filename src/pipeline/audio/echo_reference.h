// SPDX-License-Identifier: MIT
// The far end of echo cancellation: what the machine plays (a backend records it, e.g. the
// monitor of PulseAudio's default sink), handed from the thread that records it to every
// capture thread whose tracks ask for echoCancellation.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace usermedia::audio {

class AudioProcessor;

/**
 * A bounded ring of the last kSlots 10 ms far-end chunks, each with the time it was played on
 * the MediaDevices clock. One writer (the recording thread) and any number of readers (one per
 * processing chain, each with its own position), so every canceller sees every chunk.
 *
 * The writer never waits for readers: a reader that falls more than kSlots chunks behind loses
 * the oldest ones (counted in Reader::dropped()). Both sides hold the lock only to copy one
 * chunk (a few microseconds), so neither blocks the other for long. No allocation after
 * construction.
 * Thread: push() from one thread at a time; readers from any thread; the rest from any thread.
 */
class EchoReference
{
public:
    /// 640 ms: far more than the lead a far-end chunk can have over its echo.
    static constexpr int kSlots = 64;

    /** \p sampleRate: 8, 16, 32 or 48 kHz (what AudioProcessor takes); chunks of 10 ms. */
    EchoReference(int sampleRate, int channels);
    EchoReference(const EchoReference&) = delete;
    EchoReference& operator=(const EchoReference&) = delete;

    int sampleRate() const { return rate_; }
    int channels() const { return channels_; }
    int chunkFrames() const { return rate_ / 100; }

    /**
     * Adds one chunk (chunkFrames() frames, interleaved) whose first sample was played at
     * \p playedAt, overwriting the oldest when the ring is full.
     */
    void push(const float* samples, std::chrono::nanoseconds playedAt);
    /** Chunks pushed so far. */
    std::uint64_t pushed() const;

    class Reader;

private:
    const int rate_;
    const int channels_;
    const std::size_t chunkSamples_;
    mutable std::mutex mutex_;
    std::vector<float> samples_;                       // guarded by mutex_: kSlots chunks
    std::vector<std::chrono::nanoseconds> timestamps_; // guarded by mutex_
    std::uint64_t next_ = 0;                           // guarded by mutex_: the next chunk's number
};

/**
 * One canceller's view of an EchoReference: feeds it the far end in step with the near end.
 * Keeps the reference (and so the recording) alive.
 * Thread: one thread at a time (the capture thread).
 */
class EchoReference::Reader
{
public:
    /// A far-end chunk is fed once it was played no later than this after the near chunk
    /// started: its echo may be in that near chunk (10 ms long), plus timestamp jitter.
    static constexpr std::chrono::milliseconds kLead{20};
    /// Far-end chunks played this long before the near chunk are too late to help: skipped.
    static constexpr std::chrono::milliseconds kMaxAge{500};
    /// The delay hint is clamped to what webrtc's canceller can use.
    static constexpr int kMaxDelayMs = 500;

    /** Starts at the next chunk pushed. */
    explicit Reader(std::shared_ptr<EchoReference> reference);

    /**
     * Before processing the near-end chunk captured at \p nearStart: gives \p processor every
     * unread far-end chunk played up to nearStart + kLead, in order, and returns the delay hint
     * for AudioProcessor::process(): how far the newest far-end chunk fed is ahead of the near
     * chunk (webrtc's delay = (t_render - t_analyze) + (t_process - t_capture)), in ms. While
     * nothing has been fed, returns 0.
     */
    int feed(AudioProcessor& processor, std::chrono::nanoseconds nearStart);
    /**
     * The next unread far-end chunk played no later than \p until (chunkFrames() frames,
     * valid until the next call), or nullptr when none is due; \p playedAt gets its time.
     */
    const float* next(std::chrono::nanoseconds until, std::chrono::nanoseconds* playedAt = nullptr);

    const std::shared_ptr<EchoReference>& reference() const { return reference_; }
    /** Chunks overwritten before this reader got to them (it fell kSlots behind). */
    std::uint64_t dropped() const { return dropped_; }
    /** Chunks skipped because they were older than kMaxAge when read. */
    std::uint64_t skipped() const { return skipped_; }
    /** Chunks given to the consumer. */
    std::uint64_t fed() const { return fed_; }

private:
    const std::shared_ptr<EchoReference> reference_;
    std::uint64_t cursor_ = 0;
    std::vector<float> scratch_; // one chunk, copied out under the lock
    std::uint64_t dropped_ = 0;
    std::uint64_t skipped_ = 0;
    std::uint64_t fed_ = 0;
    bool any_ = false;
    std::chrono::nanoseconds newest_{0}; // played-at time of the newest chunk fed
};

/**
 * Shares one recording of the far end among everyone who asks: the first acquire() opens it
 * (through \p open), later ones get the same EchoReference while any is held, and the recording
 * stops (its handle is destroyed) when the last holder lets go. Backends keep one.
 * Thread: acquire() from any thread (it runs \p open under its own lock, so open is called at
 * most once at a time).
 */
class EchoReferenceHub
{
public:
    /** The recording; its destructor stops it and no push() follows. */
    class Handle
    {
    public:
        virtual ~Handle() = default;
    };
    using Opener = std::function<std::unique_ptr<Handle>(const std::shared_ptr<EchoReference>&)>;

    /**
     * The shared reference, or nullptr when \p open fails (returns null). \p sampleRate and
     * \p channels are used only when a new recording opens.
     */
    std::shared_ptr<EchoReference> acquire(int sampleRate, int channels, const Opener& open);

private:
    std::mutex mutex_;
    std::weak_ptr<EchoReference> current_; // guarded by mutex_
};

} // namespace usermedia::audio
