// SPDX-License-Identifier: MIT
#pragma once

#include <string>

#include <usermedia/media_device_info.h>

namespace usermedia {

/**
 * \brief One device a MediaDevices context is capturing from: what an "in use" indicator (the
 * browser's red dot in the tab, the camera icon in the address bar) shows.
 *
 * A device is in use while at least one live track is fed by it; tracks that share a device
 * (clones, a second getUserMedia of the same camera) make one entry. Not in the spec, where the
 * indicator belongs to the user agent; here the application is the user agent.
 * \see MediaDevices::devicesInUse(), the "capturechange" event of MediaDevices.
 * \see https://w3c.github.io/mediacapture-main/#privacy-indicator-requirements
 */
struct DeviceInUse
{
    MediaDeviceKind kind = MediaDeviceKind::VideoInput;
    std::string label;    ///< the device's name, e.g. "Integrated Camera"
    std::string deviceId; ///< as the application sees it (salted for its origin)
    std::string groupId;  ///< as the application sees it
    std::string origin;   ///< the application capturing (MediaDevices::origin())

    bool operator==(const DeviceInUse&) const = default;
};

} // namespace usermedia
