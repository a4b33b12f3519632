// SPDX-License-Identifier: MIT
// A MediaDevices context on the private daemon's real backends, and its microphones by label:
// what the Pulse integration tests share.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <usermedia/usermedia.h>

#include "e2e/e2e_fixture.h"
#include "integration/pulse/pulse_daemon.h"

namespace usermedia::testing {

/** Real backends (not USERMEDIA_FAKE_DEVICES), every permission granted, state in the daemon's
 * directory. */
inline MediaDevices makePulseMediaDevices(const PulseDaemon& daemon)
{
    MediaDevicesOptions options;
    options.ignoreEnvironment = true;
    options.origin = "test.usermedia";
    options.permissionPolicy = PermissionPolicy::AllowAll;
    options.permissionStoreDirectory = daemon.dir() + "/permissions";
    auto devices = MediaDevices::create(options);
    EXPECT_TRUE(devices.has_value()) << (devices ? "" : devices.error().toString());
    return std::move(devices).value();
}

inline std::vector<MediaDeviceInfo> microphones(MediaDevices& devices)
{
    auto all = await(devices.enumerateDevices());
    EXPECT_TRUE(all.has_value());
    std::vector<MediaDeviceInfo> mics;
    for (const auto& device : all ? *all : std::vector<MediaDeviceInfo>{}) {
        if (device.kind == MediaDeviceKind::AudioInput)
            mics.push_back(device);
    }
    return mics;
}

/** The deviceId of the microphone labelled \p label; empty if there is none. */
inline std::string microphoneId(MediaDevices& devices, const std::string& label)
{
    for (const auto& mic : microphones(devices)) {
        if (mic.label == label)
            return mic.deviceId;
    }
    return {};
}

} // namespace usermedia::testing
