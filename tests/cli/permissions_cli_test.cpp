// SPDX-License-Identifier: MIT
// `usermedia permissions list|grant|deny|reset`, the recording marker of `usermedia capture`,
// and the permission prompt's timeout, as a user meets them. Each test has its own
// XDG_CONFIG_HOME, so its permission store is its own.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include "process_runner.h"

namespace usermedia::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr auto kQuick = std::chrono::seconds(10);
const std::string kRecordingMarker = "\u25CF recording";
const std::string kRed = "\x1b[31m";

std::string describe(const ProcessResult& result)
{
    return "exit " + std::to_string(result.exitCode) + "\nstdout:\n" + result.out + "\nstderr:\n" +
           result.err;
}

std::string readText(const fs::path& file)
{
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

class PermissionsCliTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        dir_ = fs::path(::testing::TempDir()) / (std::string("usermedia_perm_") + info->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_ / "config");
    }
    void TearDown() override { fs::remove_all(dir_); }

    // `usermedia ARGS` with this test's XDG_CONFIG_HOME.
    std::vector<std::string> command(const std::vector<std::string>& args) const
    {
        // NO_COLOR unset: the marker's colour is part of what is tested on a terminal.
        std::vector<std::string> argv{"/usr/bin/env", "-u", "NO_COLOR",
                                      "XDG_CONFIG_HOME=" + config(), UM_CLI_PATH};
        argv.insert(argv.end(), args.begin(), args.end());
        return argv;
    }
    ProcessResult usermedia(const std::vector<std::string>& args,
                            std::chrono::milliseconds timeout = kQuick) const
    {
        return runProcess(command(args), timeout);
    }
    json listJson(const std::vector<std::string>& extra = {}) const
    {
        std::vector<std::string> args{"permissions", "list", "--json"};
        args.insert(args.end(), extra.begin(), extra.end());
        const auto result = usermedia(args);
        EXPECT_EQ(result.exitCode, 0) << describe(result);
        return json::parse(result.out, nullptr, false);
    }
    // The camera's deviceId that `usermedia devices` shows \p origin (granted beforehand).
    std::string cameraId(const std::string& origin) const
    {
        const auto result = usermedia({"devices", "--fake", "--origin", origin, "--json"});
        EXPECT_EQ(result.exitCode, 0) << describe(result);
        const auto devices = json::parse(result.out, nullptr, false);
        for (const auto& device : devices) {
            if (device.value("kind", "") == "videoinput")
                return device.value("deviceId", "");
        }
        return {};
    }

    std::string config() const { return (dir_ / "config").string(); }
    fs::path store() const { return dir_ / "config" / "usermedia" / "permissions.json"; }
    std::string path(const std::string& name) const { return (dir_ / name).string(); }

    fs::path dir_;
};

// ---- list, grant, deny, reset ----

TEST_F(PermissionsCliTest, AnEmptyStoreListsNothing)
{
    const auto text = usermedia({"permissions", "list"});
    EXPECT_EQ(text.exitCode, 0) << describe(text);
    EXPECT_NE(text.err.find("no decisions are stored"), std::string::npos) << text.err;
    const auto listed = listJson();
    EXPECT_EQ(listed["store"], store().string());
    EXPECT_EQ(listed["origins"], json::array());
}

