// SPDX-License-Identifier: MIT
#include "backends/pulse/pulse_echo_reference.h"

#include <cmath>

#include "backends/pulse/pulse_loop.h"
#include "base/log.h"
#include "pipeline/audio/audio_chunker.h"

namespace usermedia::pulse {

namespace {

// The chunks the server sends: 10 ms, so the far end reaches the canceller with little delay.
constexpr pa_usec_t kFragmentUsec = 10'000;

class PulseEchoReference final : public audio::EchoReferenceHub::Handle, private CaptureSink
{
public:
    PulseEchoReference(std::shared_ptr<audio::EchoReference> reference,
                       std::shared_ptr<Clock> clock)
        : reference_(std::move(reference)),
          clock_(std::move(clock)),
          chunker_(reference_->sampleRate(), reference_->channels()),
          loop_("usermedia echo reference")
    {}

    ~PulseEchoReference() override
    {
        PulseLoop::Lock lock(loop_);
        releaseRecordStream(stream_);
        // loop_ (the last member) is destroyed first after this, joining its thread.
    }

    Result<void> open()
    {
        loop_.setStateCallback([](pa_context_state_t /*state*/) {});
        if (auto connected = loop_.connect(); !connected)
            return connected;
        PulseLoop::Lock lock(loop_);
        // The default sink's monitor: what the user hears, wherever the server routes it.
        const auto defaults = loop_.serverDefaults(lock);
        if (!defaults)
            return pulseError("asking for the default sink", loop_.lastError());
        sink_ = defaults->sink;
        if (sink_.empty())
            return pulseError("echo reference", "the server has no default sink");
        pa_operation* op = pa_context_get_sink_info_by_name(
                loop_.context(), sink_.c_str(),
                [](pa_context* /*c*/, const pa_sink_info* info, int /*eol*/, void* self) {
                    auto* me = static_cast<PulseEchoReference*>(self);
                    if (info && info->monitor_source_name)
                        me->monitor_ = info->monitor_source_name;
                    me->loop_.signal();
                },
                this);
        if (!op || !loop_.waitFor(lock, op))
            return pulseError("asking for " + sink_, loop_.lastError());
        if (monitor_.empty())
            return pulseError("echo reference", "sink " + sink_ + " has no monitor");

        const pa_sample_spec spec{PA_SAMPLE_FLOAT32NE,
                                  static_cast<std::uint32_t>(reference_->sampleRate()),
                                  static_cast<std::uint8_t>(reference_->channels())};
        pa_channel_map map;
        pa_channel_map_init_extend(&map, spec.channels, PA_CHANNEL_MAP_DEFAULT);
        stream_ = pa_stream_new(loop_.context(), "usermedia echo reference", &spec, &map);
        if (!stream_)
            return pulseError("pa_stream_new", loop_.lastError());
        pa_stream_set_state_callback(stream_, &PulseEchoReference::streamState, this);
        pa_stream_set_read_callback(stream_, &PulseEchoReference::readCallback, this);
        const pa_buffer_attr attr = recordBufferAttr(kFragmentUsec, spec);
        // DONT_INHIBIT_AUTO_SUSPEND: listening to the monitor must not keep an idle sink (and
        // the sound card) awake; a suspended sink plays nothing, so there is no echo to cancel.
        const auto flags = static_cast<pa_stream_flags_t>(
                PA_STREAM_ADJUST_LATENCY | PA_STREAM_AUTO_TIMING_UPDATE |
                PA_STREAM_INTERPOLATE_TIMING | PA_STREAM_DONT_INHIBIT_AUTO_SUSPEND);
        if (pa_stream_connect_record(stream_, monitor_.c_str(), &attr, flags) < 0)
            return pulseError("recording " + monitor_, loop_.lastError());
        for (;;) {
            const pa_stream_state_t state = pa_stream_get_state(stream_);
            if (state == PA_STREAM_READY)
                break;
            if (!PA_STREAM_IS_GOOD(state))
                return pulseError("recording " + monitor_, loop_.lastError());
            lock.wait();
        }
        UM_LOG(Pulse, Debug) << "echo reference: recording " << monitor_;
        followDefaultSink();
        return {};
    }

private:
    // The server does not move a stream off a monitor when the default sink changes (it moves
    // streams with the default *source*), so we follow it ourselves: on every server change,
    // look up the default sink, and move our stream to its monitor if that is another one.
    // Loop thread (or locked); every step is asynchronous, none waits.
    void followDefaultSink()
    {
        pa_context_set_subscribe_callback(
                loop_.context(),
                [](pa_context* context, pa_subscription_event_type_t type, uint32_t /*index*/,
                   void* self) {
                    if ((type & PA_SUBSCRIPTION_EVENT_FACILITY_MASK) ==
                        PA_SUBSCRIPTION_EVENT_SERVER)
                        unrefOp(pa_context_get_server_info(context, &PulseEchoReference::onServer,
                                                           self));
                },
                this);
        unrefOp(pa_context_subscribe(loop_.context(), PA_SUBSCRIPTION_MASK_SERVER, nullptr,
                                     nullptr));
    }

