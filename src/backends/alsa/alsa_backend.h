// SPDX-License-Identifier: MIT
// The ALSA backend: capture PCMs straight from the kernel's sound drivers, for systems without
// a sound server. See README.md.
#pragma once

#include <memory>
#include <vector>

#include <usermedia/clock.h>

#include "backends/alsa/alsa_sys.h"
#include "backends/backend.h"

namespace usermedia::alsa {

/** \brief The backend over \p sys (realAlsaSys() in production). Thread: any. */
std::unique_ptr<Backend> createAlsaBackend(std::shared_ptr<Clock> clock,
                                           std::shared_ptr<AlsaSys> sys = realAlsaSys());

/** The modes a PCM with \p ranges offers: usual rates x channel counts within the ranges. */
std::vector<NativeAudioMode> modesFor(const HwRanges& ranges);

} // namespace usermedia::alsa
