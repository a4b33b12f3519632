// SPDX-License-Identifier: MIT
// The PulseAudio backend against a real, private daemon: enumeration, capture of a 440 Hz sine
// source through the public API, the daemon dying mid-stream, and hotplug. Waits are hang
// guards on events (condition variables), never sleeps.
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <usermedia/usermedia.h>

#include "e2e/e2e_fixture.h"
#include "integration/pulse/pulse_daemon.h"
#include "integration/pulse/pulse_devices.h"
#include "unit/audio/signals.h"
#include "unit/backends_common/counting_listener.h"

namespace usermedia::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

// Collects chunks and lets the test wait for a number of them.
class ChunkWaiter
{
public:
    void add(const AudioBuffer& chunk)
    {
        {
            std::lock_guard lock(mutex_);
            chunks_.push_back(chunk);
            arrivals_.push_back(systemClock()->now());
        }
        changed_.notify_all();
    }
    // Waits up to 10 s (a hang guard; 1 s of audio arrives in about 1 s).
    std::vector<AudioBuffer> waitFor(std::size_t count)
    {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, std::chrono::seconds(10), [&] { return chunks_.size() >= count; });
        return chunks_;
    }
    // Waits (10 s guard) for \p count chunks after the first that is not silent; returns the
    // index of that one (or the number of chunks if none came).
    std::size_t waitForSound(std::size_t count)
    {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, std::chrono::seconds(10),
                          [&] { return firstSound() + count <= chunks_.size(); });
        return firstSound();
    }
    // When each chunk reached the sink (the system clock, which MediaDevices uses by default).
    std::vector<nanoseconds> arrivals()
    {
        std::lock_guard lock(mutex_);
        return arrivals_;
    }

private:
    std::size_t firstSound() const
    {
        for (std::size_t i = 0; i < chunks_.size(); ++i) {
            for (const float v : chunks_[i].f32()) {
                if (std::fabs(v) > 0.1F)
                    return i;
            }
        }
        return chunks_.size() + 1; // none yet: more than there are
    }

    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<AudioBuffer> chunks_;
    std::vector<nanoseconds> arrivals_;
};

using audio::testing::frequency;
using audio::testing::rms;

class PulseCaptureTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        if (!PulseDaemon::available())
            GTEST_SKIP() << "pulseaudio is not installed";
        const std::string error = daemon_.start();
        ASSERT_EQ(error, "");
    }

    MediaDevices makeDevices() { return makePulseMediaDevices(daemon_); }
    static std::string idOf(MediaDevices& devices, const std::string& label)
    {
        return microphoneId(devices, label);
    }

    PulseDaemon daemon_;
};

TEST_F(PulseCaptureTest, EnumeratesDefaultThenSourcesThenMonitors)
{
    auto devices = makeDevices();
    const auto mics = microphones(devices);
    ASSERT_EQ(mics.size(), 3U);
    // The daemon's default source is the sine source (the only non-monitor one).
    EXPECT_EQ(mics[0].label, "Default - Sine source at 440 Hz");
    EXPECT_EQ(mics[1].label, "Sine source at 440 Hz");
    EXPECT_EQ(mics[2].label, "Monitor of Null Output");
    EXPECT_EQ(mics[0].groupId, mics[1].groupId);
    EXPECT_NE(mics[0].deviceId, mics[1].deviceId);
    EXPECT_NE(mics[1].groupId, mics[2].groupId);
}

// What captureOneSecond() expects of a source.
struct Expected
{
    int rate = 48000;
    int channels = 1;
    // How old a chunk may be when it arrives: the source's own latency plus scheduling.
    nanoseconds maxAge = milliseconds(300);
    // Whether chunks arrive at the pace of capture (a source with a fixed multi-second latency,
    // such as module-sine-source's 2 s blocks, delivers them in bursts).
    bool realTime = true;
    // Chunks to skip first: a stream starts with whatever the source had buffered.
    int skip = 10;
    // Timestamp steps other than 10 ms allowed (the server revising its latency estimate).
    int maxJumps = 0;
    // Run once the track delivers (to start the sound); the chunks before the first that is
    // not silent are then skipped too.
    std::function<void()> afterStart;
};

