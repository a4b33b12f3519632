// SPDX-License-Identifier: MIT
// Sample-rate conversion of interleaved float audio with speexdsp, so a track can have a
// sampleRate its device does not offer.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace usermedia::audio {

/**
 * A streaming resampler: feed any number of frames, get the frames produced so far.
 * Thread: one thread at a time.
 */
class Resampler
{
public:
    /** speexdsp's quality scale 0..10; 5 is its VoIP default, 8 keeps a tone within 0.01 dB. */
    static constexpr int kDefaultQuality = 8;

    /** Null if speexdsp refuses the rates. */
    static std::unique_ptr<Resampler> create(int inRate, int outRate, int channels,
                                             int quality = kDefaultQuality);
    ~Resampler();
    Resampler(const Resampler&) = delete;
    Resampler& operator=(const Resampler&) = delete;

    /**
     * Resamples \p frames interleaved frames; the output is appended to \p out (which keeps its
     * capacity between calls). Returns the number of frames appended.
     */
    int process(const float* in, int frames, std::vector<float>& out);
    int inRate() const { return inRate_; }
    int outRate() const { return outRate_; }
    int channels() const { return channels_; }
    /** Input frames of delay the filter adds. */
    int inputLatency() const;

private:
    struct State;
    Resampler(std::unique_ptr<State> state, int inRate, int outRate, int channels);

    std::unique_ptr<State> state_;
    const int inRate_;
    const int outRate_;
    const int channels_;
};

} // namespace usermedia::audio
