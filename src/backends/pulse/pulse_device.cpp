// SPDX-License-Identifier: MIT
#include "backends/pulse/pulse_device.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <optional>

#include "backends/pulse/pulse_loop.h"
#include "base/log.h"
#include "pipeline/audio/audio_chunker.h"

namespace usermedia::pulse {

namespace {

class PulseDevice final : public Device
{
public:
    PulseDevice(DeviceDescription description, std::string source, std::shared_ptr<Clock> clock)
        : description_(std::move(description)),
          source_(std::move(source)),
          clock_(std::move(clock)),
          loop_("usermedia capture")
    {}

    ~PulseDevice() override { stop(); }

    Result<void> connect()
    {
        loop_.setStateCallback([this](pa_context_state_t state) {
            if (!PA_CONTEXT_IS_GOOD(state))
                fail("the connection to the server was lost");
        });
        return loop_.connect();
    }

    const DeviceDescription& description() const override { return description_; }

    Result<void> configure(const NativeVideoMode& /*mode*/) override
    {
        return Error{ErrorName::NotFoundError, "pulse: " + description_.label + " is no camera", "",
                     0};
    }

    Result<void> configure(const NativeAudioMode& mode) override
    {
        if (mode.sampleRate <= 0 || mode.channels <= 0 ||
            mode.channels > static_cast<int>(PA_CHANNELS_MAX) ||
            mode.sampleRate > static_cast<int>(PA_RATE_MAX))
            return Error{ErrorName::NotFoundError, "pulse: unsupported mode", "", 0};
        mode_ = mode;
        return {};
    }

    Result<void> start(CaptureSink& sink) override
    {
        stop();
        const NativeAudioMode mode =
                mode_.value_or(description_.audioModes.empty() ? NativeAudioMode{48000, 1, 32, 0.01}
                                                               : description_.audioModes.front());
        PulseLoop::Lock lock(loop_);
        if (!PA_CONTEXT_IS_GOOD(pa_context_get_state(loop_.context())))
            return pulseError("opening " + description_.label, "the server is gone");
        // Float samples in the mode's rate and channels: the server converts, we never do here.
        pa_sample_spec spec{PA_SAMPLE_FLOAT32NE, static_cast<std::uint32_t>(mode.sampleRate),
                            static_cast<std::uint8_t>(mode.channels)};
        pa_channel_map map;
        pa_channel_map_init_extend(&map, spec.channels, PA_CHANNEL_MAP_DEFAULT);
        stream_ = pa_stream_new(loop_.context(), "usermedia capture", &spec, &map);
        if (!stream_)
            return pulseError("pa_stream_new", loop_.lastError());
        chunker_.emplace(mode.sampleRate, mode.channels);
        sink_ = &sink;
        failed_.store(false);
        stopping_ = false;
        pa_stream_set_state_callback(stream_, &PulseDevice::streamState, this);
        pa_stream_set_read_callback(stream_, &PulseDevice::readCallback, this);
        pa_stream_set_suspended_callback(stream_, &PulseDevice::suspendedCallback, this);
        // `latency` becomes the fragment size: how much the server gathers before it sends.
        const pa_buffer_attr attr =
                recordBufferAttr(static_cast<pa_usec_t>(std::lround(mode.latency * 1e6)), spec);
        const auto flags = static_cast<pa_stream_flags_t>(
                PA_STREAM_ADJUST_LATENCY | PA_STREAM_AUTO_TIMING_UPDATE |
                PA_STREAM_INTERPOLATE_TIMING | PA_STREAM_DONT_MOVE);
        if (pa_stream_connect_record(stream_, source_.empty() ? nullptr : source_.c_str(), &attr,
                                     flags) < 0)
            return abortStart(lock, "pa_stream_connect_record");
        for (;;) {
            const pa_stream_state_t state = pa_stream_get_state(stream_);
            if (state == PA_STREAM_READY)
                break;
            if (!PA_STREAM_IS_GOOD(state))
                return abortStart(lock, "recording from " + description_.label);
            lock.wait();
        }
        running_ = true;
        return {};
    }

    void stop() override
    {
        PulseLoop::Lock lock(loop_);
        stopping_ = true;
        running_ = false;
        releaseRecordStream(stream_);
        sink_ = nullptr; // callbacks run locked: none is running now, none will reach the sink
    }

private:
    Result<void> abortStart(PulseLoop::Lock& /*locked*/, const std::string& what)
    {
        Error error = pulseError(what, loop_.lastError());
        releaseRecordStream(stream_); // not connected (failed or never): nothing to disconnect
        sink_ = nullptr;
        return error;
    }

    // Loop thread: tells the sink once, unless we are stopping.
    void fail(const std::string& why)
    {
        if (!running_ || stopping_ || !sink_ || failed_.exchange(true)) {
            loop_.signal();
            return;
        }
        sink_->onCaptureError(pulseError(description_.label, why));
        loop_.signal();
    }

    static void streamState(pa_stream* stream, void* self)
    {
        auto* me = static_cast<PulseDevice*>(self);
        const pa_stream_state_t state = pa_stream_get_state(stream);
        if (state == PA_STREAM_FAILED || state == PA_STREAM_TERMINATED)
            me->fail(state == PA_STREAM_FAILED ? me->loop_.lastError() : "the source was removed");
        me->loop_.signal();
    }

    static void suspendedCallback(pa_stream* stream, void* self)
    {
        auto* me = static_cast<PulseDevice*>(self);
        if (me->sink_ && me->running_)
            me->sink_->onMuteChanged(pa_stream_is_suspended(stream) == 1);
    }

    static void readCallback(pa_stream* stream, std::size_t /*bytes*/, void* self)
    {
        static_cast<PulseDevice*>(self)->read(stream);
    }

    // Loop thread: drains every fragment the server has sent.
    void read(pa_stream* stream)
    {
        drainRecordStream(stream, *chunker_, *clock_,
                          running_ && sink_ && !failed_.load() ? sink_ : nullptr);
    }

    const DeviceDescription description_;
    const std::string source_;
    const std::shared_ptr<Clock> clock_;
    std::optional<NativeAudioMode> mode_;
    // Loop thread, or with the loop locked.
    pa_stream* stream_ = nullptr;
    CaptureSink* sink_ = nullptr;
    std::optional<audio::AudioChunker> chunker_;
    bool running_ = false;
    bool stopping_ = false;
    std::atomic<bool> failed_{false};
    PulseLoop loop_; // last: destroyed first, stopping the thread that uses the members above
};

} // namespace

Result<std::unique_ptr<Device>> openPulseDevice(DeviceDescription description,
                                                const std::string& source,
                                                std::shared_ptr<Clock> clock)
{
    auto device = std::make_unique<PulseDevice>(std::move(description), source, std::move(clock));
    if (auto connected = device->connect(); !connected)
        return connected.error();
    return std::unique_ptr<Device>(std::move(device));
}

} // namespace usermedia::pulse