// Captures 1 s and checks what arrives: rate, channels, 10 ms chunks, timestamps, 440 Hz at
// the 0.5 amplitude PulseAudio's sine generators use.
void captureOneSecond(MediaDevices& devices, const std::string& constraints, const Expected& want)
{
    // Declared first, so that they outlive the devices and tracks whose callbacks use them.
    ChunkWaiter waiter;
    auto stream = await(devices.getUserMedia(constraints));
    ASSERT_TRUE(stream.has_value()) << stream.error().toString();
    auto track = stream->getAudioTracks().at(0);
    const auto settings = track.getSettings();
    EXPECT_EQ(settings.sampleRate, want.rate);
    EXPECT_EQ(settings.channelCount, want.channels);
    track.addAudioSink([&](const AudioBuffer& b) { waiter.add(b); });
    std::size_t skip = static_cast<std::size_t>(want.skip);
    if (want.afterStart) {
        waiter.waitFor(1);
        want.afterStart();
        skip += waiter.waitForSound(skip + 100);
    }
    auto chunks = waiter.waitFor(skip + 100);
    const auto arrivals = waiter.arrivals();
    track.stop();
    ASSERT_GE(chunks.size(), skip + 100);
    chunks.erase(chunks.begin(), chunks.begin() + static_cast<std::ptrdiff_t>(skip));
    chunks.resize(100);

    std::vector<float> samples;
    int jumps = 0;
    for (std::size_t i = 0; i < chunks.size(); ++i) {
        const auto& chunk = chunks[i];
        EXPECT_EQ(chunk.sampleRate(), want.rate);
        EXPECT_EQ(chunk.channels(), want.channels);
        EXPECT_EQ(chunk.frames(), want.rate / 100);
        if (i > 0) {
            EXPECT_EQ(chunk.firstFrame(), chunks[i - 1].firstFrame() + want.rate / 100);
            // 10 ms apart on the MediaDevices clock, unless the server revised its latency by
            // more than 20 ms: then the chunker follows it, forward only.
            const auto step = chunk.timestamp() - chunks[i - 1].timestamp();
            if (std::abs(static_cast<double>(step.count()) - 1e7) > 1e6)
                ++jumps;
            EXPECT_GT(step, milliseconds(9)) << "chunk " << i;
        }
        const auto age = arrivals[i + skip] - chunk.timestamp();
        EXPECT_GT(age.count(), 0) << "chunk " << i << " stamped after it arrived";
        EXPECT_LT(age, want.maxAge) << "chunk " << i << " is " << age.count() / 1e6 << " ms old";
        samples.insert(samples.end(), chunk.f32().begin(), chunk.f32().end());
    }
    const double spread = static_cast<double>((arrivals[skip + 99] - arrivals[skip]).count()) / 1e9;
    const double hz = frequency(samples, want.channels, want.rate);
    const double level = rms(samples);
    std::printf("pulse capture %d Hz x %d: tone %.2f Hz, RMS %.4f (0.5-amplitude sine: 0.3536), "
                "last chunk %.1f ms old on arrival, 100 chunks arrived over %.3f s, %d timestamp "
                "jumps\n",
                want.rate, want.channels, hz, level,
                static_cast<double>((arrivals[skip + 99] - chunks.back().timestamp()).count()) /
                        1e6,
                spread, jumps);
    EXPECT_LE(jumps, want.maxJumps);
    EXPECT_NEAR(hz, 440.0, 2.0);
    EXPECT_NEAR(level, 0.5 / std::sqrt(2.0), 0.02);
    if (want.realTime) {
        EXPECT_GT(spread, 0.8) << "1 s of audio should take about 1 s to arrive";
    }
}

TEST_F(PulseCaptureTest, CapturesTheSineSourceByDeviceId)
{
    auto devices = makeDevices();
    const std::string id = idOf(devices, "Sine source at 440 Hz");
    ASSERT_FALSE(id.empty());
    // module-sine-source renders 2 s blocks: chunks arrive in bursts, up to 2 s after capture.
    captureOneSecond(devices,
                     R"({"audio": {"echoCancellation": false, "deviceId": {"exact": ")" + id +
                             R"("}}})",
                     {48000, 1, milliseconds(2300), false, 10, 0, {}});
}

