// SPDX-License-Identifier: MIT
// The original navigator.getUserMedia page's example, in C++:
//
//   navigator.getUserMedia({video: true, audio: true}, function(localMediaStream) {
//       video.src = URL.createObjectURL(localMediaStream);   // hand the stream to a consumer
//   }, function(error) {
//       console.log("Rejected!", error.code);                 // PERMISSION_DENIED, ...
//   });
//
// The "consumer" here counts frames and audio chunks for two seconds. The permission prompt is
// the application's: this one asks on stdin (a GUI would show a dialog instead).
// Run with fake devices: USERMEDIA_FAKE_DEVICES=default ./legacy_get_user_media
#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>
#include <iostream>
#include <string>
#include <thread>
#include <utility>

#include <usermedia/usermedia.h>

namespace {

// Shows the devices and reads y/n from stdin.
void askOnStdin(const usermedia::PermissionRequest& request,
                std::function<void(usermedia::PermissionAnswer)> respond)
{
    std::cout << "Allow this program to use";
    for (const auto& device : request.devices)
        std::cout << " [" << device.label << "]";
    std::cout << "? (y/n) " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    respond(answer == "y" ? usermedia::PermissionAnswer::AllowOnce
                          : usermedia::PermissionAnswer::DenyOnce);
}

} // namespace

int main()
{
    usermedia::MediaDevicesOptions options;
    options.prompt = askOnStdin;
    auto navigator = usermedia::MediaDevices::create(options);
    if (!navigator) {
        std::cerr << navigator.error().toString() << "\n";
        return 1;
    }

    // The callbacks run on the library's control thread: hand the stream over, don't block.
    std::promise<usermedia::LocalMediaStream> granted;
    navigator->getUserMedia(
            R"({"video": true, "audio": true})",
            [&granted](usermedia::LocalMediaStream localMediaStream) {
                granted.set_value(std::move(localMediaStream));
            },
            [&granted](const usermedia::NavigatorUserMediaError& error) {
                std::printf("Rejected! %s (%s: %s)\n", std::string(error.codeName()).c_str(),
                            std::string(usermedia::toString(error.error.name)).c_str(),
                            error.error.message.c_str());
                granted.set_value({});
            });
    usermedia::LocalMediaStream localMediaStream = granted.get_future().get();
    if (localMediaStream.getTracks().empty())
        return 1;

    // The consumer: count what arrives for two seconds, then stop the stream.
    std::atomic<int> frames{0};
    std::atomic<int> chunks{0};
    for (auto& track : localMediaStream.getVideoTracks())
        track.addVideoSink([&frames](const usermedia::VideoFrame&) { ++frames; });
    for (auto& track : localMediaStream.getAudioTracks())
        track.addAudioSink([&chunks](const usermedia::AudioBuffer&) { ++chunks; });
    std::this_thread::sleep_for(std::chrono::seconds(2));
    localMediaStream.stop();
    std::printf("received %d video frames and %d audio chunks\n", frames.load(), chunks.load());
    return 0;
}
