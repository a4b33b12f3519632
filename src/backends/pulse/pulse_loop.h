// SPDX-License-Identifier: MIT
// A PulseAudio threaded main loop with one context: the piece that both the backend (for
// enumeration and hotplug) and each opened device (for its record stream) own.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <pulse/pulseaudio.h>

#include <usermedia/clock.h>
#include <usermedia/result.h>

#include "backends/backend.h"

namespace usermedia::audio {
class AudioChunker;
} // namespace usermedia::audio

namespace usermedia::pulse {

/**
 * Owns a pa_threaded_mainloop and a pa_context on it.
 *
 * Locking: libpulse objects may be touched only with the loop locked (Lock) or from the loop's
 * own thread (its callbacks, which run locked). Never lock from a callback.
 * Thread: connect()/the destructor from one non-loop thread; Lock from any non-loop thread.
 */
class PulseLoop
{
public:
    class Lock
    {
    public:
        explicit Lock(PulseLoop& loop) : loop_(loop) { pa_threaded_mainloop_lock(loop_.loop_); }
        ~Lock() { pa_threaded_mainloop_unlock(loop_.loop_); }
        Lock(const Lock&) = delete;
        Lock& operator=(const Lock&) = delete;
        /** Waits for signal() from a callback; the loop lock is released meanwhile. */
        void wait() { pa_threaded_mainloop_wait(loop_.loop_); }

    private:
        PulseLoop& loop_;
    };

    /** \p name is the application name the server shows for this client. */
    explicit PulseLoop(std::string name);
    ~PulseLoop();
    PulseLoop(const PulseLoop&) = delete;
    PulseLoop& operator=(const PulseLoop&) = delete;

    /**
     * Starts the loop and connects a context to the default server ($PULSE_SERVER, the
     * user's runtime directory, ...) without autospawning one; waits for ready or failure.
     * Errors: NotReadableError with the server's reason.
     */
    Result<void> connect();
    /** How long reconnectLater() waits before it tries again. */
    static constexpr pa_usec_t kReconnectDelayUsec = 500'000;
    /**
     * From the loop thread, after the context failed: in kReconnectDelayUsec, a new context
     * tries to connect; the state callback hears how that went (and may call this again).
     */
    void reconnectLater();
    /** Called (on the loop thread) whenever the context's state changes. Set before connect(). */
    void setStateCallback(std::function<void(pa_context_state_t)> onState)
    {
        onState_ = std::move(onState);
    }

    pa_context* context() const { return context_; }
    pa_threaded_mainloop* loop() const { return loop_; }
    /** Wakes a Lock::wait(); for callbacks. */
    void signal() { pa_threaded_mainloop_signal(loop_, 0); }
    /** The context's last error as text. Thread: with the loop locked. */
    std::string lastError() const;
    /** Waits (locked) until \p op is done; unrefs it. False if the context failed meanwhile. */
    bool waitFor(Lock& lock, pa_operation* op);

    /** The server's default sink and source names (empty when it has none). */
    struct ServerDefaults
    {
        std::string sink;
        std::string source;
    };
    /** Locked: asks the server for its defaults; nothing when the query fails. */
    std::optional<ServerDefaults> serverDefaults(Lock& lock);

private:
    static void stateCallback(pa_context* context, void* self);
    void reconnectNow();
    void newContext();

    const std::string name_;
    pa_threaded_mainloop* loop_ = nullptr;
    pa_context* context_ = nullptr;
    std::function<void(pa_context_state_t)> onState_;
    bool started_ = false;
    bool closing_ = false; // loop thread, or locked
};

/**
 * Buffer attributes for a record stream: the server's defaults, except the fragment size
 * (how much the server gathers before it sends), \p fragmentUsec of \p spec.
 */
pa_buffer_attr recordBufferAttr(pa_usec_t fragmentUsec, const pa_sample_spec& spec);

/**
 * Loop thread: drains every fragment a record stream has ready into \p chunker, which calls
 * \p sink for each 10 ms chunk. A fragment's first sample was captured the stream's latency
 * (pa_stream_get_latency) before now on \p clock; a hole in the record buffer becomes silence.
 * A null \p sink drops the fragments unread (a device stopping or failed).
 * \p aheadOfPlayback: the stream records a monitor and the stamps should say when the audio is
 * played: the server then reports a negative latency (samples not yet played by the sink),
 * which puts the stamps that far after now. Otherwise a negative latency counts as zero.
 */
void drainRecordStream(pa_stream* stream, audio::AudioChunker& chunker, const Clock& clock,
                       CaptureSink* sink, bool aheadOfPlayback = false);

/**
 * Locked: detaches every callback of a record stream (none runs afterwards), disconnects it if
 * it is still connected, drops our reference and nulls \p stream. Nothing when it is null.
 */
void releaseRecordStream(pa_stream*& stream);

/** A NotReadableError "pulse: <what>: <reason>". */
Error pulseError(const std::string& what, const std::string& reason);

} // namespace usermedia::pulse
