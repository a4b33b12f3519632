// SPDX-License-Identifier: MIT
// End to end: the track and stream lifecycle, faults, permissions and bad input.
#include <chrono>

#include "e2e/e2e_fixture.h"

namespace usermedia::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kFaultyDevices = R"({"devices": [
  {"kind": "videoinput", "id": "unplugging", "label": "Unplugging Camera",
   "modes": [{"format": "yuyv", "width": 640, "height": 480, "frameRate": 30}],
   "faults": {"unplugAfterFrames": 10}},
  {"kind": "videoinput", "id": "busy", "label": "Busy Camera",
   "modes": [{"format": "nv12", "width": 640, "height": 480, "frameRate": 30}],
   "faults": {"open": "busy"}},
  {"kind": "videoinput", "id": "stalling", "label": "Stalling Camera",
   "modes": [{"format": "mjpeg", "width": 640, "height": 480, "frameRate": 30}],
   "faults": {"stall": {"afterFrames": 5, "forFrames": 10}}},
  {"kind": "audioinput", "id": "mic", "label": "Mic",
   "modes": [{"sampleRate": 48000, "channels": 1}]}
]})";

class LifecycleTest : public E2eTest
{
protected:
    // Applications see salted ids, never the backend's: find a device the way a page would,
    // by its label in enumerateDevices().
    static std::string idOf(MediaDevices& devices, const std::string& label)
    {
        auto list = await(devices.enumerateDevices());
        EXPECT_TRUE(list.has_value());
        for (const auto& info : list ? *list : std::vector<MediaDeviceInfo>{}) {
            if (info.label == label)
                return info.deviceId;
        }
        ADD_FAILURE() << "no device labelled " << label;
        return {};
    }

    static std::string exactVideo(const std::string& deviceId)
    {
        return R"({"video": {"deviceId": {"exact": ")" + deviceId + R"("}}})";
    }
};

TEST_F(LifecycleTest, UnpluggedDeviceEndsTheTrackAndFiresEnded)
{
    auto devices = makeDevices(kFaultyDevices);
    Signal changed;
    devices.addEventListener("devicechange", [&] { changed.notify(); });
    const std::string unplugging = idOf(devices, "Unplugging Camera");
    auto stream = open(devices, exactVideo(unplugging));
    auto track = stream.getVideoTracks().at(0);
    Signal ended;
    Signal inactive;
    track.addEventListener("ended", [&] { ended.notify(); });
    stream.addEventListener("inactive", [&](const MediaStreamEvent&) { inactive.notify(); });
    Collector<VideoFrame> frames;
    track.addVideoSink([&](const VideoFrame& f) { frames.add(f); });
    clock_->advance(seconds(1));
    ASSERT_TRUE(ended.wait());
    EXPECT_EQ(track.readyState(), MediaStreamTrackState::Ended);
    EXPECT_EQ(frames.size(), 10U);
    ASSERT_TRUE(inactive.wait());
    EXPECT_FALSE(stream.active());
    ASSERT_TRUE(changed.wait());
    auto list = await(devices.enumerateDevices());
    ASSERT_TRUE(list.has_value());
    for (const auto& info : *list)
        EXPECT_NE(info.deviceId, unplugging);
}

TEST_F(LifecycleTest, BusyDeviceIsNotReadableAndLegacyCodeIsNotSupported)
{
    auto devices = makeDevices(kFaultyDevices);
    auto result = await(devices.getUserMedia(exactVideo(idOf(devices, "Busy Camera"))));
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().name, ErrorName::NotReadableError);
    EXPECT_NE(result.error().message.find("Busy Camera"), std::string::npos)
            << result.error().message;
}

TEST_F(LifecycleTest, StallMutesTheTrackAndShowsAsDiscardedFrames)
{
    auto devices = makeDevices(kFaultyDevices);
    auto track = open(devices, exactVideo(idOf(devices, "Stalling Camera"))).getVideoTracks().at(0);
    Collector<VideoFrame> frames;
    track.addVideoSink([&](const VideoFrame& f) { frames.add(f); });
    Signal muted;
    Signal unmuted;
    track.addEventListener("mute", [&] { muted.notify(); });
    track.addEventListener("unmute", [&] { unmuted.notify(); });
    EXPECT_FALSE(track.muted());
    clock_->advance(milliseconds(200)); // frames 0..4 delivered, then the stall begins
    ASSERT_TRUE(muted.wait());
    EXPECT_TRUE(track.muted());
    clock_->advance(milliseconds(800)); // 30 frame periods in all, 10 of them stalled
    ASSERT_TRUE(unmuted.wait());
    EXPECT_FALSE(track.muted());
    EXPECT_EQ(frames.size(), 20U);
    EXPECT_EQ(track.getStats().discardedFrames, 10U);
    EXPECT_EQ(track.getStats().deliveredFrames, 20U);
}

