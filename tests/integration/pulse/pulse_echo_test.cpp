// SPDX-License-Identifier: MIT
// Echo cancellation with a real far end, against a private PulseAudio daemon: a "speakers" null
// sink is the default output; a loopback (60 ms) carries what it plays into a "room" sink whose
// monitor is the microphone, so the microphone hears the speakers late, as in a room. The far
// end comes from the backend's echo reference (the speakers' monitor). Waits are hang guards
// on events, never sleeps.
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <usermedia/usermedia.h>

#include "backends/pulse/pulse_backend.h"
#include "pipeline/audio/audio_processor.h"
#include "pipeline/audio/echo_reference.h"

#include "e2e/e2e_fixture.h"
#include "integration/pulse/pulse_daemon.h"
#include "integration/pulse/pulse_devices.h"
#include "unit/audio/signals.h"

namespace usermedia::testing {
namespace {

using audio::testing::db;
using audio::testing::rms;
using audio::testing::speechLike;
using audio::testing::toneSnrDb;

constexpr int kRate = 48000;
constexpr int kChunk = kRate / 100;
// The far end plays this long; ERLE is measured after kConverged of it. webrtc's canceller
// (delay-agnostic) finds the room's delay within about 4 s here, during which ERLE swings
// between 10 and 30 dB, so the steady state is what is measured.
constexpr int kPlaySeconds = 10;
constexpr std::size_t kConverged = static_cast<std::size_t>(kRate) * 9 / 2;

// Samples arriving on a capture thread, for the test to wait on and measure.
class SampleLog
{
public:
    SampleLog() { samples_.reserve(static_cast<std::size_t>(kRate) * 40); }
    void add(const float* samples, std::size_t count)
    {
        {
            std::lock_guard lock(mutex_);
            samples_.insert(samples_.end(), samples, samples + count);
        }
        changed_.notify_all();
    }
    std::size_t frames()
    {
        std::lock_guard lock(mutex_);
        return samples_.size();
    }
    // Waits (a 30 s hang guard) until \p count frames arrived.
    bool waitFor(std::size_t count)
    {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, std::chrono::seconds(30),
                                 [&] { return samples_.size() >= count; });
    }
    std::vector<float> samples()
    {
        std::lock_guard lock(mutex_);
        return samples_;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<float> samples_;
};

// The microphone's chunks, three ways: as captured, through a canceller fed the far end, and
// through a canceller never fed it (what echoCancellation did before the reference existed).
class EchoRecorder final : public CaptureSink
{
public:
    explicit EchoRecorder(std::shared_ptr<audio::EchoReference> reference)
        : reader_(std::move(reference)),
          fed_(audio::AudioProcessor::create(kRate, 1, {true, false, false})),
          starved_(audio::AudioProcessor::create(kRate, 1, {true, false, false}))
    {}

    void onAudioChunk(const NativeAudioChunk& chunk) override
    {
        if (chunk.frames != kChunk || chunk.channels != 1)
            return;
        std::copy_n(chunk.samples, kChunk, a_.begin());
        std::copy_n(chunk.samples, kChunk, b_.begin());
        const int delay = reader_.feed(*fed_, chunk.timestamp);
        fed_->process(a_.data(), delay);
        starved_->process(b_.data(), 10);
        maxDelay_.store(std::max(maxDelay_.load(), delay));
        // Raw last: a test that waits on it finds the other two as long.
        cancelled_.add(a_.data(), kChunk);
        uncancelled_.add(b_.data(), kChunk);
        raw_.add(chunk.samples, kChunk);
    }
    void onVideoFrame(const NativeVideoFrame& /*frame*/) override {}
    void onCaptureError(const Error& /*error*/) override {}

