// SPDX-License-Identifier: MIT
// The V4L2 backend: cameras and capture cards under /dev/video*. README.md describes what it
// supports; v4l2_sys.h is the seam its unit tests use.
#pragma once

#include <memory>
#include <string>

#include <usermedia/clock.h>

#include "backends/backend.h"
#include "backends/v4l2/v4l2_sys.h"

namespace usermedia::v4l2 {

struct BackendOptions
{
    std::shared_ptr<Sys> sys;             ///< null: realSys()
    std::shared_ptr<Clock> clock;         ///< stamps frames; null: systemClock()
    std::string deviceDirectory = "/dev"; ///< where video* nodes and v4l/by-id live
    std::string sysfsDirectory = "/sys";  ///< for the physical device (groupId)
    bool watchDirectory = true;           ///< inotify on deviceDirectory for hotplug
};

/** \brief Creates the V4L2 backend. Thread: any. */
std::unique_ptr<Backend> createV4l2Backend(BackendOptions options);

/** \brief The backend on the real /dev and /sys, stamping frames with \p clock. Thread: any. */
std::unique_ptr<Backend> createV4l2Backend(std::shared_ptr<Clock> clock);

} // namespace usermedia::v4l2
