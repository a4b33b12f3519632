// SPDX-License-Identifier: MIT
// Test signals and measurements for the audio pipeline tests: tones, noise, a speech-like
// signal, and frequency/level/SNR estimates.
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <vector>

namespace usermedia::audio::testing {

inline std::vector<float> tone(double hz, int rate, int frames, double amplitude, int channels = 1)
{
    std::vector<float> out(static_cast<std::size_t>(frames) * channels);
    for (int i = 0; i < frames; ++i) {
        const auto v =
                static_cast<float>(amplitude * std::sin(2 * std::numbers::pi * hz * i / rate));
        for (int c = 0; c < channels; ++c)
            out[static_cast<std::size_t>(i) * channels + c] = v;
    }
    return out;
}

inline double rms(const float* samples, std::size_t count, int stride = 1)
{
    double sum = 0;
    std::size_t n = 0;
    for (std::size_t i = 0; i < count; i += stride, ++n)
        sum += static_cast<double>(samples[i]) * samples[i];
    return n ? std::sqrt(sum / static_cast<double>(n)) : 0.0;
}

inline double rms(const std::vector<float>& samples)
{
    return rms(samples.data(), samples.size());
}

inline double db(double ratio)
{
    return 10 * std::log10(ratio);
}

/** Frequency from linearly interpolated rising zero crossings of channel 0. */
inline double frequency(const std::vector<float>& samples, int channels, int rate)
{
    double first = -1;
    double last = -1;
    int crossings = 0;
    const std::size_t frames = samples.size() / channels;
    for (std::size_t i = 1; i < frames; ++i) {
        const float a = samples[(i - 1) * channels];
        const float b = samples[i * channels];
        if (a < 0 && b >= 0) {
            const double at = static_cast<double>(i - 1) + a / (a - b);
            if (first < 0)
                first = at;
            else
                ++crossings;
            last = at;
        }
    }
    return crossings > 0 ? crossings * rate / (last - first) : 0.0;
}

/**
 * Splits \p x into the part at \p hz (least-squares fit of a sine and a cosine) and the rest;
 * returns their power ratio in dB: the signal-to-noise ratio of a tone.
 */
inline double toneSnrDb(const float* x, std::size_t count, double hz, int rate)
{
    double ss = 0, sc = 0, cc = 0, xs = 0, xc = 0, xx = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const double phase = 2 * std::numbers::pi * hz * static_cast<double>(i) / rate;
        const double s = std::sin(phase);
        const double c = std::cos(phase);
        ss += s * s;
        sc += s * c;
        cc += c * c;
        xs += x[i] * s;
        xc += x[i] * c;
        xx += static_cast<double>(x[i]) * x[i];
    }
    const double det = ss * cc - sc * sc;
    const double a = (xs * cc - xc * sc) / det;
    const double b = (xc * ss - xs * sc) / det;
    const double signal = a * xs + b * xc; // energy of the fitted tone
    const double noise = xx - signal;
    return db(signal / std::max(noise, 1e-12));
}

/**
 * Speech-like: pink-ish noise through a few formant-like resonators, switched on and off in
 * syllables of 150-300 ms with pauses, at about \p level RMS while active. Deterministic.
 */
inline std::vector<float> speechLike(int rate, int frames, double level, std::uint32_t seed)
{
    std::mt19937 random(seed);
    std::normal_distribution<double> noise(0.0, 1.0);
    std::uniform_int_distribution<int> syllable(rate * 15 / 100, rate * 30 / 100);
    std::uniform_int_distribution<int> pause(rate * 5 / 100, rate * 20 / 100);
    std::uniform_real_distribution<double> pitch(100, 220);
    std::vector<float> out(frames);
    // Two resonators (formants near 500 Hz and 1500 Hz), excited by noise plus a glottal pulse
    // train, so there is both harmonic and noisy energy.
    auto resonator = [rate](double hz, double bandwidth) {
        const double r = std::exp(-std::numbers::pi * bandwidth / rate);
        return std::pair{2 * r * std::cos(2 * std::numbers::pi * hz / rate), -r * r};
    };
    const auto [a1, a2] = resonator(500, 120);
    const auto [b1, b2] = resonator(1500, 200);
    double y1 = 0, y2 = 0, z1 = 0, z2 = 0;
    int i = 0;
    std::vector<double> raw(frames, 0.0);
    while (i < frames) {
        const int on = syllable(random);
        const double f0 = pitch(random);
        for (int k = 0; k < on && i < frames; ++k, ++i) {
            const double envelope = std::sin(std::numbers::pi * k / on);
            const double pulse = std::fmod(k * f0 / rate, 1.0) < f0 / rate ? 8.0 : 0.0;
            const double excitation = envelope * (0.5 * noise(random) + pulse);
            const double y = excitation + a1 * y1 + a2 * y2;
            y2 = y1;
            y1 = y;
            const double z = excitation + b1 * z1 + b2 * z2;
            z2 = z1;
            z1 = z;
            raw[i] = y + 0.7 * z;
        }
        const int off = pause(random);
        for (int k = 0; k < off && i < frames; ++k, ++i)
            raw[i] = 0;
    }
    double sum = 0;
    int active = 0;
    for (const double v : raw) {
        if (v != 0) {
            sum += v * v;
            ++active;
        }
    }
    const double scale = active ? level / std::sqrt(sum / active) : 0.0;
    for (int k = 0; k < frames; ++k)
        out[k] = static_cast<float>(raw[k] * scale);
    return out;
}

} // namespace usermedia::audio::testing