    SampleLog& raw() { return raw_; }
    SampleLog& cancelled() { return cancelled_; }
    SampleLog& uncancelled() { return uncancelled_; }
    // After the device stopped (the capture thread no longer runs them).
    const audio::EchoReference::Reader& reader() const { return reader_; }
    audio::EchoMetrics metrics() const { return fed_->echoMetrics(); }
    int maxDelay() const { return maxDelay_.load(); }

private:
    audio::EchoReference::Reader reader_;
    std::unique_ptr<audio::AudioProcessor> fed_;
    std::unique_ptr<audio::AudioProcessor> starved_;
    std::array<float, kChunk> a_{};
    std::array<float, kChunk> b_{};
    std::atomic<int> maxDelay_{0};
    SampleLog raw_;
    SampleLog cancelled_;
    SampleLog uncancelled_;
};

// Plays \p file (float32 mono at 48 kHz) into \p sink with pacat; waits for the end.
class Player
{
public:
    Player(const PulseDaemon& daemon, const std::string& sink, const std::string& file)
    {
        pid_ = fork();
        if (pid_ == 0) {
            setenv("PULSE_SERVER", daemon.server().c_str(), 1);
            execlp("pacat", "pacat", "--playback", "--raw", ("--device=" + sink).c_str(),
                   "--format=float32le", "--rate=48000", "--channels=1", "--latency-msec=20",
                   file.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
    }
    ~Player()
    {
        if (pid_ > 0) {
            kill(pid_, SIGTERM);
            waitpid(pid_, nullptr, 0);
        }
    }
    Player(const Player&) = delete;
    Player& operator=(const Player&) = delete;

    // Waits (a 30 s hang guard, on a pidfd) for pacat to finish; its exit status.
    int wait()
    {
        if (pid_ <= 0)
            return -1;
        const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
        if (pidfd >= 0) {
            pollfd fd{pidfd, POLLIN, 0};
            poll(&fd, 1, 30000);
            close(pidfd);
        }
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) != pid_)
            return -1;
        pid_ = 0;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

private:
    pid_t pid_ = -1;
};

double energy(const std::vector<float>& x, std::size_t from, std::size_t to)
{
    const double r = rms(x.data() + from, to - from);
    return r * r;
}

// The power of the \p hz part of x[from, to).
double tonePower(const std::vector<float>& x, std::size_t from, std::size_t to, double hz)
{
    const double snr = toneSnrDb(x.data() + from, to - from, hz, kRate);
    const double ratio = std::pow(10.0, snr / 10);
    return energy(x, from, to) * ratio / (1 + ratio);
}

class PulseEchoTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        if (!PulseDaemon::available() || std::system("command -v pacat >/dev/null 2>&1") != 0)
            GTEST_SKIP() << "pulseaudio or pacat is not installed";
        ASSERT_EQ(daemon_.start(), "");
        // The room: what "speakers" plays reaches the "room" sink 60 ms later; its monitor is
        // the microphone. adjust_time=0: a fixed path (the loopback's rate adaptation would make
        // the room drift, which a loaded machine turns into an ERLE that varies from run to run).
        ASSERT_NE(daemon_.pactl("load-module module-null-sink sink_name=speakers "
                                "sink_properties=device.description=Speakers"),
                  "");
        ASSERT_EQ(daemon_.pactl("set-default-sink speakers"), "");
        ASSERT_NE(daemon_.pactl("load-module module-null-sink sink_name=room "
                                "sink_properties=device.description=Room"),
                  "");
        ASSERT_NE(
                daemon_.pactl("load-module module-loopback source=speakers.monitor sink=room "
                              "latency_msec=60 adjust_time=0 source_dont_move=1 sink_dont_move=1"),
                "");
    }

    // Writes \p seconds of far-end talk (louder than the talker will be) for pacat.
    std::string farEndFile(int seconds)
    {
        const std::string file = daemon_.dir() + "/far.raw";
        const auto far = speechLike(kRate, seconds * kRate, 0.2, 21);
        std::ofstream out(file, std::ios::binary);
        out.write(reinterpret_cast<const char*>(far.data()),
                  static_cast<std::streamsize>(far.size() * sizeof(float)));
        return file;
    }

    // The near end: a 1 kHz talker in the room.
    void startTalker()
    {
        ASSERT_NE(daemon_.pactl("load-module module-sine-source source_name=talker rate=48000 "
                                "frequency=1000"),
                  "");
        ASSERT_NE(daemon_.pactl("load-module module-loopback source=talker sink=room "
                                "latency_msec=60"),
                  "");
    }

    // How many streams record the default sink's monitor (the room's loopback is one).
    std::string recordingMonitor()
    {
        const std::string monitor =
                daemon_.pactl("list short sources | awk '$2 == \"speakers.monitor\" { print $1 }'");
        return daemon_.pactl("list short source-outputs | awk '$2 == " + monitor + "' | wc -l");
    }

