// SPDX-License-Identifier: MIT
// The far end for echo cancellation on PulseAudio: what the default sink plays, recorded from
// its monitor source.
#pragma once

#include <memory>

#include <usermedia/clock.h>
#include <usermedia/result.h>

#include "pipeline/audio/echo_reference.h"

namespace usermedia::pulse {

/**
 * Records the monitor of the server's default sink into \p reference (float samples at its
 * rate and channel count, which the server converts to), in 10 ms chunks stamped on \p clock
 * with when the sink plays them, until the handle is destroyed.
 *
 * The stamp comes from the stream's latency, which for a monitor is negative (the samples are
 * mixed but not played yet). What the server does not know (the DAC, the air) makes the echo
 * later still: an early stamp only makes the canceller look further back, while a late one
 * would hand it the far end after its echo, which it cannot use; so nothing is added by guess.
 * The stream lets the sink suspend when nothing else plays (no data then: nothing to cancel),
 * and moves to the new default sink's monitor when the default sink changes.
 * It has a connection of its own, so it outlives the backend that opened it.
 * Errors: NotReadableError (no server, no default sink, the stream refused).
 * Thread: any; the handle's destructor stops the recording (no push() after it returns).
 */
Result<std::unique_ptr<audio::EchoReferenceHub::Handle>>
openPulseEchoReference(const std::shared_ptr<audio::EchoReference>& reference,
                       std::shared_ptr<Clock> clock);

} // namespace usermedia::pulse
