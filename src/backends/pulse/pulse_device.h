// SPDX-License-Identifier: MIT
#pragma once

#include <memory>
#include <string>

#include <usermedia/clock.h>

#include "backends/backend.h"

namespace usermedia::pulse {

/**
 * Opens one source: connects a context of its own (so a device outlives the backend's
 * enumeration context, and a slow sink delays only its own stream).
 * \param source the server's source name; empty for the default source.
 * Errors: NotReadableError when the server cannot be reached.
 */
Result<std::unique_ptr<Device>> openPulseDevice(DeviceDescription description,
                                                const std::string& source,
                                                std::shared_ptr<Clock> clock);

} // namespace usermedia::pulse
