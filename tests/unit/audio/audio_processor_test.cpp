// SPDX-License-Identifier: MIT
// The processing that echoCancellation, noiseSuppression and autoGainControl switch on,
// measured: echo return loss enhancement on a simulated room, SNR gain on a noisy tone, gain
// on quiet speech. The numbers are printed; the thresholds are well below what the library
// reaches here, so the tests check that processing works, not its exact tuning.
#include "pipeline/audio/audio_processor.h"

#include <cmath>
#include <cstdio>
#include <numbers>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "unit/audio/signals.h"

namespace usermedia::audio {
namespace {

using testing::db;
using testing::rms;
using testing::speechLike;
using testing::tone;
using testing::toneSnrDb;

constexpr int kRate = 16000;
constexpr int kFrame = kRate / 100;

// Energy ratio in dB of a over b on [from, to) seconds.
double energyRatioDb(const std::vector<float>& a, const std::vector<float>& b, double from,
                     double to)
{
    const auto begin = static_cast<std::size_t>(from * kRate);
    const auto count = static_cast<std::size_t>((to - from) * kRate);
    const double ra = rms(a.data() + begin, count);
    const double rb = rms(b.data() + begin, count);
    return db((ra * ra) / std::max(rb * rb, 1e-20));
}

TEST(AudioProcessor, OffPassesSamplesUntouched)
{
    auto processor = AudioProcessor::create(kRate, 1, {});
    ASSERT_NE(processor, nullptr);
    auto frame = tone(440, kRate, kFrame, 0.3);
    const auto original = frame;
    ASSERT_TRUE(processor->process(frame.data(), 0));
    EXPECT_EQ(frame, original);
    EXPECT_EQ(AudioProcessor::create(44100, 1, {}), nullptr) << "not one of the library's rates";
}

// A far end (what the loudspeaker plays) reaches the microphone through a "room": 40 ms of
// delay, three reflections, about 8 dB of loss. For 8 s only the echo (and a faint noise floor)
// is at the microphone; then 4 s of near-end talk alone.
TEST(AudioProcessor, EchoCancellationRemovesTheRoomsEcho)
{
    constexpr int kSeconds = 12;
    const int frames = kSeconds * kRate;
    const auto farEnd = speechLike(kRate, frames, 0.2, 1);
    const auto nearTalk = speechLike(kRate, frames, 0.1, 2);
    std::mt19937 random(3);
    std::normal_distribution<float> floor(0.0F, 0.0005F);

    struct Tap
    {
        int delay;
        float gain;
    };
    const std::vector<Tap> room{{640, 0.35F}, {900, 0.15F}, {1500, 0.08F}};
    std::vector<float> mic(frames);
    std::vector<float> nearOnly(frames, 0.0F);
    for (int i = 0; i < frames; ++i) {
        float echo = 0;
        if (i < 8 * kRate) {
            for (const Tap& tap : room) {
                if (i >= tap.delay)
                    echo += tap.gain * farEnd[i - tap.delay];
            }
        } else {
            nearOnly[i] = nearTalk[i];
        }
        mic[i] = echo + nearOnly[i] + floor(random);
    }
    std::vector<float> farPlayed(farEnd);
    std::fill(farPlayed.begin() + 8 * kRate, farPlayed.end(), 0.0F); // the far end goes quiet

    auto processor = AudioProcessor::create(kRate, 1, {true, false, false});
    ASSERT_NE(processor, nullptr);
    std::vector<float> out(mic);
    for (int at = 0; at < frames; at += kFrame) {
        ASSERT_TRUE(processor->analyzeRender(farPlayed.data() + at, 1));
        ASSERT_TRUE(processor->process(out.data() + at, 40));
    }
    // ERLE over the echo-only stretch after 3 s of convergence.
    const double erle = energyRatioDb(mic, out, 3.0, 8.0);
    // The near end alone must come through (the canceller must not eat the talker).
    const double nearKept = energyRatioDb(out, nearOnly, 9.0, 12.0);
    std::printf("echo cancellation (16 kHz, 40 ms room, 3 reflections): ERLE %.1f dB over 3-8 s; "
                "near-end talk afterwards kept at %+.1f dB\n",
                erle, nearKept);
    EXPECT_GT(erle, 15.0);
    EXPECT_NEAR(nearKept, 0.0, 3.0);
}

// Power of the 440 Hz part of x[begin, begin + count): the least-squares fitted tone.
double tonePower(const std::vector<float>& x, std::size_t begin, std::size_t count)
{
    const double snr = toneSnrDb(x.data() + begin, count, 440, kRate);
    const double total = rms(x.data() + begin, count);
    const double ratio = std::pow(10.0, snr / 10);
    return total * total * ratio / (1 + ratio);
}

// The SNR of a tone played in bursts (400 ms on, 300 ms off) in white noise: the tone's power
// in the middle of the bursts over the power of what is left in the middle of the gaps.
// Bursts, because a suppressor rightly treats a never-changing tone as part of the noise floor;
// speech, which it is made for, comes and goes like this.
double burstSnrDb(const std::vector<float>& x, int fromSecond)
{
    double signal = 0;
    double noise = 0;
    int bursts = 0;
    const int period = 7 * kRate / 10;
    for (int start = 0; start + period <= static_cast<int>(x.size()); start += period) {
        if (start < fromSecond * kRate)
            continue;
        signal += tonePower(x, start + kRate / 20, 3 * kRate / 10);
        const double left = rms(x.data() + start + 45 * kRate / 100, kRate / 5);
        noise += left * left;
        ++bursts;
    }
    return bursts ? db(signal / noise) : 0.0;
}

TEST(AudioProcessor, NoiseSuppressionRaisesTheSnrOfANoisyTone)
{
    constexpr int kSeconds = 14;
    const int frames = kSeconds * kRate;
    auto signal = tone(440, kRate, frames, 0.1);
    const int period = 7 * kRate / 10;
    const int ramp = kRate / 50;
    for (int i = 0; i < frames; ++i) {
        const int into = i % period;
        double gain = into < 4 * kRate / 10 ? 1.0 : 0.0;
        if (into < ramp)
            gain = 0.5 - 0.5 * std::cos(std::numbers::pi * into / ramp);
        else if (into < 4 * kRate / 10 && into >= 4 * kRate / 10 - ramp)
            gain = 0.5 - 0.5 * std::cos(std::numbers::pi * (4 * kRate / 10 - into) / ramp);
        signal[i] = static_cast<float>(signal[i] * gain);
    }
    std::mt19937 random(4);
    std::normal_distribution<float> noise(0.0F, 0.02F); // white noise about 11 dB below the tone
    for (float& s : signal)
        s += noise(random);

    auto processor = AudioProcessor::create(kRate, 1, {false, true, false});
    ASSERT_NE(processor, nullptr);
    std::vector<float> out(signal);
    for (int at = 0; at < frames; at += kFrame)
        ASSERT_TRUE(processor->process(out.data() + at, 0));
    // After 2 s of noise estimation.
    const double before = burstSnrDb(signal, 2);
    const double after = burstSnrDb(out, 2);
    const double toneKept = db(tonePower(out, 2 * kRate + kRate / 20, 3 * kRate / 10) /
                               tonePower(signal, 2 * kRate + kRate / 20, 3 * kRate / 10));
    std::printf("noise suppression (16 kHz, 440 Hz tone bursts in white noise): SNR %.1f dB -> "
                "%.1f dB, gain %.1f dB (tone itself %+.1f dB)\n",
                before, after, after - before, toneKept);
    EXPECT_GT(after - before, 6.0);
    EXPECT_GT(toneKept, -6.0) << "the tone must survive";
}

TEST(AudioProcessor, AutoGainControlLiftsQuietSpeechAndCanBeSwitchedOff)
{
    constexpr int kSeconds = 8;
    const int frames = kSeconds * kRate;
    const auto quiet = speechLike(kRate, frames, 0.01, 5); // about -40 dBFS
    auto processor = AudioProcessor::create(kRate, 1, {false, false, true});
    ASSERT_NE(processor, nullptr);
    std::vector<float> out(quiet);
    for (int at = 0; at < frames / 2; at += kFrame)
        ASSERT_TRUE(processor->process(out.data() + at, 0));
    const double gain = energyRatioDb(out, quiet, 2.0, 4.0);
    // applyConstraints({autoGainControl: false}) reaches the processor like this.
    processor->setConfig({false, false, false});
    EXPECT_FALSE(processor->config().autoGainControl);
    for (int at = frames / 2; at < frames; at += kFrame)
        ASSERT_TRUE(processor->process(out.data() + at, 0));
    const double after = energyRatioDb(out, quiet, 4.5, 8.0);
    std::printf("auto gain control on -40 dBFS speech: %+.1f dB; switched off: %+.2f dB\n", gain,
                after);
    EXPECT_GT(gain, 6.0);
    EXPECT_NEAR(after, 0.0, 0.01);
}

} // namespace
} // namespace usermedia::audio
