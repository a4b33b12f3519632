// SPDX-License-Identifier: MIT
// Permissions through MediaDevices: every state transition, persistence across contexts (as
// across processes), the prompt timeout, revocation ending live tracks, damaged and unwritable
// stores, and the per-origin salted device ids.
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include <usermedia/usermedia.h>

#include "core/permission_store.h"

#include "e2e/e2e_fixture.h"
#include "unit/core/temp_dir.h"

namespace usermedia {
namespace {

using namespace std::chrono_literals;
using testing::await;
using testing::Signal;

constexpr PermissionName kCamera = PermissionName::Camera;
constexpr PermissionName kMicrophone = PermissionName::Microphone;

class PermissionsTest : public ::testing::Test
{
protected:
    /** A context on the default fake devices whose prompt answers \p answer (counting). */
    MediaDevices make(std::optional<PermissionAnswer> answer,
                      const std::string& origin = "com.example.app",
                      PermissionPolicy policy = PermissionPolicy::Prompt)
    {
        MediaDevicesOptions options;
        options.fakeDevices = "default";
        options.ignoreEnvironment = true;
        options.origin = origin;
        options.permissionPolicy = policy;
        options.permissionStoreDirectory = storeDir_;
        options.clock = clock_;
        options.promptTimeout = timeout_;
        if (answer) {
            options.prompt = [this, answer](const PermissionRequest&, auto respond) {
                ++prompts_;
                respond(*answer);
            };
        }
        auto devices = MediaDevices::create(options);
        EXPECT_TRUE(devices.has_value()) << (devices ? "" : devices.error().toString());
        return std::move(devices).value();
    }

    static Result<MediaStream> ask(MediaDevices& devices, const std::string& constraints)
    {
        return await(devices.getUserMedia(constraints));
    }

    std::vector<MediaDeviceInfo> enumerate(MediaDevices& devices)
    {
        auto list = await(devices.enumerateDevices());
        EXPECT_TRUE(list.has_value());
        return list ? *list : std::vector<MediaDeviceInfo>{};
    }

    std::string cameraId(MediaDevices& devices)
    {
        for (const auto& info : enumerate(devices)) {
            if (info.kind == MediaDeviceKind::VideoInput)
                return info.deviceId;
        }
        return {};
    }

