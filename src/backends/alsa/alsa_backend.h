// SPDX-License-Identifier: MIT
// The ALSA backend: capture PCMs straight from the kernel's sound drivers, for systems without
// a sound server. See README.md.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <usermedia/clock.h>

#include "backends/alsa/alsa_sys.h"
#include "backends/backend.h"

namespace usermedia::alsa {

struct BackendOptions
{
    std::shared_ptr<Clock> clock;             ///< stamps chunks; null: systemClock()
    std::shared_ptr<AlsaSys> sys;             ///< null: realAlsaSys()
    std::string deviceDirectory = "/dev/snd"; ///< watched for pcmC*D*c and controlC* nodes
    std::string sysfsDirectory = "/sys";      ///< for the card's physical device (groupId)
    bool watchDirectory = true;               ///< inotify on deviceDirectory for hotplug
};

/** \brief Creates the ALSA backend. Thread: any. */
std::unique_ptr<Backend> createAlsaBackend(BackendOptions options);

/** \brief The backend over \p sys (realAlsaSys() in production) and the real /dev/snd and /sys.
 * Thread: any. */
std::unique_ptr<Backend> createAlsaBackend(std::shared_ptr<Clock> clock,
                                           std::shared_ptr<AlsaSys> sys = realAlsaSys());

/** Whether a /dev/snd entry is a node whose coming or going changes the capture PCMs. */
bool isCaptureNode(std::string_view name);

/** The modes a PCM with \p ranges offers: usual rates x channel counts within the ranges. */
std::vector<NativeAudioMode> modesFor(const HwRanges& ranges);

} // namespace usermedia::alsa
