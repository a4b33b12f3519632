// SPDX-License-Identifier: MIT
// The physical device behind a device node, from sysfs, shared by the backends so that a
// webcam's camera (V4L2) and its microphone (ALSA, PulseAudio) get the same groupId: the spec's
// "same physical device" (mediacapture-main, MediaDeviceInfo.groupId).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace usermedia::backends {

/** Resolves symbolic links: the canonical path, or nothing when \p path does not exist. */
using RealPath = std::function<std::optional<std::string>(const std::string& path)>;

/** std::filesystem::canonical without exceptions. Thread: any. */
std::optional<std::string> canonicalPath(const std::string& path);

/**
 * \brief Whether \p name is a USB interface directory ("1-2:1.0", "3-1.4:1.2"): bus, ports,
 * then configuration and interface. Pure.
 */
bool isUsbInterface(std::string_view name);

/**
 * \brief The physical device of a canonical sysfs device path: a USB interface gives its USB
 * device (a webcam's video and audio functions are two interfaces of one device); any other
 * device (PCI, platform) is itself. Pure.
 */
std::string physicalDevice(std::string_view devicePath);

/** \brief The groupId of a canonical sysfs device path: "sysfs:" + physicalDevice(). Pure. */
std::string sysfsGroupId(std::string_view devicePath);

/**
 * \brief The groupId of the device a sysfs "device" link points at (e.g.
 * "/sys/class/video4linux/video0/device", "/sys/class/sound/card1/device"), or nothing when
 * the link does not resolve. Thread: any.
 */
std::optional<std::string> groupIdOfDeviceLink(const std::string& link,
                                               const RealPath& realPath = canonicalPath);

/**
 * \brief The groupId of the sound card PulseAudio names in its "sysfs.path" property (udev's
 * devpath of the card, "/devices/pci0000:00/.../1-2/1-2:1.1/sound/card1"), resolved under
 * \p sysfsRoot: the card's device, as ALSA and V4L2 find it. \p fallback when the property is
 * empty or does not resolve here (a server on another machine). Thread: any.
 */
std::string soundCardGroupId(std::string_view sysfsPathProperty, std::string fallback,
                             const std::string& sysfsRoot = "/sys",
                             const RealPath& realPath = canonicalPath);

} // namespace usermedia::backends