    testing::TempDir temp_;
    std::string storeDir_ = temp_.path() + "/usermedia";
    std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>();
    std::chrono::milliseconds timeout_{0};
    std::atomic<int> prompts_{0};
};

TEST_F(PermissionsTest, AllowOnceLastsForThisContextOnly)
{
    auto devices = make(PermissionAnswer::AllowOnce);
    EXPECT_EQ(devices.queryPermission(kCamera), PermissionState::Prompt);
    ASSERT_TRUE(ask(devices, R"({"video": true})").has_value());
    EXPECT_EQ(devices.queryPermission(kCamera), PermissionState::Granted);
    EXPECT_EQ(devices.queryPermission(kMicrophone), PermissionState::Prompt);
    ASSERT_TRUE(ask(devices, R"({"video": true})").has_value());
    EXPECT_EQ(prompts_, 1) << "asked once for this context";

    auto later = make(PermissionAnswer::DenyOnce);
    EXPECT_EQ(later.queryPermission(kCamera), PermissionState::Prompt) << "not remembered";
}

// Selection fails before the prompt: until the kind is granted, the error names the constraint
// (as Chromium does) but not the devices' modes.
TEST_F(PermissionsTest, AnImpossibleRequestDescribesDevicesOnlyOnceGranted)
{
    auto devices = make(PermissionAnswer::AllowOnce);
    const std::string impossible = R"({"video": {"width": {"min": 8000}}})";
    auto before = ask(devices, impossible);
    ASSERT_FALSE(before.has_value());
    EXPECT_EQ(before.error().name, ErrorName::OverconstrainedError);
    EXPECT_EQ(before.error().constraint, "width");
    EXPECT_EQ(before.error().message.find("the widest is"), std::string::npos)
            << before.error().message;
    EXPECT_EQ(prompts_, 0);

    // (The camera may still be open for the dropped stream: then its running mode is the
    // widest the message can name.)
    ASSERT_TRUE(ask(devices, R"({"video": true})").has_value());
    auto after = ask(devices, impossible);
    ASSERT_FALSE(after.has_value());
    EXPECT_EQ(after.error().constraint, "width");
    EXPECT_NE(after.error().message.find("the widest is"), std::string::npos)
            << after.error().message;
}

TEST_F(PermissionsTest, AllowAlwaysAndDenyAlwaysAreRememberedAcrossContexts)
{
    {
        auto devices = make(PermissionAnswer::AllowAlways);
        ASSERT_TRUE(ask(devices, R"({"video": true})").has_value());
        auto denier = make(PermissionAnswer::DenyAlways, "org.other");
        auto denied = ask(denier, R"({"audio": true})");
        ASSERT_FALSE(denied.has_value());
        EXPECT_EQ(denied.error().name, ErrorName::NotAllowedError);
    }
    EXPECT_EQ(prompts_, 2);
    // A new context (as a new process) decides without asking.
    auto again = make(PermissionAnswer::DenyOnce);
    EXPECT_EQ(again.queryPermission(kCamera), PermissionState::Granted);
    EXPECT_EQ(again.queryPermission(kMicrophone), PermissionState::Prompt);
    ASSERT_TRUE(ask(again, R"({"video": true})").has_value());
    auto other = make(PermissionAnswer::AllowOnce, "org.other");
    EXPECT_EQ(other.queryPermission(kMicrophone), PermissionState::Denied);
    EXPECT_FALSE(ask(other, R"({"audio": true})").has_value());
    EXPECT_EQ(prompts_, 2) << "remembered decisions do not prompt";
}

TEST_F(PermissionsTest, DenyOnceAndDismissAskAgain)
{
    for (const auto answer : {PermissionAnswer::DenyOnce, PermissionAnswer::Dismiss}) {
        prompts_ = 0;
        auto devices = make(answer);
        for (int i = 0; i < 2; ++i) {
            auto result = ask(devices, R"({"video": true, "audio": true})");
            ASSERT_FALSE(result.has_value());
            EXPECT_EQ(result.error().name, ErrorName::NotAllowedError);
        }
        EXPECT_EQ(prompts_, 2);
        EXPECT_EQ(devices.queryPermission(kCamera), PermissionState::Prompt);
        EXPECT_EQ(devices.queryPermission(kMicrophone), PermissionState::Prompt);
    }
}

TEST_F(PermissionsTest, SetPermissionGrantsDeniesAndResetsPersistently)
{
    auto devices = make(std::nullopt);
    ASSERT_TRUE(devices.setPermission(kCamera, PermissionState::Granted));
    ASSERT_TRUE(devices.setPermission(kMicrophone, PermissionState::Denied));
    EXPECT_EQ(devices.queryPermission(kCamera), PermissionState::Granted);
    EXPECT_EQ(devices.queryPermission(kMicrophone), PermissionState::Denied);
    EXPECT_TRUE(ask(devices, R"({"video": true})").has_value()) << "no prompt needed";
    EXPECT_FALSE(ask(devices, R"({"audio": true})").has_value());

    PermissionStore store(storeDir_);
    EXPECT_EQ(store.read("com.example.app").camera, PermissionState::Granted);
    EXPECT_EQ(store.read("com.example.app").microphone, PermissionState::Denied);

    ASSERT_TRUE(devices.setPermission(kMicrophone, PermissionState::Prompt));
    EXPECT_EQ(devices.queryPermission(kMicrophone), PermissionState::Prompt);
    auto fresh = make(std::nullopt);
    EXPECT_EQ(fresh.queryPermission(kCamera), PermissionState::Granted);
    EXPECT_EQ(fresh.queryPermission(kMicrophone), PermissionState::Prompt);
}

TEST_F(PermissionsTest, FixedPoliciesNeitherReadNorWriteDecisions)
{
    PermissionStore store(storeDir_);
    ASSERT_TRUE(store.update([](PermissionMap& map) {
        map["com.example.app"].camera = PermissionState::Denied;
        map["com.example.app"].microphone = PermissionState::Granted;
    }));
    auto allow = make(std::nullopt, "com.example.app", PermissionPolicy::AllowAll);
    EXPECT_EQ(allow.queryPermission(kCamera), PermissionState::Granted);
    ASSERT_TRUE(ask(allow, R"({"video": true, "audio": true})").has_value());
    const std::string id = cameraId(allow);
    EXPECT_EQ(id.size(), 64U);
    auto refused = allow.setPermission(kCamera, PermissionState::Denied);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().name, ErrorName::InvalidStateError);
    auto deny = make(std::nullopt, "com.example.app", PermissionPolicy::DenyAll);
    EXPECT_EQ(deny.queryPermission(kMicrophone), PermissionState::Denied);
    EXPECT_FALSE(ask(deny, R"({"audio": true})").has_value());
    const auto kept = store.read("com.example.app");
    EXPECT_EQ(kept.camera, PermissionState::Denied);
    EXPECT_EQ(kept.microphone, PermissionState::Granted);
    // Ids stay stable across runs even for tools that run with --allow (same salt).
    auto again = make(std::nullopt, "com.example.app", PermissionPolicy::AllowAll);
    EXPECT_EQ(cameraId(again), id);
    auto fresh = make(std::nullopt, "org.fresh", PermissionPolicy::AllowAll);
    EXPECT_TRUE(store.read("org.fresh").camera == PermissionState::Prompt);
    EXPECT_NE(cameraId(fresh), id);
}

TEST_F(PermissionsTest, AnUnansweredPromptTimesOutAsNotAllowed)
{
    timeout_ = 30s;
    Signal asked;
    std::function<void(PermissionAnswer)> respond;
    MediaDevicesOptions options;
    options.fakeDevices = "default";
    options.ignoreEnvironment = true;
    options.origin = "com.example.slow";
    options.permissionStoreDirectory = storeDir_;
    options.clock = clock_;
    options.promptTimeout = timeout_;
    options.prompt = [&](const PermissionRequest&, std::function<void(PermissionAnswer)> r) {
        respond = std::move(r);
        asked.notify();
    };
    auto devices = std::move(MediaDevices::create(options)).value();
    auto promise = devices.getUserMedia(R"({"video": true})");
    ASSERT_TRUE(asked.wait());
    clock_->advance(29s);
    EXPECT_FALSE(promise.waitFor(0s).has_value()) << "still waiting before the deadline";
    clock_->advance(1s);
    auto result = await(promise);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().name, ErrorName::NotAllowedError);
    EXPECT_EQ(result.error().message, "the permission prompt timed out");
    respond(PermissionAnswer::AllowAlways); // too late: never a grant
    EXPECT_EQ(devices.queryPermission(kCamera), PermissionState::Prompt);
    EXPECT_EQ(PermissionStore(storeDir_).read("com.example.slow").camera, PermissionState::Prompt);
}

