// SPDX-License-Identifier: MIT
#include "backends/pulse/pulse_loop.h"

#include "pipeline/audio/audio_chunker.h"

namespace usermedia::pulse {

void releaseRecordStream(pa_stream*& stream)
{
    if (!stream)
        return;
    pa_stream_set_state_callback(stream, nullptr, nullptr);
    pa_stream_set_read_callback(stream, nullptr, nullptr);
    pa_stream_set_suspended_callback(stream, nullptr, nullptr);
    if (PA_STREAM_IS_GOOD(pa_stream_get_state(stream)))
        pa_stream_disconnect(stream);
    pa_stream_unref(stream);
    stream = nullptr;
}

pa_buffer_attr recordBufferAttr(pa_usec_t fragmentUsec, const pa_sample_spec& spec)
{
    pa_buffer_attr attr;
    attr.maxlength = static_cast<std::uint32_t>(-1);
    attr.tlength = static_cast<std::uint32_t>(-1);
    attr.prebuf = static_cast<std::uint32_t>(-1);
    attr.minreq = static_cast<std::uint32_t>(-1);
    attr.fragsize = static_cast<std::uint32_t>(pa_usec_to_bytes(fragmentUsec, &spec));
    return attr;
}

void drainRecordStream(pa_stream* stream, audio::AudioChunker& chunker, const Clock& clock,
                       CaptureSink* sink, bool aheadOfPlayback)
{
    const std::size_t frameBytes = sizeof(float) * static_cast<std::size_t>(chunker.channels());
    while (pa_stream_readable_size(stream) > 0) {
        const void* data = nullptr;
        std::size_t bytes = 0;
        if (pa_stream_peek(stream, &data, &bytes) < 0 || bytes == 0)
            return; // nothing more
        const int frames = static_cast<int>(bytes / frameBytes);
        if (sink && data) {
            pa_usec_t latency = 0;
            int negative = 0;
            std::chrono::nanoseconds age{0};
            if (pa_stream_get_latency(stream, &latency, &negative) == 0) {
                if (!negative)
                    age = std::chrono::microseconds(latency);
                else if (aheadOfPlayback)
                    age = -std::chrono::microseconds(latency);
            }
            chunker.push(static_cast<const float*>(data), frames, clock.now() - age, *sink);
        } else if (sink) {
            chunker.pushSilence(frames, *sink);
        }
        pa_stream_drop(stream);
    }
}

Error pulseError(const std::string& what, const std::string& reason)
{
    return Error{ErrorName::NotReadableError, "pulse: " + what + ": " + reason, "", 0};
}

PulseLoop::PulseLoop(std::string name) : name_(std::move(name))
{
    loop_ = pa_threaded_mainloop_new();
}

PulseLoop::~PulseLoop()
{
    if (!loop_)
        return;
    if (started_) {
        {
            Lock lock(*this);
            closing_ = true; // a reconnection timer that fires now must not make a new context
            if (context_) {
                pa_context_set_state_callback(context_, nullptr, nullptr);
                pa_context_set_subscribe_callback(context_, nullptr, nullptr);
                pa_context_disconnect(context_);
            }
        }
        pa_threaded_mainloop_stop(loop_);
    }
    if (context_)
        pa_context_unref(context_);
    pa_threaded_mainloop_free(loop_);
}

void PulseLoop::newContext()
{
    if (context_) {
        pa_context_set_state_callback(context_, nullptr, nullptr);
        pa_context_set_subscribe_callback(context_, nullptr, nullptr);
        pa_context_disconnect(context_);
        pa_context_unref(context_);
    }
    context_ = pa_context_new(pa_threaded_mainloop_get_api(loop_), name_.c_str());
    if (context_)
        pa_context_set_state_callback(context_, &PulseLoop::stateCallback, this);
}

void PulseLoop::stateCallback(pa_context* context, void* self)
{
    auto* loop = static_cast<PulseLoop*>(self);
    const pa_context_state_t state = pa_context_get_state(context);
    if (loop->onState_)
        loop->onState_(state);
    loop->signal();
}

Result<void> PulseLoop::connect()
{
    if (!loop_)
        return pulseError("pa_threaded_mainloop_new", "out of memory");
    if (!started_) {
        if (pa_threaded_mainloop_start(loop_) < 0)
            return pulseError("pa_threaded_mainloop_start", "cannot start the main loop thread");
        started_ = true;
    }
    Lock lock(*this);
    newContext();
    if (!context_)
        return pulseError("pa_context_new", "out of memory");
    // A library must never start a sound server behind the application's back.
    if (pa_context_connect(context_, nullptr, PA_CONTEXT_NOAUTOSPAWN, nullptr) < 0)
        return pulseError("pa_context_connect", lastError());
    for (;;) {
        const pa_context_state_t state = pa_context_get_state(context_);
        if (state == PA_CONTEXT_READY)
            return {};
        if (!PA_CONTEXT_IS_GOOD(state))
            return pulseError("connecting to the server", lastError());
        lock.wait();
    }
}

void PulseLoop::reconnectLater()
{
    // libpulse's own PA_CONTEXT_NOFAIL waits for a server only through D-Bus, and not at all
    // when $PULSE_SERVER names one: retry on a timer instead. Also, not from inside the failed
    // context's own callback: it must not be freed under its feet.
    pa_mainloop_api* api = pa_threaded_mainloop_get_api(loop_);
    timeval when{};
    pa_gettimeofday(&when);
    pa_timeval_add(&when, kReconnectDelayUsec);
    api->time_new(
            api, &when,
            [](pa_mainloop_api* a, pa_time_event* event, const timeval* /*tv*/, void* self) {
                a->time_free(event);
                static_cast<PulseLoop*>(self)->reconnectNow();
            },
            this);
}

void PulseLoop::reconnectNow()
{
    if (closing_)
        return;
    newContext();
    if (!context_ || pa_context_connect(context_, nullptr, PA_CONTEXT_NOAUTOSPAWN, nullptr) < 0) {
        if (onState_)
            onState_(PA_CONTEXT_FAILED);
    }
}

std::string PulseLoop::lastError() const
{
    return context_ ? pa_strerror(pa_context_errno(context_)) : "no context";
}

std::optional<PulseLoop::ServerDefaults> PulseLoop::serverDefaults(Lock& lock)
{
    struct Query
    {
        PulseLoop* loop;
        ServerDefaults defaults;
    } query{this, {}};
    pa_operation* op = pa_context_get_server_info(
            context_,
            [](pa_context* /*c*/, const pa_server_info* info, void* self) {
                auto* q = static_cast<Query*>(self);
                if (info && info->default_sink_name)
                    q->defaults.sink = info->default_sink_name;
                if (info && info->default_source_name)
                    q->defaults.source = info->default_source_name;
                q->loop->signal();
            },
            &query);
    if (!waitFor(lock, op))
        return std::nullopt;
    return query.defaults;
}

bool PulseLoop::waitFor(Lock& lock, pa_operation* op)
{
    if (!op)
        return false;
    while (pa_operation_get_state(op) == PA_OPERATION_RUNNING) {
        if (!PA_CONTEXT_IS_GOOD(pa_context_get_state(context_))) {
            pa_operation_cancel(op);
            break;
        }
        lock.wait();
    }
    const bool done = pa_operation_get_state(op) == PA_OPERATION_DONE;
    pa_operation_unref(op);
    return done;
}

} // namespace usermedia::pulse
