// SPDX-License-Identifier: MIT
// The ALSA backend against a scripted fake alsa-lib (the AlsaSys seam): enumeration, modes from
// hardware ranges, busy devices, capture with format conversion, 10 ms chunks, overrun recovery
// and fatal errors. Waits are on condition variables (hang guards), never sleeps.
#include "backends/alsa/alsa_backend.h"

#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "unit/backends_common/counting_listener.h"
#include "unit/core/temp_dir.h"

namespace usermedia::alsa {
namespace {

using std::chrono::milliseconds;

// Reads follow a script: blocks of s16 samples, or errors; then block until abort().
class FakeStream final : public PcmStream
{
public:
    using Step = std::variant<std::vector<std::int16_t>, int>;
    FakeStream(std::deque<Step> script, unsigned channels, std::atomic<int>* recovered)
        : script_(std::move(script)),
          channels_(channels),
          recovered_(recovered)
    {
        for (const Step& step : script_) {
            if (const auto* data = std::get_if<std::vector<std::int16_t>>(&step))
                remaining_ += static_cast<long>(data->size() / channels_);
        }
    }
    long read(void* buffer, unsigned long frames) override
    {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return aborted_ || !script_.empty(); });
        if (aborted_)
            return -EBADFD;
        Step step = std::move(script_.front());
        script_.pop_front();
        if (const int* error = std::get_if<int>(&step))
            return *error;
        auto& data = std::get<std::vector<std::int16_t>>(step);
        const auto got = static_cast<long>(data.size() / channels_);
        EXPECT_LE(static_cast<unsigned long>(got), frames);
        std::memcpy(buffer, data.data(), data.size() * sizeof(std::int16_t));
        remaining_ -= got;
        return got;
    }
    int recover(int /*error*/) override
    {
        recovered_->fetch_add(1);
        return 0;
    }
    // Everything in the script was captured before the first read: what is left is buffered.
    long delay() override { return remaining_; }
    void abort() override
    {
        std::lock_guard lock(mutex_);
        aborted_ = true;
        changed_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Step> script_;
    bool aborted_ = false;
    const unsigned channels_;
    long remaining_ = 0;
    std::atomic<int>* recovered_;
};

class FakeSys final : public AlsaSys
{
public:
    bool hasCards() override { return !pcms.empty(); }
    std::vector<PcmInfo> listCapturePcms() override { return pcms; }
    Result<HwRanges> ranges(const std::string& pcm) override
    {
        if (pcm == busy)
            return Error{ErrorName::NotReadableError, "alsa: opening " + pcm + ": busy", "", EBUSY};
        return hw;
    }
    Result<std::unique_ptr<PcmStream>> open(const std::string& pcm, audio::PcmFormat format,
                                            unsigned rate, unsigned channels,
                                            unsigned long periodFrames) override
    {
        opened = {pcm, format, rate, channels, periodFrames};
        if (pcm == busyOnOpen)
            return Error{ErrorName::NotReadableError, "alsa: opening " + pcm + ": busy", "", EBUSY};
        return std::unique_ptr<PcmStream>(
                std::make_unique<FakeStream>(script, channels, &recovered));
    }

    struct Opened
    {
        std::string pcm;
        audio::PcmFormat format = audio::PcmFormat::S16;
        unsigned rate = 0;
        unsigned channels = 0;
        unsigned long period = 0;
    };
    std::vector<PcmInfo> pcms{{"default", "Default", ""},
                              {"hw:CARD=Loopback,DEV=0", "Loopback: Loopback PCM", "Loopback"},
                              {"hw:CARD=Loopback,DEV=1", "Loopback: Loopback PCM", "Loopback"}};
    HwRanges hw{{audio::PcmFormat::S16}, 8000, 192000, 1, 2};
    std::string busy;
    std::string busyOnOpen;
    std::deque<FakeStream::Step> script;
    Opened opened;
    std::atomic<int> recovered{0};
};

class Recorder final : public CaptureSink
{
public:
    void onVideoFrame(const NativeVideoFrame& /*frame*/) override {}
    void onAudioChunk(const NativeAudioChunk& chunk) override
    {
        std::lock_guard lock(mutex_);
        chunks.push_back(chunk);
        samples.emplace_back(chunk.samples, chunk.samples + chunk.frames * chunk.channels);
        changed_.notify_all();
    }
    void onCaptureError(const Error& error) override
    {
        std::lock_guard lock(mutex_);
        errors.push_back(error);
        changed_.notify_all();
    }
    bool waitFor(std::size_t chunkCount, std::size_t errorCount = 0)
    {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, std::chrono::seconds(10), [&] {
            return chunks.size() >= chunkCount && errors.size() >= errorCount;
        });
    }
    std::vector<NativeAudioChunk> chunks; // pointers not valid after the call: see samples
    std::vector<std::vector<float>> samples;
    std::vector<Error> errors;

private:
    std::mutex mutex_;
    std::condition_variable changed_;
};

