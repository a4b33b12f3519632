// SPDX-License-Identifier: MIT
#include "backends/fake/fake_device.h"

#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>

#include "backends/fake/tone_generator.h"
#include "backends/fake/video_generator.h"

namespace usermedia::fake {

using std::chrono::nanoseconds;

// What the capture loop drives: when frame n is due, and how to produce and deliver it.
class FrameProducer
{
public:
    virtual ~FrameProducer() = default;
    virtual nanoseconds due(std::uint64_t frame) const = 0;
    virtual Result<void> deliver(std::uint64_t frame, CaptureSink& sink) = 0;
};

namespace {

class VideoProducer final : public FrameProducer
{
public:
    VideoProducer(const NativeVideoMode& mode, nanoseconds start)
        : generator_(mode.format, mode.width, mode.height),
          start_(start),
          frameRate_(mode.maxFrameRate)
    {}

    // A frame can be delivered once its exposure is over, one period after it began (like a
    // real sensor's readout, and like an audio chunk); so nothing arrives at start() itself.
    nanoseconds due(std::uint64_t frame) const override { return exposureStart(frame + 1); }

    Result<void> deliver(std::uint64_t frame, CaptureSink& sink) override
    {
        auto native = generator_.generate(frame, exposureStart(frame));
        if (!native)
            return native.error();
        sink.onVideoFrame(*native);
        return {};
    }

private:
    nanoseconds exposureStart(std::uint64_t frame) const
    {
        // Rounded, not truncated, so that whole seconds land exactly (frame 30 at 30 fps is 1 s).
        const long double offset = static_cast<long double>(frame) * 1e9L / frameRate_;
        return start_ + nanoseconds(std::llround(offset));
    }

    VideoGenerator generator_;
    nanoseconds start_;
    double frameRate_;
};

class AudioProducer final : public FrameProducer
{
public:
    AudioProducer(const NativeAudioMode& mode, const ToneSettings& tone, nanoseconds start)
        : generator_(mode, tone, start)
    {}

    // A chunk can be delivered once its last sample was captured.
    nanoseconds due(std::uint64_t chunk) const override { return generator_.chunkEndTime(chunk); }