TEST_F(LifecycleTest, StreamMembershipAndEvents)
{
    auto devices = makeDevices();
    auto stream = open(devices, R"({"audio": true, "video": true})");
    EXPECT_TRUE(stream.active());
    EXPECT_EQ(stream.getAudioTracks().size(), 1U);
    EXPECT_EQ(stream.getVideoTracks().size(), 1U);
    auto video = stream.getVideoTracks()[0];
    EXPECT_EQ(stream.getTrackById(video.id()), video);
    EXPECT_FALSE(stream.getTrackById("nope").has_value());

    std::vector<std::string> events;
    stream.addEventListener("removetrack", [&](const MediaStreamEvent& e) {
        events.push_back(e.type + ":" + e.track.kind());
    });
    stream.addEventListener("addtrack", [&](const MediaStreamEvent& e) {
        events.push_back(e.type + ":" + e.track.kind());
    });
    stream.removeTrack(video);
    stream.removeTrack(video); // not a member any more: nothing happens
    stream.addTrack(video);
    EXPECT_EQ(events, (std::vector<std::string>{"removetrack:video", "addtrack:video"}));

    auto copy = stream.clone();
    EXPECT_NE(copy.id(), stream.id());
    ASSERT_EQ(copy.getTracks().size(), 2U);
    EXPECT_NE(copy.getTracks()[0].id(), stream.getTracks()[0].id());

    LocalMediaStream local(stream);
    local.stop();
    for (const auto& track : stream.getTracks())
        EXPECT_EQ(track.readyState(), MediaStreamTrackState::Ended);
    EXPECT_FALSE(stream.active());
    EXPECT_TRUE(copy.active()) << "the clone's tracks are independent";
}

TEST_F(LifecycleTest, PromptNamesTheDevicesAndItsAnswerDecides)
{
    PermissionRequest seen;
    int prompts = 0;
    auto devices = makeDevices("default", PermissionPolicy::Prompt,
                               [&](const PermissionRequest& request, auto respond) {
                                   seen = request;
                                   ++prompts;
                                   respond(PermissionAnswer::AllowOnce);
                               });
    // Before permission, enumerateDevices shows one anonymous entry per kind.
    auto hidden = await(devices.enumerateDevices());
    ASSERT_TRUE(hidden.has_value());
    ASSERT_EQ(hidden->size(), 2U);
    for (const auto& info : *hidden) {
        EXPECT_TRUE(info.label.empty());
        EXPECT_TRUE(info.deviceId.empty());
        EXPECT_TRUE(info.groupId.empty());
    }

    auto stream = open(devices, R"({"video": true})");
    EXPECT_EQ(prompts, 1);
    EXPECT_TRUE(seen.camera);
    EXPECT_FALSE(seen.microphone);
    EXPECT_EQ(seen.origin, "test.usermedia");
    ASSERT_EQ(seen.devices.size(), 1U);
    EXPECT_EQ(seen.devices[0].label, "Fake Camera");

    auto shown = await(devices.enumerateDevices());
    ASSERT_TRUE(shown.has_value());
    bool cameraLabelled = false;
    for (const auto& info : *shown) {
        if (info.kind == MediaDeviceKind::VideoInput)
            cameraLabelled = info.label == "Fake Camera" && !info.deviceId.empty();
    }
    EXPECT_TRUE(cameraLabelled);
    // The grant lasts for this context: no second prompt for the camera.
    open(devices, R"({"video": true})");
    EXPECT_EQ(prompts, 1);
}

TEST_F(LifecycleTest, DeniedDismissedAndUnaskableRequestsAreNotAllowed)
{
    for (auto answer : {PermissionAnswer::DenyOnce, PermissionAnswer::Dismiss}) {
        auto devices =
                makeDevices("default", PermissionPolicy::Prompt,
                            [answer](const PermissionRequest&, auto respond) { respond(answer); });
        auto result = await(devices.getUserMedia(R"({"audio": true})"));
        ASSERT_FALSE(result.has_value());
        EXPECT_EQ(result.error().name, ErrorName::NotAllowedError);
    }
    auto noPrompt = makeDevices("default", PermissionPolicy::Prompt);
    auto result = await(noPrompt.getUserMedia(R"({"audio": true})"));
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().name, ErrorName::NotAllowedError);
    EXPECT_NE(result.error().message.find("--allow"), std::string::npos) << result.error().message;
}

// The legacy callback form: exactly one callback, with the legacy code.
struct LegacyOutcome
{
    Signal done;
    std::optional<NavigatorUserMediaError> error;
    LocalMediaStream stream;
};

void callLegacy(MediaDevices& devices, const std::string& constraints, LegacyOutcome& outcome)
{
    devices.getUserMedia(
            constraints,
            [&outcome](LocalMediaStream stream) {
                outcome.stream = std::move(stream);
                outcome.done.notify();
            },
            [&outcome](const NavigatorUserMediaError& error) {
                outcome.error = error;
                outcome.done.notify();
            });
    ASSERT_TRUE(outcome.done.wait());
}