TEST_F(PermissionsTest, ATimedOutOrAbandonedPromptIsToldToWithdraw)
{
    timeout_ = 30s;
    std::mutex mutex;
    std::vector<std::shared_ptr<PermissionPromptCancellation>> shown;
    Signal asked;
    Signal withdrawn;
    MediaDevicesOptions options;
    options.fakeDevices = "default";
    options.ignoreEnvironment = true;
    options.origin = "com.example.slow";
    options.permissionStoreDirectory = storeDir_;
    options.clock = clock_;
    options.promptTimeout = timeout_;
    options.prompt = [&](const PermissionRequest& request, auto) {
        ASSERT_NE(request.cancellation, nullptr) << "every prompt can be withdrawn";
        EXPECT_FALSE(request.cancellation->cancelled());
        request.cancellation->onCancel([&] { withdrawn.notify(); });
        std::lock_guard lock(mutex);
        shown.push_back(request.cancellation);
        asked.notify();
    };
    {
        auto devices = std::move(MediaDevices::create(options)).value();
        auto promise = devices.getUserMedia(R"({"video": true})");
        ASSERT_TRUE(asked.wait());
        clock_->advance(30s);
        ASSERT_TRUE(withdrawn.wait()) << "the timeout withdraws the question";
        EXPECT_EQ(await(promise).error().message, "the permission prompt timed out");
    }
    // A context that goes away withdraws the question it is still waiting for.
    options.promptTimeout = 0s;
    Signal askedAgain;
    std::shared_ptr<PermissionPromptCancellation> pending;
    options.prompt = [&](const PermissionRequest& request, auto) {
        pending = request.cancellation;
        askedAgain.notify();
    };
    // Shared with the callback: the test may return while notify() is still unlocking.
    auto abandoned = std::make_shared<Signal>();
    {
        auto devices = std::move(MediaDevices::create(options)).value();
        auto promise = devices.getUserMedia(R"({"video": true})");
        ASSERT_TRUE(askedAgain.wait());
        ASSERT_NE(pending, nullptr);
        EXPECT_FALSE(pending->cancelled());
        pending->onCancel([abandoned] { abandoned->notify(); });
    }
    // The context ends once its control thread lets go of it, which may be a little later.
    ASSERT_TRUE(abandoned->wait()) << "the question outlived its context";
    EXPECT_TRUE(pending->cancelled());
}