TEST_F(PulseCaptureTest, CapturesWhatIsPlayedThroughAMonitorInRealTime)
{
    // module-sine plays 440 Hz into the null sink, whose monitor (44.1 kHz stereo) we capture.
    // It starts playing after the capture did, so the sink already runs at the 10 ms latency
    // the capture asked for (started first, module-sine would give it seconds of buffer, which
    // it takes seconds to shrink) and chunks arrive as they are captured.
    auto devices = makeDevices();
    const std::string id = idOf(devices, "Monitor of Null Output");
    ASSERT_FALSE(id.empty());
    // The null sink's latency estimate settles over the first seconds: the timeline may step.
    Expected want{44100, 2, milliseconds(2300), true, 10, 40, {}};
    want.afterStart = [&] {
        EXPECT_FALSE(daemon_.pactl("load-module module-sine sink=nullsink frequency=440").empty());
    };
    captureOneSecond(devices,
                     R"({"audio": {"echoCancellation": false, "deviceId": {"exact": ")" + id +
                             R"("}}})",
                     want);
}

TEST_F(PulseCaptureTest, CapturesTheDefaultSourceWithServerSideConversion)
{
    auto devices = makeDevices();
    // 16 kHz stereo is not the source's own format; the server resamples and upmixes.
    captureOneSecond(devices,
                     R"({"audio": {"echoCancellation": false, "sampleRate": {"exact": 16000},
                                   "channelCount": {"exact": 2}}})",
                     {16000, 2, milliseconds(2300), false, 10, 0, {}});
}

// {audio: true} turns on echoCancellation, noiseSuppression and autoGainControl (Chromium's
// defaults), and they are applied: noise suppression treats a steady tone as noise and takes
// most of it away. applyConstraints({echoCancellation: false}) turns all three off at once, and
// the tone comes through unchanged.
TEST_F(PulseCaptureTest, ProcessingIsAppliedAndApplyConstraintsSwitchesItOff)
{
    // Declared first, so that they outlive the devices and tracks whose callbacks use them.
    ChunkWaiter waiter;
    auto devices = makeDevices();
    auto stream = await(devices.getUserMedia(R"({"audio": {"sampleRate": 48000}})"));
    ASSERT_TRUE(stream.has_value()) << stream.error().toString();
    auto track = stream->getAudioTracks().at(0);
    auto settings = track.getSettings();
    EXPECT_EQ(settings.echoCancellation, true);
    EXPECT_EQ(settings.noiseSuppression, true);
    EXPECT_EQ(settings.autoGainControl, true);
    track.addAudioSink([&](const AudioBuffer& b) { waiter.add(b); });
    // The sine source sends 2 s at a time: 3 s of chunks, the last 100 measured.
    auto chunks = waiter.waitFor(300);
    ASSERT_GE(chunks.size(), 300U);
    std::vector<float> processed;
    for (std::size_t i = 200; i < 300; ++i)
        processed.insert(processed.end(), chunks[i].f32().begin(), chunks[i].f32().end());

    auto off = parseMediaTrackConstraints(R"({"echoCancellation": false})");
    ASSERT_TRUE(off.has_value());
    auto applied = await(track.applyConstraints(*off));
    ASSERT_TRUE(applied.has_value()) << applied.error().toString();
    settings = track.getSettings();
    EXPECT_EQ(settings.echoCancellation, false);
    EXPECT_EQ(settings.noiseSuppression, false);
    EXPECT_EQ(settings.autoGainControl, false);
    chunks = waiter.waitFor(chunks.size() + 300);
    std::vector<float> raw;
    for (std::size_t i = chunks.size() - 100; i < chunks.size(); ++i)
        raw.insert(raw.end(), chunks[i].f32().begin(), chunks[i].f32().end());
    const double processedDb = 20 * std::log10(rms(processed) / rms(raw));
    std::printf("pulse: the 440 Hz sine with processing on is %+.1f dB against processing off "
                "(RMS %.4f)\n",
                processedDb, rms(raw));
    EXPECT_LT(processedDb, -6.0);
    EXPECT_NEAR(rms(raw), 0.5 / std::sqrt(2.0), 0.02);
    track.stop();
}

TEST_F(PulseCaptureTest, LatencyBecomesTheFragmentSize)
{
    // Declared first, so that they outlive the devices and tracks whose callbacks use them.
    ChunkWaiter waiter;
    auto devices = makeDevices();
    auto stream = await(devices.getUserMedia(R"({"audio": {"latency": {"exact": 0.05}}})"));
    ASSERT_TRUE(stream.has_value()) << stream.error().toString();
    auto track = stream->getAudioTracks().at(0);
    EXPECT_EQ(track.getSettings().latency, 0.05);
    track.addAudioSink([&](const AudioBuffer& b) { waiter.add(b); });
    EXPECT_GE(waiter.waitFor(20).size(), 20U);
    track.stop(); // after it returns no sink call is running: waiter may go
}