    Result<void> deliver(std::uint64_t chunk, CaptureSink& sink) override
    {
        sink.onAudioChunk(generator_.generate(chunk));
        return {};
    }

private:
    ToneGenerator generator_;
};

std::string describeRate(double rate)
{
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%g", rate);
    return text.data();
}

std::string describeMode(const NativeVideoMode& mode)
{
    return std::string(toString(mode.format)) + " " + std::to_string(mode.width) + "x" +
           std::to_string(mode.height) + " @ " + describeRate(mode.minFrameRate) + ".." +
           describeRate(mode.maxFrameRate) + " fps";
}

std::string describeMode(const NativeAudioMode& mode)
{
    return std::to_string(mode.sampleRate) + " Hz x " + std::to_string(mode.channels);
}

} // namespace

FakeDevice::FakeDevice(FakeDeviceSpec spec, std::shared_ptr<Clock> clock,
                       std::shared_ptr<HotplugState> hotplug)
    : spec_(std::move(spec)),
      clock_(std::move(clock)),
      hotplug_(std::move(hotplug))
{}

FakeDevice::~FakeDevice()
{
    stop();
}

Result<void> FakeDevice::configure(const NativeVideoMode& mode)
{
    if (thread_.joinable())
        return Error{ErrorName::InvalidStateError, "fake: configure() while capturing", {}, 0};
    const auto& label = spec_.description.label;
    for (const NativeVideoMode& offered : spec_.description.videoModes) {
        if (offered.format == mode.format && offered.width == mode.width &&
            offered.height == mode.height && mode.maxFrameRate > 0 &&
            mode.minFrameRate <= mode.maxFrameRate && mode.minFrameRate >= offered.minFrameRate &&
            mode.maxFrameRate <= offered.maxFrameRate) {
            videoMode_ = mode;
            return {};
        }
    }
    return Error{ErrorName::NotFoundError,
                 "fake: '" + label + "' has no video mode " + describeMode(mode),
                 {},
                 0};
}

Result<void> FakeDevice::configure(const NativeAudioMode& mode)
{
    if (thread_.joinable())
        return Error{ErrorName::InvalidStateError, "fake: configure() while capturing", {}, 0};
    for (const NativeAudioMode& offered : spec_.description.audioModes) {
        if (offered.sampleRate == mode.sampleRate && offered.channels == mode.channels) {
            audioMode_ = offered;
            return {};
        }
    }
    return Error{ErrorName::NotFoundError,
                 "fake: '" + spec_.description.label + "' has no audio mode " + describeMode(mode),
                 {},
                 0};
}

Result<void> FakeDevice::start(CaptureSink& sink)
{
    const DeviceDescription& description = spec_.description;
    if (thread_.joinable())
        return Error{ErrorName::InvalidStateError,
                     "fake: '" + description.label + "' is already capturing",
                     {},
                     0};
    if (hotplug_->isUnplugged(description.id))
        return Error{ErrorName::NotReadableError,
                     "fake: '" + description.label + "' was disconnected",
                     {},
                     ENODEV};

    // A fresh sleeper per run: an interrupted one stays interrupted. Created before the thread
    // so that a ManualClock counts the thread busy until it first sleeps.
    sleeper_ = clock_->createSleeper();
    const nanoseconds start = clock_->now();
    if (description.kind == MediaDeviceKind::VideoInput)
        producer_ = std::make_unique<VideoProducer>(
                videoMode_.value_or(description.videoModes.front()), start);
    else
        producer_ = std::make_unique<AudioProducer>(
                audioMode_.value_or(description.audioModes.front()), spec_.tone, start);
    thread_ = std::thread([this, &sink] { run(sink); });
    return {};
}

void FakeDevice::stop()
{
    if (!thread_.joinable())
        return;
    sleeper_->interrupt();
    thread_.join();
    producer_.reset();
    sleeper_.reset();
}

bool FakeDevice::stalledAt(std::uint64_t frame) const
{
    const auto& stall = spec_.faults.stall;
    return stall && frame >= stall->afterFrames && frame - stall->afterFrames < stall->forFrames;
}

// Thread: the capture thread.
void FakeDevice::run(CaptureSink& sink)
{
    const auto unplugAfter = spec_.faults.unplugAfterFrames;
    std::uint64_t delivered = 0;
    bool muted = false;
    std::optional<Error> failure;
    for (std::uint64_t frame = 0; !failure; ++frame) {
        if (unplugAfter && delivered >= *unplugAfter)
            break;
        if (!sleeper_->sleepUntil(producer_->due(frame)))
            return; // stop()
        // A stalled device sleeps through its frame periods; the numbers keep counting. It is
        // muted from its first missing frame until it delivers again.
        const bool stalled = stalledAt(frame);
        if (stalled != muted) {
            muted = stalled;
            sink.onMuteChanged(muted);
        }
        if (stalled)
            continue;
        if (auto result = producer_->deliver(frame, sink); !result)
            failure = result.error();
        else
            ++delivered;
    }
    if (failure) {
        sink.onCaptureError(*failure);
    } else {
        // Unplugged: gone from enumerate() before the sink hears of it, and the hotplug
        // listener is told last, as a real device's removal event follows the failed read.
        hotplug_->markUnplugged(spec_.description.id);
        sink.onCaptureError(Error{ErrorName::NotReadableError,
                                  "fake: '" + spec_.description.label + "': device disconnected",
                                  {},
                                  ENODEV});
        hotplug_->notifyChanged();
    }
    // Done with the clock: a ManualClock must not wait for this thread any more.
    sleeper_->interrupt();
}

} // namespace usermedia::fake