TEST_F(PermissionsCliTest, GrantAndDenyAreListedPerOriginAndKind)
{
    const auto granted = usermedia({"permissions", "grant", "--origin", "com.example.a"});
    ASSERT_EQ(granted.exitCode, 0) << describe(granted);
    EXPECT_NE(granted.out.find("granted camera and microphone to com.example.a"), std::string::npos)
            << granted.out;
    const auto denied =
            usermedia({"permissions", "deny", "--origin", "com.example.b", "--kind", "microphone"});
    ASSERT_EQ(denied.exitCode, 0) << describe(denied);
    EXPECT_NE(denied.out.find("denied microphone for com.example.b"), std::string::npos)
            << denied.out;

    const auto listed = listJson();
    const json expected = json::parse(R"([
        {"origin": "com.example.a", "camera": "granted", "microphone": "granted"},
        {"origin": "com.example.b", "camera": "prompt", "microphone": "denied"}])");
    EXPECT_EQ(listed["origins"], expected) << listed.dump();
    EXPECT_EQ(listJson({"--kind", "camera", "--origin", "com.example.b"})["origins"],
              json::parse(R"([{"origin": "com.example.b", "camera": "prompt"}])"));
    EXPECT_EQ(listJson({"--origin", "never.seen"})["origins"],
              json::parse(R"([{"origin": "never.seen", "camera": "prompt",
                               "microphone": "prompt"}])"));

    const auto table = usermedia({"permissions", "list"});
    ASSERT_EQ(table.exitCode, 0) << describe(table);
    EXPECT_NE(table.out.find("ORIGIN         CAMERA      MICROPHONE\n"), std::string::npos)
            << table.out;
    EXPECT_NE(table.out.find("com.example.a  granted     granted\n"), std::string::npos)
            << table.out;
    EXPECT_NE(table.out.find("com.example.b  prompt      denied\n"), std::string::npos)
            << table.out;

    struct stat info = {};
    ASSERT_EQ(::stat(store().c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u) << "the decisions are private to the user";
}

TEST_F(PermissionsCliTest, AGrantIsWhatAnotherCommandOfThatOriginFinds)
{
    // No terminal and no --allow: only the stored grant lets this request through.
    const std::vector<std::string> probe{"probe",           "--fake",  "--origin",
                                         "com.example.rec", "--video", "--json"};
    EXPECT_EQ(usermedia(probe).exitCode, 1);
    ASSERT_EQ(usermedia({"permissions", "grant", "--origin", "com.example.rec", "--kind", "camera"})
                      .exitCode,
              0);
    const auto allowed = usermedia(probe);
    EXPECT_EQ(allowed.exitCode, 0) << describe(allowed);
    ASSERT_EQ(usermedia({"permissions", "deny", "--origin", "com.example.rec"}).exitCode, 0);
    const auto refused = usermedia(probe);
    EXPECT_EQ(refused.exitCode, 1) << describe(refused);
    EXPECT_NE(refused.err.find("NotAllowedError"), std::string::npos) << refused.err;
}

TEST_F(PermissionsCliTest, WithoutOriginGrantAndDenyActForUsermediasOwnOrigin)
{
    const std::string own = fs::canonical(UM_CLI_PATH).string();
    const auto granted = usermedia({"permissions", "grant", "--kind", "camera"});
    ASSERT_EQ(granted.exitCode, 0) << describe(granted);
    EXPECT_NE(granted.out.find("granted camera to " + own), std::string::npos) << granted.out;
    // What the other commands use without --origin.
    const auto probed = usermedia({"probe", "--fake", "--video", "--json"});
    EXPECT_EQ(probed.exitCode, 0) << describe(probed);
    EXPECT_EQ(listJson({"--origin", own})["origins"][0]["camera"], "granted");
}

TEST_F(PermissionsCliTest, ResetAsksAgainAndGivesTheOriginNewDeviceIds)
{
    ASSERT_EQ(usermedia({"permissions", "grant", "--origin", "app"}).exitCode, 0);
    ASSERT_EQ(usermedia({"permissions", "grant", "--origin", "other"}).exitCode, 0);
    const std::string before = cameraId("app");
    ASSERT_FALSE(before.empty());
    EXPECT_EQ(cameraId("app"), before) << "stable across runs";
    const std::string otherBefore = cameraId("other");

    const auto reset = usermedia({"permissions", "reset", "--origin", "app"});
    ASSERT_EQ(reset.exitCode, 0) << describe(reset);
    EXPECT_NE(reset.out.find("reset camera and microphone for app"), std::string::npos)
            << reset.out;
    EXPECT_EQ(listJson({"--origin", "app"})["origins"][0]["camera"], "prompt");
    EXPECT_EQ(listJson({"--origin", "other"})["origins"][0]["camera"], "granted")
            << "other origins keep their decisions";

    ASSERT_EQ(usermedia({"permissions", "grant", "--origin", "app"}).exitCode, 0);
    const std::string after = cameraId("app");
    ASSERT_FALSE(after.empty());
    EXPECT_NE(after, before) << "a reset origin cannot link its new ids to the old ones";
    EXPECT_EQ(cameraId("other"), otherBefore);

    // One kind: that kind asks again; the ids change too, as MediaDevices::setPermission does.
    ASSERT_EQ(
            usermedia({"permissions", "reset", "--origin", "app", "--kind", "microphone"}).exitCode,
            0);
    const auto one = listJson({"--origin", "app"})["origins"][0];
    EXPECT_EQ(one["camera"], "granted");
    EXPECT_EQ(one["microphone"], "prompt");
    EXPECT_NE(cameraId("app"), after);
}