TEST_F(PermissionsTest, AnAnswerBeforeTheTimeoutCounts)
{
    timeout_ = 30s;
    auto devices = make(PermissionAnswer::AllowOnce);
    ASSERT_TRUE(ask(devices, R"({"video": true})").has_value());
    clock_->advance(60s);
    EXPECT_EQ(devices.queryPermission(kCamera), PermissionState::Granted);
}

TEST_F(PermissionsTest, RevokingThroughTheApiEndsLiveTracksOfThatKind)
{
    auto devices = make(PermissionAnswer::AllowAlways);
    auto stream = ask(devices, R"({"video": true, "audio": true})");
    ASSERT_TRUE(stream.has_value());
    auto video = stream->getVideoTracks().at(0);
    auto audio = stream->getAudioTracks().at(0);
    Signal ended;
    video.addEventListener("ended", [&] { ended.notify(); });
    ASSERT_TRUE(devices.setPermission(kCamera, PermissionState::Denied));
    ASSERT_TRUE(ended.wait());
    EXPECT_EQ(video.readyState(), MediaStreamTrackState::Ended);
    EXPECT_EQ(audio.readyState(), MediaStreamTrackState::Live) << "only the revoked kind";
    auto again = ask(devices, R"({"video": true})");
    ASSERT_FALSE(again.has_value());
    EXPECT_EQ(again.error().name, ErrorName::NotAllowedError);
}

TEST_F(PermissionsTest, AnotherProcessRevokingEndsLiveTracksEvenAfterAllowOnce)
{
    for (const auto answer : {PermissionAnswer::AllowAlways, PermissionAnswer::AllowOnce}) {
        SCOPED_TRACE(static_cast<int>(answer));
        auto devices = make(answer);
        auto stream = ask(devices, R"({"audio": true})");
        ASSERT_TRUE(stream.has_value());
        auto audio = stream->getAudioTracks().at(0);
        Signal ended;
        audio.addEventListener("ended", [&] { ended.notify(); });
        // What `usermedia permissions deny --origin com.example.app` does, from outside.
        PermissionStore store(storeDir_);
        ASSERT_TRUE(store.update([](PermissionMap& map) {
            map["com.example.app"].microphone = PermissionState::Denied;
        }));
        ASSERT_TRUE(ended.wait());
        EXPECT_EQ(audio.readyState(), MediaStreamTrackState::Ended);
        EXPECT_EQ(devices.queryPermission(kMicrophone), PermissionState::Denied);
        ASSERT_TRUE(store.update([](PermissionMap& map) { map.clear(); }));
    }
}

TEST_F(PermissionsTest, AResetInAnotherContextEndsTracksHere)
{
    auto devices = make(PermissionAnswer::AllowAlways);
    auto stream = ask(devices, R"({"video": true})");
    ASSERT_TRUE(stream.has_value());
    auto video = stream->getVideoTracks().at(0);
    Signal ended;
    video.addEventListener("ended", [&] { ended.notify(); });
    auto other = make(std::nullopt);
    ASSERT_TRUE(other.setPermission(kCamera, PermissionState::Prompt));
    ASSERT_TRUE(ended.wait());
    EXPECT_EQ(devices.queryPermission(kCamera), PermissionState::Prompt);
}

TEST_F(PermissionsTest, ADamagedStoreIsNeverAGrantAndIsKeptAside)
{
    ASSERT_TRUE(PermissionStore(storeDir_).ensureDirectory());
    const std::string garbage =
            R"({"version": 1, "origins": {"com.example.app": {"camera": "granted")";
    std::ofstream(storeDir_ + "/permissions.json") << garbage;
    ::testing::internal::CaptureStderr();
    auto devices = make(PermissionAnswer::AllowAlways);
    EXPECT_EQ(devices.queryPermission(kCamera), PermissionState::Prompt);
    enumerate(devices); // needs a salt: the damaged store must stay as it is
    {
        std::ifstream in(storeDir_ + "/permissions.json");
        const std::string kept((std::istreambuf_iterator<char>(in)), {});
        EXPECT_EQ(kept, garbage) << "not overwritten before a decision";
    }
    ASSERT_TRUE(ask(devices, R"({"video": true})").has_value());
    const std::string err = ::testing::internal::GetCapturedStderr();
    EXPECT_NE(err.find("damaged"), std::string::npos) << err;
    EXPECT_EQ(prompts_, 1);
    bool keptAside = false;
    for (const auto& entry : std::filesystem::directory_iterator(storeDir_)) {
        if (entry.path().filename().string().starts_with("permissions.json.damaged-")) {
            std::ifstream in(entry.path());
            std::string text((std::istreambuf_iterator<char>(in)), {});
            keptAside = text == garbage;
        }
    }
    EXPECT_TRUE(keptAside);
    EXPECT_EQ(PermissionStore(storeDir_).read("com.example.app").camera, PermissionState::Granted);
}