// 480 stereo frames whose left channel counts from \p first (as s16) and right is its negative.
std::vector<std::int16_t> period(int first)
{
    std::vector<std::int16_t> data(480 * 2);
    for (int i = 0; i < 480; ++i) {
        data[2 * i] = static_cast<std::int16_t>(first + i);
        data[2 * i + 1] = static_cast<std::int16_t>(-(first + i));
    }
    return data;
}

TEST(AlsaBackend, EnumeratesDefaultAndHardwarePcmsWithModesFromTheirRanges)
{
    auto sys = std::make_shared<FakeSys>();
    auto backend = createAlsaBackend(std::make_shared<ManualClock>(), sys);
    ASSERT_TRUE(backend->probe());
    const auto devices = backend->enumerate();
    ASSERT_EQ(devices.size(), 3U);
    EXPECT_EQ(devices[0].id, "default");
    EXPECT_EQ(devices[0].label, "Default");
    EXPECT_EQ(devices[1].id, "hw:CARD=Loopback,DEV=0");
    EXPECT_EQ(devices[1].label, "Loopback: Loopback PCM");
    EXPECT_EQ(devices[1].groupId, devices[2].groupId); // one card
    EXPECT_NE(devices[0].groupId, devices[1].groupId);
    EXPECT_EQ(devices[1].kind, MediaDeviceKind::AudioInput);
    // Usual rates within 8-192 kHz, stereo before mono, 16-bit.
    const auto& modes = devices[1].audioModes;
    ASSERT_FALSE(modes.empty());
    EXPECT_EQ(modes.front(), (NativeAudioMode{48000, 2, 16, 0.01}));
    EXPECT_EQ(modes[1], (NativeAudioMode{48000, 1, 16, 0.01}));
    EXPECT_EQ(modes.size(), 9U * 2U);

    // No cards: the backend steps aside.
    auto none = std::make_shared<FakeSys>();
    none->pcms.clear();
    EXPECT_FALSE(createAlsaBackend(nullptr, none)->probe());
}

TEST(AlsaModes, FollowTheHardwareRanges)
{
    const auto modes =
            modesFor({{audio::PcmFormat::S32, audio::PcmFormat::S16}, 44100, 48000, 4, 6});
    // 48000 and 44100, four to six channels, 32-bit.
    ASSERT_EQ(modes.size(), 6U);
    EXPECT_EQ(modes[0], (NativeAudioMode{48000, 4, 32, 0.01}));
    EXPECT_EQ(modes[5], (NativeAudioMode{44100, 6, 32, 0.01}));
    // A fixed unusual rate is offered as it is.
    const auto odd = modesFor({{audio::PcmFormat::S16}, 11025, 11025, 1, 1});
    ASSERT_EQ(odd.size(), 1U);
    EXPECT_EQ(odd[0].sampleRate, 11025);
    EXPECT_TRUE(modesFor({}).empty());
}

TEST(AlsaBackend, ABusyDeviceIsListedAndOpeningItIsNotReadable)
{
    auto sys = std::make_shared<FakeSys>();
    sys->busy = "hw:CARD=Loopback,DEV=0";
    auto backend = createAlsaBackend(std::make_shared<ManualClock>(), sys);
    const auto devices = backend->enumerate();
    ASSERT_EQ(devices.size(), 3U);
    auto opened = backend->open("hw:CARD=Loopback,DEV=0");
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().name, ErrorName::NotReadableError);
    EXPECT_EQ(opened.error().osError, EBUSY);

    // Busy when capture starts (another program opened it in between).
    sys->busyOnOpen = "hw:CARD=Loopback,DEV=1";
    auto device = backend->open("hw:CARD=Loopback,DEV=1");
    ASSERT_TRUE(device);
    Recorder sink;
    auto started = (*device)->start(sink);
    ASSERT_FALSE(started);
    EXPECT_EQ(started.error().name, ErrorName::NotReadableError);
    EXPECT_EQ(started.error().osError, EBUSY);
    EXPECT_FALSE(backend->open("hw:CARD=Nothing,DEV=0"));
}