TEST_F(LifecycleTest, LegacyCallbacksReportEachLegacyCode)
{
    auto devices = makeDevices();
    struct Case
    {
        std::string constraints;
        LegacyErrorCode code;
        ErrorName name;
    };
    const std::vector<Case> cases = {
            {R"({"video": false, "audio": false})", LegacyErrorCode::NotSupportedError,
             ErrorName::TypeError},
            {R"({"video": {"mandatory": {"minWidth": 5000}}})",
             LegacyErrorCode::MandatoryUnsatisfiedError, ErrorName::OverconstrainedError},
            {R"({"video": {"deviceId": {"exact": "no-such-camera"}}})",
             LegacyErrorCode::MandatoryUnsatisfiedError, ErrorName::OverconstrainedError},
    };
    for (const auto& c : cases) {
        LegacyOutcome outcome;
        callLegacy(devices, c.constraints, outcome);
        ASSERT_TRUE(outcome.error.has_value()) << c.constraints;
        EXPECT_EQ(outcome.error->code, c.code) << c.constraints;
        EXPECT_EQ(outcome.error->error.name, c.name) << c.constraints;
    }
    EXPECT_EQ(toString(LegacyErrorCode::MandatoryUnsatisfiedError), "MANDATORY_UNSATISFIED_ERROR");

    auto denying = makeDevices("default", PermissionPolicy::DenyAll);
    LegacyOutcome denied;
    callLegacy(denying, R"({"video": true, "audio": true})", denied);
    ASSERT_TRUE(denied.error.has_value());
    EXPECT_EQ(denied.error->code, LegacyErrorCode::PermissionDenied);
    EXPECT_EQ(denied.error->codeName(), "PERMISSION_DENIED");

    LegacyOutcome granted;
    callLegacy(devices, R"({"video": true, "audio": true})", granted);
    ASSERT_FALSE(granted.error.has_value());
    ASSERT_EQ(granted.stream.getTracks().size(), 2U);
    Collector<VideoFrame> frames;
    granted.stream.getVideoTracks()[0].addVideoSink([&](const VideoFrame& f) { frames.add(f); });
    clock_->advance(milliseconds(100));
    EXPECT_FALSE(frames.frames().empty());
    granted.stream.stop();
    for (const auto& track : granted.stream.getTracks())
        EXPECT_EQ(track.readyState(), MediaStreamTrackState::Ended);
}

TEST_F(LifecycleTest, BadInputIsATypeErrorNamingTheProblem)
{
    auto devices = makeDevices();
    auto malformed = await(devices.getUserMedia(R"({"video": {"width": )"));
    ASSERT_FALSE(malformed.has_value());
    EXPECT_EQ(malformed.error().name, ErrorName::TypeError);

    auto wrongType = await(devices.getUserMedia(R"({"video": {"width": {"min": "wide"}}})"));
    ASSERT_FALSE(wrongType.has_value());
    EXPECT_EQ(wrongType.error().name, ErrorName::TypeError);
    EXPECT_NE(wrongType.error().message.find("width"), std::string::npos)
            << wrongType.error().message;

    auto nothing = await(devices.getUserMedia(R"({})"));
    ASSERT_FALSE(nothing.has_value());
    EXPECT_EQ(nothing.error().name, ErrorName::TypeError);

    MediaDevicesOptions options;
    options.fakeDevices = R"({"devices": [{"kind": "videoinput", "id": "x", "label": "X",
                              "modes": [{"format": "yuyv", "width": -5, "height": 480, "frameRate": 30}]}]})";
    options.ignoreEnvironment = true;
    auto broken = MediaDevices::create(options);
    ASSERT_FALSE(broken.has_value());
    EXPECT_EQ(broken.error().name, ErrorName::TypeError);
    EXPECT_NE(broken.error().message.find("width"), std::string::npos) << broken.error().message;

    options.fakeDevices = "/nonexistent/devices.json";
    auto missing = MediaDevices::create(options);
    ASSERT_FALSE(missing.has_value());
    EXPECT_NE(missing.error().message.find("/nonexistent/devices.json"), std::string::npos);
}

TEST_F(LifecycleTest, NoDevicesIsNotFound)
{
    auto devices = makeDevices(R"({"devices": [{"kind": "audioinput", "id": "m", "label": "M",
                                   "modes": [{"sampleRate": 48000, "channels": 1}]}]})");
    auto result = await(devices.getUserMedia(R"({"video": true})"));
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().name, ErrorName::NotFoundError);
}

TEST_F(LifecycleTest, ProbeResolvesWithoutOpening)
{
    auto devices = makeDevices();
    auto probed = await(devices.probe(*parseMediaStreamConstraints(
            R"({"video": {"width": 1280, "height": 720}, "audio": true})")));
    ASSERT_TRUE(probed.has_value()) << probed.error().toString();
    ASSERT_TRUE(probed->video.has_value());
    EXPECT_EQ(probed->video->device.label, "Fake Camera");
    EXPECT_EQ(probed->video->settings.width, 1280);
    EXPECT_EQ(probed->video->settings.height, 720);
    ASSERT_TRUE(probed->audio.has_value());
    EXPECT_EQ(probed->audio->settings.sampleRate, 48000);
}

} // namespace
} // namespace usermedia::testing