    static void unrefOp(pa_operation* op)
    {
        if (op)
            pa_operation_unref(op);
    }

    static void onServer(pa_context* context, const pa_server_info* info, void* self)
    {
        auto* me = static_cast<PulseEchoReference*>(self);
        if (!info || !info->default_sink_name || me->sink_ == info->default_sink_name)
            return;
        me->sink_ = info->default_sink_name;
        unrefOp(pa_context_get_sink_info_by_name(context, info->default_sink_name,
                                                 &PulseEchoReference::onDefaultSink, self));
    }

    static void onDefaultSink(pa_context* context, const pa_sink_info* info, int /*eol*/,
                              void* self)
    {
        auto* me = static_cast<PulseEchoReference*>(self);
        if (!info || !info->monitor_source_name || me->monitor_ == info->monitor_source_name ||
            !me->stream_ || pa_stream_get_state(me->stream_) != PA_STREAM_READY)
            return;
        me->monitor_ = info->monitor_source_name;
        UM_LOG(Pulse, Debug) << "echo reference: the default sink is now " << me->sink_
                             << ", recording " << me->monitor_;
        unrefOp(pa_context_move_source_output_by_name(context, pa_stream_get_index(me->stream_),
                                                      info->monitor_source_name, nullptr, nullptr));
    }

    static void streamState(pa_stream* /*stream*/, void* self)
    {
        static_cast<PulseEchoReference*>(self)->loop_.signal();
    }

    static void readCallback(pa_stream* stream, std::size_t /*bytes*/, void* self)
    {
        static_cast<PulseEchoReference*>(self)->read(stream);
    }

    // Loop thread: 10 ms chunks stamped as a microphone's are (onAudioChunk below).
    void read(pa_stream* stream)
    {
        drainRecordStream(stream, chunker_, *clock_, this, /*aheadOfPlayback=*/true);
    }

    // CaptureSink, from the chunker on the loop thread.
    void onAudioChunk(const NativeAudioChunk& chunk) override
    {
        reference_->push(chunk.samples, chunk.timestamp);
    }
    void onVideoFrame(const NativeVideoFrame& /*frame*/) override {}
    void onCaptureError(const Error& /*error*/) override {}

    const std::shared_ptr<audio::EchoReference> reference_;
    const std::shared_ptr<Clock> clock_;
    audio::AudioChunker chunker_; // loop thread
    std::string sink_;            // the default sink; loop thread, or locked
    std::string monitor_;         // its monitor, which the stream records
    pa_stream* stream_ = nullptr; // loop thread, or locked
    PulseLoop loop_;              // last: destroyed first, stopping the thread using the above
};

} // namespace

Result<std::unique_ptr<audio::EchoReferenceHub::Handle>>
openPulseEchoReference(const std::shared_ptr<audio::EchoReference>& reference,
                       std::shared_ptr<Clock> clock)
{
    auto handle = std::make_unique<PulseEchoReference>(reference,
                                                       clock ? std::move(clock) : systemClock());
    if (auto opened = handle->open(); !opened)
        return opened.error();
    return std::unique_ptr<audio::EchoReferenceHub::Handle>(std::move(handle));
}

} // namespace usermedia::pulse