    PulseDaemon daemon_;
};

TEST_F(PulseEchoTest, TheMonitorOfTheDefaultSinkCancelsTheEchoAndTheTalkerSurvives)
{
    auto backend = pulse::createPulseBackend(systemClock());
    ASSERT_TRUE(backend->probe());
    auto reference = backend->openEchoReference();
    ASSERT_NE(reference, nullptr);
    EXPECT_EQ(backend->openEchoReference(), reference) << "one recording per backend";
    EXPECT_EQ(reference->sampleRate(), kRate);

    auto opened = backend->open("room.monitor");
    ASSERT_TRUE(opened) << opened.error().message;
    std::unique_ptr<Device> mic = std::move(*opened);
    ASSERT_TRUE(mic->configure(NativeAudioMode{kRate, 1, 32, 0.01}));
    EchoRecorder recorder(reference);
    ASSERT_TRUE(mic->start(recorder));

    const std::string file = farEndFile(kPlaySeconds);
    const std::size_t echoFrom = recorder.raw().frames();
    Player player(daemon_, "speakers", file);
    ASSERT_EQ(player.wait(), 0) << "pacat failed";
    const std::size_t echoTo = recorder.raw().frames();
    ASSERT_GT(echoTo, echoFrom + (kPlaySeconds - 2) * static_cast<std::size_t>(kRate))
            << "the whole file was played";

    // Then the near end alone.
    startTalker();
    const std::size_t talkFrom = recorder.raw().frames() + static_cast<std::size_t>(kRate) / 2;
    const std::size_t talkTo = talkFrom + 2 * static_cast<std::size_t>(kRate);
    ASSERT_TRUE(recorder.raw().waitFor(talkTo));
    mic->stop();

    // The echo once the canceller has converged, up to the end of the playback.
    const auto raw = recorder.raw().samples();
    const auto cancelled = recorder.cancelled().samples();
    const auto uncancelled = recorder.uncancelled().samples();
    std::size_t start = echoFrom;
    while (start < echoTo && std::fabs(raw[start]) < 0.01F)
        ++start;
    ASSERT_LT(start + 4 * static_cast<std::size_t>(kRate), echoTo) << "the echo was heard";
    const std::size_t from = start + kConverged;
    const std::size_t to = echoTo - static_cast<std::size_t>(kRate) / 5;
    const double erle = db(energy(raw, from, to) / energy(cancelled, from, to));
    const double without = db(energy(raw, from, to) / energy(uncancelled, from, to));
    const double echoDb = db(energy(raw, from, to));
    const double talkerKept = db(tonePower(cancelled, talkFrom, talkTo, 1000) /
                                 tonePower(raw, talkFrom, talkTo, 1000));
    const audio::EchoMetrics metrics = recorder.metrics();
    std::printf("pulse echo (speakers -> 60 ms loopback -> room.monitor, echo %.1f dBFS): ERLE "
                "%.1f dB with the monitor as far end (library: %.1f dB, delay %d ms; hint up to "
                "%d ms; far-end chunks fed %llu, dropped %llu), %.1f dB without it; talker kept "
                "%+.1f dB\n",
                echoDb, erle, metrics.erleDb, metrics.delayMedianMs, recorder.maxDelay(),
                static_cast<unsigned long long>(recorder.reader().fed()),
                static_cast<unsigned long long>(recorder.reader().dropped()), without, talkerKept);
    EXPECT_GT(erle, 15.0);
    EXPECT_LT(without, 3.0);
    EXPECT_NEAR(talkerKept, 0.0, 3.0);
    EXPECT_EQ(recorder.reader().dropped(), 0U);
}

TEST_F(PulseEchoTest, TheReferenceFollowsTheDefaultSinkAndStopsWithItsLastHolder)
{
    auto backend = pulse::createPulseBackend(systemClock());
    ASSERT_TRUE(backend->probe());
    auto reference = backend->openEchoReference();
    ASSERT_NE(reference, nullptr);
    // Streams recording the default sink's monitor: ours, and the room's loopback.
    EXPECT_EQ(recordingMonitor(), "2");
    EXPECT_NE(daemon_.pactl("list source-outputs").find("usermedia echo reference"),
              std::string::npos);
    // A new default sink: the reference moves to its monitor (the loopback stays). The move
    // follows the server's change event, so wait for it (a bounded number of queries).
    ASSERT_EQ(daemon_.pactl("set-default-sink nullsink"), "");
    const std::string nullMonitor =
            daemon_.pactl("list short sources | awk '$2 == \"nullsink.monitor\" { print $1 }'");
    auto onNullMonitor = [&] {
        return daemon_.pactl("list short source-outputs | awk '$2 == " + nullMonitor + "' | wc -l");
    };
    for (int i = 0; i < 500 && onNullMonitor() != "1"; ++i) {
    }
    EXPECT_EQ(onNullMonitor(), "1");
    EXPECT_EQ(recordingMonitor(), "1");
    ASSERT_EQ(daemon_.pactl("set-default-sink speakers"), "");
    for (int i = 0; i < 500 && recordingMonitor() != "2"; ++i) {
    }
    EXPECT_EQ(recordingMonitor(), "2");
    reference.reset();
    // The handle disconnects its stream before the last pointer's release returns.
    EXPECT_EQ(recordingMonitor(), "1");
    EXPECT_EQ(daemon_.pactl("list source-outputs").find("usermedia echo reference"),
              std::string::npos);
}

// The whole path through the public API: two tracks of the room's microphone, one with
// echoCancellation, one without; the first makes the context record the default sink's monitor
// and feed it to its canceller, and stopping it stops that recording.
TEST_F(PulseEchoTest, ATrackWithEchoCancellationGetsTheFarEndFromTheDefaultSink)
{
    // Declared first, so that they outlive the devices and tracks whose callbacks use them.
    SampleLog plain;
    SampleLog cancelled;
    auto devices = makePulseMediaDevices(daemon_);
    const std::string id = microphoneId(devices, "Monitor of Room");
    ASSERT_NE(id, "");
    const std::string common = R"("deviceId": {"exact": ")" + id +
                               R"("}, "sampleRate": 48000, "channelCount": 1, )"
                               R"("noiseSuppression": false, "autoGainControl": false)";
    auto off = await(
            devices.getUserMedia(R"({"audio": {)" + common + R"(, "echoCancellation": false}})"));
    ASSERT_TRUE(off.has_value()) << off.error().toString();
    auto on = await(
            devices.getUserMedia(R"({"audio": {)" + common + R"(, "echoCancellation": true}})"));
    ASSERT_TRUE(on.has_value()) << on.error().toString();
    auto plainTrack = off->getAudioTracks().at(0);
    auto cancelledTrack = on->getAudioTracks().at(0);
    EXPECT_EQ(plainTrack.getSettings().echoCancellation, false);
    EXPECT_EQ(cancelledTrack.getSettings().echoCancellation, true);
    EXPECT_EQ(cancelledTrack.getSettings().noiseSuppression, false);
    plainTrack.addAudioSink(
            [&](const AudioBuffer& b) { plain.add(b.f32().data(), b.f32().size()); });
    cancelledTrack.addAudioSink(
            [&](const AudioBuffer& b) { cancelled.add(b.f32().data(), b.f32().size()); });

    // The reference opens on the control thread once a chunk shows a track asks for it: wait
    // for it chunk by chunk (up to 5 s of audio).
    std::size_t waited = plain.frames();
    while (recordingMonitor() != "2" && waited < 5U * kRate) {
        waited += kChunk * 10;
        ASSERT_TRUE(plain.waitFor(waited));
    }
    ASSERT_EQ(recordingMonitor(), "2") << "the loopback and our echo reference";

    const std::size_t echoFromPlain = plain.frames();
    const std::size_t echoFromCancelled = cancelled.frames();
    {
        Player player(daemon_, "speakers", farEndFile(kPlaySeconds));
        ASSERT_EQ(player.wait(), 0) << "pacat failed";
    }
    const std::size_t echoToPlain = plain.frames();
    const std::size_t echoToCancelled = cancelled.frames();
    startTalker();
    const std::size_t talkPlain = plain.frames() + kRate / 2;
    const std::size_t talkCancelled = cancelled.frames() + kRate / 2;
    ASSERT_TRUE(plain.waitFor(talkPlain + 2 * kRate));
    ASSERT_TRUE(cancelled.waitFor(talkCancelled + 2 * kRate));

    // The echo stretch, from convergence to the end of the playback, at
    // the same offset in each track's timeline (they may be fed by one source or two).
    const auto plainSamples = plain.samples();
    const auto cancelledSamples = cancelled.samples();
    std::size_t heard = echoFromPlain;
    while (heard < echoToPlain && std::fabs(plainSamples[heard]) < 0.01F)
        ++heard;
    const std::size_t from = heard - echoFromPlain + kConverged;
    const std::size_t to =
            std::min(echoToPlain - echoFromPlain, echoToCancelled - echoFromCancelled) - kRate / 5;
    ASSERT_LT(from + kRate, to) << "the echo was heard";
    const double erle =
            db(energy(plainSamples, echoFromPlain + from, echoFromPlain + to) /
               energy(cancelledSamples, echoFromCancelled + from, echoFromCancelled + to));
    const double talkerKept =
            db(tonePower(cancelledSamples, talkCancelled, talkCancelled + 2 * kRate, 1000) /
               tonePower(plainSamples, talkPlain, talkPlain + 2 * kRate, 1000));
    std::printf("public API, two tracks of room.monitor: ERLE %.1f dB (echoCancellation true "
                "against false, far end from the default sink's monitor); talker kept %+.1f "
                "dB\n",
                erle, talkerKept);
    EXPECT_GT(erle, 15.0);
    EXPECT_NEAR(talkerKept, 0.0, 3.0);

    // No track asks for echoCancellation any more: the recording stops.
    cancelledTrack.stop();
    waited = plain.frames();
    const std::size_t limit = waited + 5U * kRate;
    while (recordingMonitor() != "1" && waited < limit) {
        waited += kChunk * 10;
        ASSERT_TRUE(plain.waitFor(waited));
    }
    EXPECT_EQ(recordingMonitor(), "1") << "only the loopback records the monitor now";
    plainTrack.stop();
}

} // namespace
} // namespace usermedia::testing
