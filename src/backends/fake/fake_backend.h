// SPDX-License-Identifier: MIT
// The fake backend: deterministic devices, always available, paced by an injectable Clock, with
// fault injection. It is the reference backend; README.md describes the device format.
#pragma once

#include <memory>
#include <string_view>

#include <usermedia/clock.h>
#include <usermedia/result.h>

#include "backends/backend.h"
#include "backends/fake/fake_device_spec.h"

namespace usermedia::fake {

/**
 * \brief Creates the fake backend.
 * \param description "default" (the built-in camera and microphone), JSON text (starting with
 *   '{' or '[' after whitespace; see parseFakeDevices()), or the path of a JSON file.
 * \param clock paces capture and stamps frames; ManualClock makes tests deterministic; null
 *   means systemClock().
 * \return the backend. Errors: TypeError naming the file (or "inline JSON") and the member path
 *   or byte offset of the problem; for an unreadable file, its path and strerror (with osError).
 * Thread: any.
 */
Result<std::unique_ptr<Backend>> createFakeBackend(std::string_view description,
                                                   std::shared_ptr<Clock> clock);

/** \brief The fake backend over already parsed specs (ids must be unique). Thread: any. */
std::unique_ptr<Backend> createFakeBackend(std::vector<FakeDeviceSpec> devices,
                                           std::shared_ptr<Clock> clock);

} // namespace usermedia::fake
