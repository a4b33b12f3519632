// SPDX-License-Identifier: MIT
// The PulseAudio backend: sources of a running PulseAudio server (or PipeWire's pulse server)
// as audio inputs. See README.md for what is listed and how monitors are named.
#pragma once

#include <memory>
#include <vector>

#include <pulse/pulseaudio.h>

#include <usermedia/clock.h>

#include "backends/backend.h"

namespace usermedia::pulse {

/** The device id that always means the server's default source. */
inline constexpr std::string_view kDefaultDeviceId = "default";

/**
 * \brief Creates the backend; it connects in probe() (failure: no server, skip the backend).
 * \param clock stamps chunks; null means systemClock().
 * Thread: any.
 */
std::unique_ptr<Backend> createPulseBackend(std::shared_ptr<Clock> clock);

/**
 * The native modes reported for a source whose own format is \p spec: that format first, then
 * the usual rates x mono/stereo, which the server converts to at no cost to us, each at the
 * latencies the backend can arrange. Pure; exposed for tests.
 */
std::vector<NativeAudioMode> modesFor(const pa_sample_spec& spec);

} // namespace usermedia::pulse
