// SPDX-License-Identifier: MIT
// Opens the fake camera through the installed library and prints one frame's size.
#include <cstdio>

#include <usermedia/usermedia.h>

int main()
{
    usermedia::MediaDevicesOptions options;
    options.fakeDevices = "default";
    options.permissionPolicy = usermedia::PermissionPolicy::AllowAll;
    auto devices = usermedia::MediaDevices::create(options);
    if (!devices) {
        std::fprintf(stderr, "%s\n", devices.error().toString().c_str());
        return 1;
    }
    auto stream = devices->getUserMedia(R"({"video": {"width": 320, "height": 240}})").wait();
    if (!stream) {
        std::fprintf(stderr, "%s\n", stream.error().toString().c_str());
        return 1;
    }
    const auto settings = stream->getVideoTracks().at(0).getSettings();
    std::printf("usermedia %s: %dx%d\n", UM_VERSION_STRING, settings.width.value_or(0),
                settings.height.value_or(0));
    return 0;
}