TEST(AlsaBackend, CapturesConvertsAndRecoversFromOverruns)
{
    auto sys = std::make_shared<FakeSys>();
    // Three periods, an overrun, two more periods.
    sys->script = {period(0), period(480), period(960), -EPIPE, period(1440), period(1920)};
    auto clock = std::make_shared<ManualClock>(milliseconds(5000));
    auto backend = createAlsaBackend(clock, sys);
    auto device = backend->open("hw:CARD=Loopback,DEV=0");
    ASSERT_TRUE(device);
    ASSERT_TRUE((*device)->configure(NativeAudioMode{48000, 2, 16, 0.01}));
    Recorder sink;
    ASSERT_TRUE((*device)->start(sink));
    ASSERT_TRUE(sink.waitFor(5));
    (*device)->stop();
    EXPECT_EQ(sys->opened.rate, 48000U);
    EXPECT_EQ(sys->opened.channels, 2U);
    EXPECT_EQ(sys->opened.period, 480U); // 10 ms
    EXPECT_EQ(sys->recovered.load(), 1);
    ASSERT_EQ(sink.chunks.size(), 5U);
    EXPECT_TRUE(sink.errors.empty());
    for (std::size_t i = 0; i < 5; ++i) {
        EXPECT_EQ(sink.chunks[i].frames, 480);
        EXPECT_EQ(sink.chunks[i].firstFrame, i * 480);
        // All 2400 frames were captured before the first read, at 5 s - 50 ms onwards.
        EXPECT_EQ(sink.chunks[i].timestamp, milliseconds(4950) + milliseconds(10) * i);
        // s16 to float: left counts up, right is its negative.
        const float expected = static_cast<float>(i * 480 + 7) / 32768.0F;
        EXPECT_FLOAT_EQ(sink.samples[i][2 * 7], expected);
        EXPECT_FLOAT_EQ(sink.samples[i][2 * 7 + 1], -expected);
    }
}

TEST(AlsaBackend, AFatalReadErrorEndsCaptureWithNotReadable)
{
    auto sys = std::make_shared<FakeSys>();
    sys->script = {period(0), -ENODEV}; // the USB microphone was unplugged
    auto backend = createAlsaBackend(std::make_shared<ManualClock>(), sys);
    auto device = backend->open("default");
    ASSERT_TRUE(device);
    Recorder sink;
    ASSERT_TRUE((*device)->start(sink));
    ASSERT_TRUE(sink.waitFor(1, 1));
    (*device)->stop();
    ASSERT_EQ(sink.errors.size(), 1U);
    EXPECT_EQ(sink.errors[0].name, ErrorName::NotReadableError);
    EXPECT_EQ(sink.errors[0].osError, ENODEV);
}

TEST(AlsaHotplug, CaptureAndControlNodesCount)
{
    EXPECT_TRUE(isCaptureNode("pcmC0D0c"));
    EXPECT_TRUE(isCaptureNode("pcmC12D3c"));
    EXPECT_TRUE(isCaptureNode("controlC1"));
    EXPECT_FALSE(isCaptureNode("pcmC0D0p")); // playback
    EXPECT_FALSE(isCaptureNode("pcmCD0c"));
    EXPECT_FALSE(isCaptureNode("pcmC0Dc"));
    EXPECT_FALSE(isCaptureNode("controlC"));
    EXPECT_FALSE(isCaptureNode("timer"));
    EXPECT_FALSE(isCaptureNode("seq"));
    EXPECT_FALSE(isCaptureNode("hwC0D0"));
}

// The real watcher on a scratch /dev/snd: capture PCMs and cards coming and going fire the
// listener; playback nodes do not; watch(nullptr) stops it.
TEST(AlsaHotplug, InotifyOnTheDeviceDirectoryFiresForCaptureNodes)
{
    const usermedia::testing::TempDir scratch;
    ASSERT_FALSE(scratch.path().empty());
    const std::string& directory = scratch.path();
    BackendOptions options;
    options.sys = std::make_shared<FakeSys>();
    options.deviceDirectory = directory + "/snd";
    options.sysfsDirectory = directory + "/sys";
    auto backend = createAlsaBackend(std::move(options));
    usermedia::testing::CountingListener listener;
    backend->watch(&listener);
    std::filesystem::create_directory(directory + "/snd"); // the first card's driver loads
    ASSERT_TRUE(listener.waitFor(1));
    const int appeared = listener.count();
    std::ofstream(directory + "/snd/pcmC1D0p").put('x');
    std::ofstream(directory + "/snd/pcmC1D0c").put('x');
    ASSERT_TRUE(listener.waitFor(appeared + 1));
    const int added = listener.count();
    std::filesystem::remove(directory + "/snd/pcmC1D0p");
    std::filesystem::remove(directory + "/snd/pcmC1D0c");
    ASSERT_TRUE(listener.waitFor(added + 1));
    backend->watch(nullptr);
    const int stopped = listener.count();
    std::ofstream(directory + "/snd/controlC2").put('x');
    EXPECT_EQ(listener.count(), stopped);
    // Without a sysfs entry the card id groups a card's PCMs, as before.
    EXPECT_EQ(backend->enumerate()[1].groupId, "alsa:Loopback");
}

} // namespace
} // namespace usermedia::alsa
