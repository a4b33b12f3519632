// SPDX-License-Identifier: MIT
// One physical device, one groupId across backends: a USB webcam whose video interface is a
// V4L2 node and whose audio interface is an ALSA card, on a scratch sysfs tree (V4L2 through its
// fake kernel, ALSA through a fake alsa-lib, PulseAudio's property through the shared function).
#include <gtest/gtest.h>

#include "backends/alsa/alsa_backend.h"
#include "backends/common/physical_device.h"
#include "backends/v4l2/v4l2_backend.h"

#include "unit/backends_common/scratch_sysfs.h"
#include "unit/v4l2/fake_kernel.h"

namespace usermedia {
namespace {

constexpr const char* kUsbDevice = "/devices/pci0000:00/0000:00:14.0/usb1/1-2";

class FakeAlsa final : public alsa::AlsaSys
{
public:
    bool hasCards() override { return true; }
    std::vector<alsa::PcmInfo> listCapturePcms() override
    {
        return {{"default", "Default", "", -1},
                {"hw:CARD=Webcam,DEV=0", "Webcam: USB Audio", "Webcam", 1},
                {"hw:CARD=Loopback,DEV=0", "Loopback: Loopback PCM", "Loopback", 0},
                {"hw:CARD=Dummy,DEV=0", "Dummy: Dummy PCM", "Dummy", 2}};
    }
    Result<alsa::HwRanges> ranges(const std::string& /*pcm*/) override
    {
        return alsa::HwRanges{{audio::PcmFormat::S16}, 48000, 48000, 1, 2};
    }
    Result<std::unique_ptr<alsa::PcmStream>> open(const std::string& /*pcm*/,
                                                  audio::PcmFormat /*format*/, unsigned /*rate*/,
                                                  unsigned /*channels*/,
                                                  unsigned long /*periodFrames*/) override
    {
        return Error{ErrorName::NotReadableError, "not in this test", "", 0};
    }
};

v4l2::testing::FakeNode camera(const std::string& name)
{
    v4l2::testing::FakeNode node;
    node.name = name;
    v4l2::testing::FakeFormat yuyv;
    yuyv.sizes = {{640, 480}};
    node.formats = {yuyv};
    return node;
}

TEST(BackendGroups, AWebcamsCameraAndMicrophoneShareAGroupAndPlatformCardsHaveTheirOwn)
{
    testing::ScratchSysfs sysfs;
    ASSERT_FALSE(sysfs.root().empty());
    sysfs.addNode(std::string(kUsbDevice) + "/1-2:1.0", "video4linux", "video0");
    const std::string card = sysfs.addNode(std::string(kUsbDevice) + "/1-2:1.1", "sound", "card1");
    sysfs.addNode("/devices/platform/snd_aloop.0", "sound", "card0");
    sysfs.addNode("/devices/platform/vivid.0", "video4linux", "video1");
    // card2 (Dummy) has no sysfs entry: the card id groups it, as before.

    auto kernel = std::make_shared<v4l2::testing::FakeKernel>();
    kernel->addNode(camera("video0"));
    kernel->addNode(camera("video1"));
    v4l2::BackendOptions v4l2Options;
    v4l2Options.sys = kernel;
    v4l2Options.sysfsDirectory = sysfs.root();
    v4l2Options.watchDirectory = false;
    const auto cameras = v4l2::createV4l2Backend(std::move(v4l2Options))->enumerate();
    ASSERT_EQ(cameras.size(), 2U);

    alsa::BackendOptions alsaOptions;
    alsaOptions.sys = std::make_shared<FakeAlsa>();
    alsaOptions.sysfsDirectory = sysfs.root();
    alsaOptions.watchDirectory = false;
    const auto mics = alsa::createAlsaBackend(std::move(alsaOptions))->enumerate();
    ASSERT_EQ(mics.size(), 4U);

    const std::string webcam = "sysfs:" + sysfs.root() + kUsbDevice;
    EXPECT_EQ(cameras[0].groupId, webcam);
    EXPECT_EQ(mics[1].id, "hw:CARD=Webcam,DEV=0");
    EXPECT_EQ(mics[1].groupId, webcam);
    // PulseAudio's source on the same card says "sysfs.path" = the card's devpath.
    EXPECT_EQ(backends::soundCardGroupId(card, "pulse:usb-Webcam", sysfs.root()), webcam);
    // Platform devices: each its own group.
    EXPECT_EQ(cameras[1].groupId, "sysfs:" + sysfs.root() + "/devices/platform/vivid.0");
    EXPECT_EQ(mics[2].groupId, "sysfs:" + sysfs.root() + "/devices/platform/snd_aloop.0");
    // No link: the fallbacks.
    EXPECT_EQ(mics[3].groupId, "alsa:Dummy");
    EXPECT_EQ(mics[0].groupId, "alsa:default");
    // The same tree gives the same groups on every run.
    v4l2::BackendOptions again;
    again.sys = kernel;
    again.sysfsDirectory = sysfs.root();
    again.watchDirectory = false;
    EXPECT_EQ(v4l2::createV4l2Backend(std::move(again))->enumerate()[0].groupId, webcam);
}

} // namespace
} // namespace usermedia
