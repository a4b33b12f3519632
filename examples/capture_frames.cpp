// SPDX-License-Identifier: MIT
// The modern form: ask for "a camera, ideally 1280x720, at least 15 fps, and a microphone with
// echo cancellation", wait for the promise, read the settings, and look at a few frames.
// Run with fake devices: USERMEDIA_FAKE_DEVICES=default ./capture_frames
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include <usermedia/usermedia.h>

int main()
{
    usermedia::MediaDevicesOptions options;
    options.permissionPolicy = usermedia::PermissionPolicy::AllowAll; // a trusted tool
    auto devices = usermedia::MediaDevices::create(options);
    if (!devices) {
        std::fprintf(stderr, "%s\n", devices.error().toString().c_str());
        return 1;
    }

    usermedia::MediaStreamConstraints constraints;
    constraints.video.emplace();
    constraints.video->width = usermedia::ConstrainNumber::idealOf(1280);
    constraints.video->height = usermedia::ConstrainNumber::idealOf(720);
    constraints.video->frameRate = usermedia::ConstrainNumber::atLeast(15);
    constraints.audio.emplace();
    constraints.audio->echoCancellation = usermedia::ConstrainBoolean::idealOf(true);

    auto stream = devices->getUserMedia(constraints).wait();
    if (!stream) {
        std::fprintf(stderr, "getUserMedia failed: %s\n", stream.error().toString().c_str());
        return 1;
    }
    for (const auto& track : stream->getTracks())
        std::printf("%s track '%s': %s\n", track.kind().c_str(), track.label().c_str(),
                    usermedia::toJson(track.getSettings()).c_str());

    std::atomic<int> frames{0};
    auto video = stream->getVideoTracks().at(0);
    video.addVideoSink([&frames](const usermedia::VideoFrame& frame) {
        // Runs on the capture thread: keep it short.
        if (frames++ < 3)
            std::printf("frame %llu: %dx%d at %.3f s\n",
                        static_cast<unsigned long long>(frame.frameNumber()), frame.width(),
                        frame.height(), std::chrono::duration<double>(frame.timestamp()).count());
    });
    std::this_thread::sleep_for(std::chrono::seconds(1));
    for (auto& track : stream->getTracks())
        track.stop();
    std::printf("%d frames in about one second\n", frames.load());
    return 0;
}
