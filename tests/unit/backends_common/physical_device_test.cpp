// SPDX-License-Identifier: MIT
// The physical device of a sysfs path (the groupId rule every backend shares), on strings and on
// a scratch sysfs tree of real symbolic links.
#include "backends/common/physical_device.h"

#include <gtest/gtest.h>

#include "unit/backends_common/scratch_sysfs.h"

namespace usermedia::backends {
namespace {

constexpr const char* kUsbDevice = "/devices/pci0000:00/0000:00:14.0/usb1/1-2";

TEST(PhysicalDevice, UsbInterfacesAreRecognisedByName)
{
    EXPECT_TRUE(isUsbInterface("1-2:1.0"));
    EXPECT_TRUE(isUsbInterface("3-1.4.2:2.13"));
    EXPECT_TRUE(isUsbInterface("1-0:1.0")); // a root hub's interface
    EXPECT_FALSE(isUsbInterface("1-2"));    // the device itself
    EXPECT_FALSE(isUsbInterface("usb1"));
    EXPECT_FALSE(isUsbInterface("0000:00:1f.3")); // a PCI function
    EXPECT_FALSE(isUsbInterface("vivid.0"));
    EXPECT_FALSE(isUsbInterface("1-2:1."));
    EXPECT_FALSE(isUsbInterface("1-.2:1.0"));
    EXPECT_FALSE(isUsbInterface(""));
}

TEST(PhysicalDevice, AUsbInterfaceBelongsToItsDeviceAndOtherDevicesAreThemselves)
{
    EXPECT_EQ(physicalDevice("/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0"),
              "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2");
    EXPECT_EQ(physicalDevice("/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.1/"),
              "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2");
    EXPECT_EQ(physicalDevice("/sys/devices/pci0000:00/0000:00:1f.3"),
              "/sys/devices/pci0000:00/0000:00:1f.3");
    EXPECT_EQ(physicalDevice("/sys/devices/platform/snd_aloop.0"),
              "/sys/devices/platform/snd_aloop.0");
    EXPECT_EQ(sysfsGroupId("/sys/devices/platform/vivid.0"), "sysfs:/sys/devices/platform/vivid.0");
}

TEST(PhysicalDevice, ADeviceLinkResolvesToTheGroupOfItsPhysicalDevice)
{
    testing::ScratchSysfs sysfs;
    ASSERT_FALSE(sysfs.root().empty());
    sysfs.addNode(std::string(kUsbDevice) + "/1-2:1.0", "video4linux", "video0");
    sysfs.addNode(std::string(kUsbDevice) + "/1-2:1.1", "sound", "card1");
    sysfs.addNode("/devices/platform/snd_aloop.0", "sound", "card0");
    const std::string usb = "sysfs:" + sysfs.root() + kUsbDevice;
    EXPECT_EQ(groupIdOfDeviceLink(sysfs.root() + "/class/video4linux/video0/device"), usb);
    EXPECT_EQ(groupIdOfDeviceLink(sysfs.root() + "/class/sound/card1/device"), usb);
    EXPECT_EQ(groupIdOfDeviceLink(sysfs.root() + "/class/sound/card0/device"),
              "sysfs:" + sysfs.root() + "/devices/platform/snd_aloop.0");
    EXPECT_FALSE(groupIdOfDeviceLink(sysfs.root() + "/class/sound/card7/device"));
}

// PulseAudio's "sysfs.path" property is udev's devpath of the card.
TEST(PhysicalDevice, PulsesSysfsPathPropertyGivesTheCardsGroupElseTheFallback)
{
    testing::ScratchSysfs sysfs;
    ASSERT_FALSE(sysfs.root().empty());
    const std::string card = sysfs.addNode(std::string(kUsbDevice) + "/1-2:1.1", "sound", "card1");
    sysfs.addNode(std::string(kUsbDevice) + "/1-2:1.0", "video4linux", "video0");
    const std::string camera =
            *groupIdOfDeviceLink(sysfs.root() + "/class/video4linux/video0/device");
    EXPECT_EQ(card, std::string(kUsbDevice) + "/1-2:1.1/sound/card1");
    EXPECT_EQ(soundCardGroupId(card, "pulse:x", sysfs.root()), camera);
    EXPECT_EQ(soundCardGroupId(card, "pulse:x", sysfs.root()),
              "sysfs:" + sysfs.root() + kUsbDevice);
    // Missing, not a devpath, escaping the root, or not on this machine: the old key.
    EXPECT_EQ(soundCardGroupId("", "pulse:usb-Acme", sysfs.root()), "pulse:usb-Acme");
    EXPECT_EQ(soundCardGroupId("devices/x/sound/card1", "pulse:a", sysfs.root()), "pulse:a");
    EXPECT_EQ(soundCardGroupId("/devices/../../etc/sound/card1", "pulse:b", sysfs.root()),
              "pulse:b");
    EXPECT_EQ(soundCardGroupId("/devices/platform/gone/sound/card3", "pulse:c", sysfs.root()),
              "pulse:c");
    // The resolver is injectable: the seam V4L2's fake kernel uses.
    const RealPath fake = [](const std::string& path) -> std::optional<std::string> {
        if (path == "/sys/devices/platform/snd_dummy.0/sound/card2/device")
            return "/sys/devices/platform/snd_dummy.0";
        return std::nullopt;
    };
    EXPECT_EQ(
            soundCardGroupId("/devices/platform/snd_dummy.0/sound/card2", "pulse:d", "/sys", fake),
            "sysfs:/sys/devices/platform/snd_dummy.0");
}

} // namespace
} // namespace usermedia::backends