TEST_F(PermissionsCliTest, ResetAllForgetsEveryOrigin)
{
    ASSERT_EQ(usermedia({"permissions", "grant", "--origin", "a"}).exitCode, 0);
    ASSERT_EQ(usermedia({"permissions", "deny", "--origin", "b"}).exitCode, 0);
    const auto reset = usermedia({"permissions", "reset", "--all"});
    ASSERT_EQ(reset.exitCode, 0) << describe(reset);
    EXPECT_NE(reset.out.find("every application (2)"), std::string::npos) << reset.out;
    EXPECT_EQ(listJson()["origins"], json::array());
}

TEST_F(PermissionsCliTest, BadInputIsAUsageErrorThatSaysWhy)
{
    const auto kind = usermedia({"permissions", "grant", "--origin", "a", "--kind", "speaker"});
    EXPECT_EQ(kind.exitCode, 2) << describe(kind);
    EXPECT_NE(kind.err.find("--kind"), std::string::npos) << kind.err;
    EXPECT_NE(kind.err.find("speaker"), std::string::npos) << kind.err;

    const auto reset = usermedia({"permissions", "reset"});
    EXPECT_EQ(reset.exitCode, 2) << describe(reset);
    EXPECT_NE(reset.err.find("needs --origin ID (one application) or --all"), std::string::npos)
            << reset.err;

    const auto empty = usermedia({"permissions", "deny", "--origin", ""});
    EXPECT_EQ(empty.exitCode, 2) << describe(empty);
    EXPECT_NE(empty.err.find("must not be empty"), std::string::npos) << empty.err;

    EXPECT_EQ(usermedia({"permissions", "reset", "--all", "--origin", "a"}).exitCode, 2);
    EXPECT_EQ(usermedia({"permissions"}).exitCode, 2);
    EXPECT_EQ(usermedia({"permissions", "revoke"}).exitCode, 2);
    EXPECT_FALSE(fs::exists(store())) << "nothing was written";
}

TEST_F(PermissionsCliTest, ADamagedStoreIsReportedKeptAsideAndReplacedByADecision)
{
    fs::create_directories(store().parent_path());
    std::ofstream(store()) << R"({"version": 1, "origins": {"a": {"camera": "gran)";
    const std::string damaged = readText(store());

    const auto listed = usermedia({"permissions", "list"});
    EXPECT_EQ(listed.exitCode, 1) << describe(listed);
    EXPECT_NE(listed.err.find("NotReadableError"), std::string::npos) << listed.err;
    EXPECT_EQ(readText(store()), damaged) << "listing leaves the file alone";

    const auto granted = usermedia({"permissions", "grant", "--origin", "a"});
    EXPECT_EQ(granted.exitCode, 0) << describe(granted);
    EXPECT_NE(granted.err.find("damaged-"), std::string::npos) << granted.err;
    bool keptAside = false;
    for (const auto& entry : fs::directory_iterator(store().parent_path())) {
        if (entry.path().filename().string().starts_with("permissions.json.damaged-"))
            keptAside = readText(entry.path()) == damaged;
    }
    EXPECT_TRUE(keptAside) << "the damaged original is kept";
    EXPECT_EQ(listJson()["origins"][0]["camera"], "granted");
}

