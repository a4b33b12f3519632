// SPDX-License-Identifier: MIT
// echoCancellation, noiseSuppression and autoGainControl, applied for real with
// webrtc-audio-processing (the library Chromium's and PulseAudio's echo cancellers use).
#pragma once

#include <cstdint>
#include <memory>

namespace usermedia::audio {

/** Which processing a track asked for: its three boolean settings. */
struct ProcessingConfig
{
    bool echoCancellation = false;
    bool noiseSuppression = false;
    bool autoGainControl = false;

    bool any() const { return echoCancellation || noiseSuppression || autoGainControl; }
    bool operator==(const ProcessingConfig&) const = default;
};

/** What the echo canceller reports about itself (webrtc's metrics), for logs and tests. */
struct EchoMetrics
{
    bool valid = false;     ///< false until the canceller has run for a while
    double erleDb = 0;      ///< echo return loss enhancement, the library's running average
    int delayMedianMs = -1; ///< the delay it estimated between far end and echo (-1: unknown)
    int delayStdMs = -1;    ///< how much that estimate moves
};

/**
 * One capture stream's processor. Works on 10 ms frames of interleaved float at 8, 16, 32 or
 * 48 kHz (the rates the library runs natively). The echo canceller needs the far end: what the
 * machine plays, given to analyzeRender() 10 ms at a time (EchoReference::Reader does that).
 * Thread: one thread at a time (the capture thread); setConfig() from any thread between
 * frames is safe (atomic hand-over, applied at the next frame).
 */
class AudioProcessor
{
public:
    /** Null when the rate is not one of the library's (see supportsRate()). */
    static std::unique_ptr<AudioProcessor> create(int sampleRate, int channels,
                                                  const ProcessingConfig& config);
    static bool supportsRate(int sampleRate);
    ~AudioProcessor();
    AudioProcessor(const AudioProcessor&) = delete;
    AudioProcessor& operator=(const AudioProcessor&) = delete;

    void setConfig(const ProcessingConfig& config);
    ProcessingConfig config() const;
    /** Far-end audio (what is being played), one 10 ms frame, interleaved at the same rate. */
    bool analyzeRender(const float* frame, int channels);
    /**
     * Far-end audio at its own rate (8, 16, 32 or 48 kHz; the library resamples it to the
     * processing rate): \p sampleRate / 100 frames of \p channels interleaved. No allocation
     * unless the far end's format changes.
     */
    bool analyzeRender(const float* frame, int sampleRate, int channels);
    /** The far-end frames given so far. */
    std::uint64_t renderFrames() const { return renderFrames_; }
    /** The echo canceller's own metrics (valid only while echoCancellation is on). */
    EchoMetrics echoMetrics() const;
    /**
     * Processes one 10 ms near-end frame in place. \p delayMs: the time from a far-end frame
     * given to analyzeRender() to its echo reaching process() (render plus capture latency).
     */
    bool process(float* frame, int delayMs);
    int sampleRate() const { return rate_; }
    int channels() const { return channels_; }
    int frameSize() const { return rate_ / 100; }

private:
    struct State;
    AudioProcessor(std::unique_ptr<State> state, int rate, int channels);
    void applyConfig();

    std::unique_ptr<State> state_;
    const int rate_;
    const int channels_;
    std::uint64_t renderFrames_ = 0;
};

} // namespace usermedia::audio