TEST_F(PermissionsTest, AnUnwritableStoreKeepsTheDecisionInMemoryWithAWarning)
{
    std::ofstream(temp_.path() + "/file") << "x";
    storeDir_ = temp_.path() + "/file/usermedia"; // root ignores modes: use an impossible path
    ::testing::internal::CaptureStderr();
    {
        auto devices = make(PermissionAnswer::AllowAlways);
        ASSERT_TRUE(ask(devices, R"({"video": true})").has_value());
        EXPECT_EQ(devices.queryPermission(kCamera), PermissionState::Granted);
        EXPECT_FALSE(cameraId(devices).empty());
    }
    const std::string err = ::testing::internal::GetCapturedStderr();
    EXPECT_NE(err.find("kept in memory only"), std::string::npos) << err;
    auto later = make(PermissionAnswer::DenyOnce);
    EXPECT_EQ(later.queryPermission(kCamera), PermissionState::Prompt);
}

TEST_F(PermissionsTest, DeviceIdsAreSaltedPerOriginStableAndResettable)
{
    auto first = make(PermissionAnswer::AllowAlways);
    ASSERT_TRUE(ask(first, R"({"video": true, "audio": true})").has_value());
    const auto list = enumerate(first);
    ASSERT_GE(list.size(), 2U);
    for (const auto& info : list) {
        EXPECT_EQ(info.deviceId.size(), 64U) << info.label;
        EXPECT_EQ(info.deviceId.find("fake"), std::string::npos) << "no backend id leaks";
    }

    auto second = make(PermissionAnswer::AllowAlways); // same origin, later "run"
    EXPECT_EQ(enumerate(second), list) << "stable for the origin";

    auto other = make(PermissionAnswer::AllowAlways, "org.other");
    ASSERT_TRUE(ask(other, R"({"video": true, "audio": true})").has_value());
    std::set<std::string> ids;
    for (const auto& info : list)
        ids.insert(info.deviceId);
    for (const auto& info : enumerate(other)) {
        EXPECT_EQ(ids.count(info.deviceId), 0U) << "unlinkable across origins";
        if (!info.groupId.empty()) {
            EXPECT_EQ(ids.count(info.groupId), 0U);
        }
    }

    // deviceId constraints take the salted ids.
    const std::string id = cameraId(first);
    auto exact = ask(first, R"({"video": {"deviceId": {"exact": ")" + id + R"("}}})");
    ASSERT_TRUE(exact.has_value()) << exact.error().toString();
    EXPECT_EQ(exact->getVideoTracks().at(0).getSettings().deviceId, id);
    auto raw = ask(first, R"({"video": {"deviceId": {"exact": "fake-camera-0"}}})");
    ASSERT_FALSE(raw.has_value());
    EXPECT_EQ(raw.error().name, ErrorName::OverconstrainedError);

    // Resetting gives new ids, here and in the next run.
    ASSERT_TRUE(first.setPermission(kCamera, PermissionState::Prompt));
    ASSERT_TRUE(first.setPermission(kCamera, PermissionState::Granted));
    const std::string renewed = cameraId(first);
    EXPECT_NE(renewed, id);
    auto third = make(std::nullopt);
    EXPECT_EQ(cameraId(third), renewed);
}

TEST_F(PermissionsTest, BeforePermissionOneAnonymousEntryPerKind)
{
    auto devices = make(std::nullopt);
    for (const auto& info : enumerate(devices)) {
        EXPECT_TRUE(info.deviceId.empty());
        EXPECT_TRUE(info.label.empty());
        EXPECT_TRUE(info.groupId.empty());
    }
}

} // namespace
} // namespace usermedia