TEST_F(PermissionsCliTest, AStoreThatCannotBeWrittenFailsLoudly)
{
    // XDG_CONFIG_HOME is a file: no directory can be made under it (even for root).
    std::ofstream(path("file")) << "x";
    const auto result = runProcess({"/usr/bin/env", "XDG_CONFIG_HOME=" + path("file"), UM_CLI_PATH,
                                    "permissions", "grant", "--origin", "a"},
                                   kQuick);
    EXPECT_EQ(result.exitCode, 1) << describe(result);
    EXPECT_NE(result.err.find("usermedia: NotAllowedError: permission store"), std::string::npos)
            << result.err;
}

// ---- revocation reaches another process ----

TEST_F(PermissionsCliTest, DenyingFromTheCliEndsACaptureInAnotherProcess)
{
    ASSERT_EQ(usermedia({"permissions", "grant", "--origin", "rec"}).exitCode, 0);
    // Prompt policy (no --allow): the stored grant lets it record, and it follows the store.
    PtyProcess capture(command({"capture", "--fake", "--origin", "rec", "--video", "160x120",
                                "--duration", "60", "--output", path("clip")}));
    ASSERT_TRUE(capture.waitFor(kRecordingMarker + "\x1b[0m Fake Camera")) << capture.output();
    const auto denied = usermedia({"permissions", "deny", "--origin", "rec", "--kind", "camera"});
    ASSERT_EQ(denied.exitCode, 0) << describe(denied);
    const auto result = capture.finish();
    EXPECT_EQ(result.exitCode, 1) << result.out;
    EXPECT_LT(result.elapsed, std::chrono::seconds(30)) << "the capture ran on";
    EXPECT_NE(result.out.find("permission for the video (Fake Camera) was revoked"),
              std::string::npos)
            << result.out;
    EXPECT_TRUE(fs::exists(path("clip.y4m"))) << "what was recorded is kept";
}

// ---- the recording marker ----

TEST_F(PermissionsCliTest, OnATerminalTheStatusLineShowsARedRecordingMarkerWithTheDevices)
{
    PtyProcess capture(command(
            {"capture", "--fake", "--allow", "--duration", "60", "--output", path("both")}));
    ASSERT_TRUE(capture.waitFor(kRed + kRecordingMarker + "\x1b[0m Fake Camera, Fake Microphone"))
            << capture.output();
    capture.type("\x03"); // Ctrl-C
    const auto result = capture.finish();
    EXPECT_EQ(result.exitCode, 0) << result.out;
}

TEST_F(PermissionsCliTest, WithoutATerminalTheMarkerIsPlainText)
{
    const auto result = usermedia({"capture", "--fake", "--allow", "--video", "--duration", "0.3",
                                   "--output", path("plain")},
                                  std::chrono::seconds(30));
    ASSERT_EQ(result.exitCode, 0) << describe(result);
    EXPECT_NE(result.err.find("usermedia: " + kRecordingMarker + " Fake Camera\n"),
              std::string::npos)
            << result.err;
    EXPECT_EQ(result.err.find("\x1b["), std::string::npos) << "no escape sequences in a log";
}

// ---- the prompt's timeout ----

TEST_F(PermissionsCliTest, ATimedOutPromptIsWithdrawnAndRefused)
{
    PtyProcess probe(command({"probe", "--fake", "--origin", "slow", "--video", "--json",
                              "--prompt-timeout", "0.5"}));
    ASSERT_TRUE(probe.waitFor("[d]eny always: ")) << probe.output();
    const std::size_t asked = probe.output().find("[d]eny always: ");
    // Nobody answers.
    const auto result = probe.finish();
    EXPECT_EQ(result.exitCode, 1) << result.out;
    EXPECT_NE(result.out.find("\"NotAllowedError\""), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("timed out"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("\r\x1b[K", asked), std::string::npos)
            << "the question is erased: " << result.out;
    EXPECT_EQ(listJson({"--origin", "slow"})["origins"][0]["camera"], "prompt") << "never a grant";
}

} // namespace
} // namespace usermedia::testing