TEST_F(PulseCaptureTest, DaemonDeathEndsTheTrack)
{
    // Declared first, so that they outlive the devices and tracks whose callbacks use them.
    EventCounter ended;
    ChunkWaiter waiter;
    // Shared with the listener: devicechange may still fire while the daemon stops in TearDown.
    auto changed = std::make_shared<EventCounter>();
    ChunkWaiter more;
    auto devices = makeDevices();
    auto stream = await(devices.getUserMedia(R"({"audio": true})"));
    ASSERT_TRUE(stream.has_value()) << stream.error().toString();
    auto track = stream->getAudioTracks().at(0);
    track.addEventListener("ended", [&] { ended.fire(); });
    track.addAudioSink([&](const AudioBuffer& b) { waiter.add(b); });
    ASSERT_GE(waiter.waitFor(5).size(), 5U);

    devices.addEventListener("devicechange", [changed] { changed->fire(); });
    daemon_.stop(SIGKILL);
    EXPECT_TRUE(ended.waitFor(1));
    EXPECT_EQ(track.readyState(), MediaStreamTrackState::Ended);
    // The backend saw its sources go away...
    EXPECT_TRUE(changed->waitFor(1));
    EXPECT_TRUE(microphones(devices).empty() ||
                microphones(devices).front().label.rfind("Default - Sine", 0) != 0);

    // ...and picks up a new server on the same socket when it comes back.
    ASSERT_EQ(daemon_.start(), "");
    EXPECT_TRUE(changed->waitFor(2));
    EXPECT_EQ(idOf(devices, "Sine source at 440 Hz").empty(), false);
    auto again = await(devices.getUserMedia(R"({"audio": true})"));
    ASSERT_TRUE(again.has_value()) << again.error().toString();
    auto againTrack = again->getAudioTracks().at(0);
    againTrack.addAudioSink([&](const AudioBuffer& b) { more.add(b); });
    EXPECT_GE(more.waitFor(5).size(), 5U);
    againTrack.stop();
    track.stop();
}

TEST_F(PulseCaptureTest, LoadingAndUnloadingAModuleFiresDevicechange)
{
    // Declared first, so that they outlive the devices and tracks whose callbacks use them.
    // Shared with the listener: devicechange may still fire while the daemon stops in TearDown.
    auto changed = std::make_shared<EventCounter>();
    auto devices = makeDevices();
    devices.addEventListener("devicechange", [changed] { changed->fire(); });
    const std::string module = daemon_.pactl(
            "load-module module-null-sink sink_name=hot sink_properties=device.description=Hot");
    ASSERT_FALSE(module.empty());
    ASSERT_TRUE(changed->waitFor(1));
    EXPECT_FALSE(idOf(devices, "Monitor of Hot").empty());
    const int before = static_cast<int>(microphones(devices).size());

    daemon_.pactl("unload-module " + module);
    ASSERT_TRUE(changed->waitFor(2));
    EXPECT_TRUE(idOf(devices, "Monitor of Hot").empty());
    EXPECT_EQ(static_cast<int>(microphones(devices).size()), before - 1);
}

TEST_F(PulseCaptureTest, UnloadingTheCapturedSourceEndsTheTrack)
{
    // Declared first, so that they outlive the devices and tracks whose callbacks use them.
    EventCounter ended;
    auto devices = makeDevices();
    const std::string module =
            daemon_.pactl("load-module module-sine-source source_name=extra frequency=1000 "
                          "source_properties=device.description=Extra");
    ASSERT_FALSE(module.empty());
    const std::string id = idOf(devices, "Extra");
    ASSERT_FALSE(id.empty());
    auto stream =
            await(devices.getUserMedia(R"({"audio": {"deviceId": {"exact": ")" + id + R"("}}})"));
    ASSERT_TRUE(stream.has_value()) << stream.error().toString();
    auto track = stream->getAudioTracks().at(0);
    track.addEventListener("ended", [&] { ended.fire(); });
    daemon_.pactl("unload-module " + module);
    EXPECT_TRUE(ended.waitFor(1));
}

} // namespace
} // namespace usermedia::testing
