// SPDX-License-Identifier: MIT
// The ALSA backend against the kernel's snd-aloop and snd-dummy drivers, inside the VM that
// run-in-vm.sh boots (snd-aloop; snd-dummy with pcm_substreams=1 so a second open is busy).
// A tone played into one side of the loopback comes out of the other. Outside such a VM every
// test skips.
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <numbers>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <alsa/asoundlib.h>
#include <gtest/gtest.h>

#include <usermedia/usermedia.h>

#include "backends/alsa/alsa_backend.h"

#include "vm/vm_helpers.h"

namespace usermedia::alsa {
namespace {

bool hasCard(const std::string& name)
{
    std::ifstream cards("/proc/asound/cards");
    std::stringstream text;
    text << cards.rdbuf();
    return text.str().find(name) != std::string::npos;
}

class Recorder final : public CaptureSink
{
public:
    void onVideoFrame(const NativeVideoFrame& /*frame*/) override {}
    void onAudioChunk(const NativeAudioChunk& chunk) override
    {
        std::lock_guard lock(mutex_);
        ++chunks;
        frames = chunk.frames;
        rate = chunk.sampleRate;
        channels = chunk.channels;
        samples.insert(samples.end(), chunk.samples, chunk.samples + chunk.frames * chunk.channels);
        changed_.notify_all();
    }
    void onCaptureError(const Error& error) override
    {
        std::lock_guard lock(mutex_);
        errors.push_back(error.toString());
        changed_.notify_all();
    }
    bool waitFor(int count)
    {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, std::chrono::seconds(30),
                                 [&] { return chunks >= count || !errors.empty(); });
    }
    int chunks = 0;
    int frames = 0;
    int rate = 0;
    int channels = 0;
    std::vector<float> samples;
    std::vector<std::string> errors;

private:
    std::mutex mutex_;
    std::condition_variable changed_;
};

// Plays a 1 kHz tone (s16, 48 kHz, stereo, amplitude 0.5) into a PCM until stopped.
class TonePlayer
{
public:
    explicit TonePlayer(const std::string& pcm)
    {
        if (snd_pcm_open(&pcm_, pcm.c_str(), SND_PCM_STREAM_PLAYBACK, 0) < 0)
            return;
        if (snd_pcm_set_params(pcm_, SND_PCM_FORMAT_S16, SND_PCM_ACCESS_RW_INTERLEAVED, 2, 48000, 0,
                               100000) < 0)
            return;
        running_ = true;
        thread_ = std::thread([this] {
            std::vector<std::int16_t> period(480 * 2);
            std::uint64_t n = 0;
            while (running_) {
                for (int i = 0; i < 480; ++i, ++n) {
                    const auto v = static_cast<std::int16_t>(
                            std::lround(16384 * std::sin(2 * std::numbers::pi * 1000 * n / 48000)));
                    period[2 * i] = v;
                    period[2 * i + 1] = v;
                }
                const auto wrote = snd_pcm_writei(pcm_, period.data(), 480);
                if (wrote < 0)
                    snd_pcm_recover(pcm_, static_cast<int>(wrote), 1);
            }
        });
    }
    ~TonePlayer()
    {
        running_ = false;
        if (thread_.joinable())
            thread_.join();
        if (pcm_)
            snd_pcm_close(pcm_);
    }
    bool ok() const { return running_; }

private:
    snd_pcm_t* pcm_ = nullptr;
    std::atomic<bool> running_{false};
    std::thread thread_;
};

class AlsaVmTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        if (!hasCard("Loopback"))
            GTEST_SKIP() << "no snd-aloop card (run inside tests/vm/run-in-vm.sh)";
    }
};

TEST_F(AlsaVmTest, EnumeratesTheLoopbackAndDummyCaptureDevices)
{
    auto backend = createAlsaBackend(systemClock());
    ASSERT_TRUE(backend->probe());
    int loopback = 0;
    int dummy = 0;
    for (const auto& device : backend->enumerate()) {
        std::printf("%s  %s  %zu modes, first %d Hz x %d, %d bits\n", device.id.c_str(),
                    device.label.c_str(), device.audioModes.size(),
                    device.audioModes.front().sampleRate, device.audioModes.front().channels,
                    device.audioModes.front().sampleSize);
        EXPECT_EQ(device.kind, MediaDeviceKind::AudioInput);
        if (device.id.rfind("hw:CARD=Loopback,", 0) == 0)
            ++loopback;
        if (device.id.rfind("hw:CARD=Dummy,", 0) == 0)
            ++dummy;
    }
    EXPECT_EQ(loopback, 2); // devices 0 and 1
    if (hasCard("Dummy")) {
        EXPECT_GE(dummy, 1);
    }
}

// snd-aloop and snd-dummy are two platform devices: the groupIds come from sysfs
// (/sys/class/sound/cardN/device), one per card, the same on every enumeration.
TEST_F(AlsaVmTest, GroupsAreTheCardsPlatformDevicesInSysfs)
{
    if (!hasCard("Dummy"))
        GTEST_SKIP() << "no snd-dummy card";
    auto backend = createAlsaBackend(systemClock());
    std::set<std::string> loopback;
    std::set<std::string> dummy;
    const auto devices = backend->enumerate();
    for (const auto& device : devices) {
        std::printf("%s  group %s\n", device.id.c_str(), device.groupId.c_str());
        if (device.id.rfind("hw:CARD=Loopback,", 0) == 0)
            loopback.insert(device.groupId);
        if (device.id.rfind("hw:CARD=Dummy,", 0) == 0)
            dummy.insert(device.groupId);
    }
    ASSERT_EQ(loopback.size(), 1U); // one card, one group
    ASSERT_EQ(dummy.size(), 1U);
    EXPECT_EQ(*loopback.begin(), "sysfs:/sys/devices/platform/snd_aloop.0");
    EXPECT_EQ(*dummy.begin(), "sysfs:/sys/devices/platform/snd_dummy.0");
    const auto again = backend->enumerate();
    ASSERT_EQ(again.size(), devices.size());
    for (std::size_t i = 0; i < again.size(); ++i) {
        EXPECT_EQ(again[i].id, devices[i].id);
        EXPECT_EQ(again[i].groupId, devices[i].groupId);
    }
}

TEST_F(AlsaVmTest, ALoopbackCarriesAToneFromPlaybackToCapture)
{
    TonePlayer player("hw:CARD=Loopback,DEV=0");
    ASSERT_TRUE(player.ok());
    auto backend = createAlsaBackend(systemClock());
    auto device = backend->open("hw:CARD=Loopback,DEV=1");
    ASSERT_TRUE(device) << device.error().toString();
    ASSERT_TRUE((*device)->configure(NativeAudioMode{48000, 2, 16, 0.01}));
    Recorder sink;
    ASSERT_TRUE((*device)->start(sink));
    ASSERT_TRUE(sink.waitFor(100));
    (*device)->stop();
    ASSERT_TRUE(sink.errors.empty()) << sink.errors.front();
    EXPECT_EQ(sink.frames, 480);
    EXPECT_EQ(sink.rate, 48000);
    EXPECT_EQ(sink.channels, 2);
    // Zero crossings of the left channel over the last 0.5 s.
    const std::size_t from = sink.samples.size() - 48000;
    int crossings = 0;
    double sum = 0;
    for (std::size_t i = from + 2; i < sink.samples.size(); i += 2) {
        if (sink.samples[i - 2] < 0 && sink.samples[i] >= 0)
            ++crossings;
        sum += static_cast<double>(sink.samples[i]) * sink.samples[i];
    }
    const double hz = crossings / 0.5;
    const double rms = std::sqrt(sum / 24000);
    std::printf("snd-aloop: 1000 Hz played, %.0f Hz captured, RMS %.4f (expected 0.3536)\n", hz,
                rms);
    EXPECT_NEAR(hz, 1000, 10);
    EXPECT_NEAR(rms, 0.3536, 0.02);
}

TEST_F(AlsaVmTest, ASecondOpenOfABusyDummyIsNotReadable)
{
    if (!hasCard("Dummy"))
        GTEST_SKIP() << "no snd-dummy card";
    auto backend = createAlsaBackend(systemClock());
    std::string id;
    for (const auto& device : backend->enumerate()) {
        if (device.id.rfind("hw:CARD=Dummy,", 0) == 0 && id.empty())
            id = device.id;
    }
    ASSERT_FALSE(id.empty());
    auto first = backend->open(id);
    ASSERT_TRUE(first) << first.error().toString();
    Recorder sink;
    ASSERT_TRUE((*first)->start(sink));
    ASSERT_TRUE(sink.waitFor(10));
    // snd-dummy with pcm_substreams=1: the one substream is taken.
    auto second = backend->open(id);
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().name, ErrorName::NotReadableError);
    EXPECT_EQ(second.error().osError, EBUSY);
    (*first)->stop();
}

// After the others: unloads snd-dummy (its nodes leave /dev/snd) and loads it again while a
// MediaDevices context listens; inotify on /dev/snd turns both into devicechange, and
// enumerateDevices() follows.
TEST_F(AlsaVmTest, ZzzUnloadingAndReloadingSndDummyFiresDeviceChange)
{
    if (!hasCard("Dummy"))
        GTEST_SKIP() << "no snd-dummy card";
    vmtest::expectDeviceChangeOnReload("snd-dummy", MediaDeviceKind::AudioInput, 1);
    EXPECT_TRUE(hasCard("Dummy"));
}

} // namespace
} // namespace usermedia::alsa
