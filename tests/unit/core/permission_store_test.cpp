// SPDX-License-Identifier: MIT
#include "core/permission_store.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/salted_id.h"

#include "unit/core/temp_dir.h"

namespace usermedia {
namespace {

namespace fs = std::filesystem;

std::string readText(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void writeText(const std::string& path, const std::string& text)
{
    std::ofstream(path) << text;
}

std::vector<std::string> damagedCopies(const std::string& dir)
{
    std::vector<std::string> out;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().filename().string().starts_with("permissions.json.damaged-"))
            out.push_back(entry.path().string());
    }
    return out;
}

class PermissionStoreTest : public ::testing::Test
{
protected:
    testing::TempDir temp_;
    std::string dir_ = temp_.path() + "/config/usermedia";
    std::vector<std::string> warnings_;
    PermissionStore store_{dir_, [this](const std::string& m) {
                               warnings_.push_back(m);
                           }};
};

TEST_F(PermissionStoreTest, AMissingStoreIsEmptyAndEveryStateIsPrompt)
{
    auto all = store_.readAll();
    ASSERT_TRUE(all.has_value());
    EXPECT_TRUE(all->empty());
    EXPECT_EQ(store_.read("app"), OriginPermissions{});
    EXPECT_TRUE(warnings_.empty());
    EXPECT_FALSE(fs::exists(dir_)) << "reading creates nothing";
}

TEST_F(PermissionStoreTest, DecisionsAreWrittenPrivatelyAndReadBack)
{
    auto written = store_.update([](PermissionMap& map) {
        map["app"].camera = PermissionState::Granted;
        map["app"].salt = "abc";
        map["other"].microphone = PermissionState::Denied;
    });
    ASSERT_TRUE(written.has_value()) << written.error().toString();
    const auto app = store_.read("app");
    EXPECT_EQ(app.camera, PermissionState::Granted);
    EXPECT_EQ(app.microphone, PermissionState::Prompt);
    EXPECT_EQ(app.salt, "abc");
    EXPECT_EQ(store_.read("other").microphone, PermissionState::Denied);

    struct stat info = {};
    ASSERT_EQ(::stat(dir_.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0700U);
    ASSERT_EQ(::stat(store_.path().c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600U);
    const std::string text = readText(store_.path());
    EXPECT_NE(text.find("\"version\": 1"), std::string::npos) << text;
    EXPECT_NE(text.find("\"camera\": \"granted\""), std::string::npos) << text;
    // Only the store and its lock: the temporary file was renamed into place.
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_))
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"permissions.json", "permissions.json.lock"}));
}

TEST_F(PermissionStoreTest, OriginsWithNothingLeftAreDropped)
{
    ASSERT_TRUE(
            store_.update([](PermissionMap& map) { map["app"].camera = PermissionState::Denied; }));
    ASSERT_TRUE(
            store_.update([](PermissionMap& map) { map["app"].camera = PermissionState::Prompt; }));
    EXPECT_TRUE(store_.readAll()->empty());
}

TEST_F(PermissionStoreTest, ADamagedStoreIsPromptIsKeptAndIsSetAsideOnTheNextDecision)
{
    const std::vector<std::string> damaged = {
            "",
            "{not json",
            R"({"version": 1, "origins": {"app": {"camera": "gran)", // truncated mid-write
            R"({"version": 2, "origins": {"app": {"camera": "granted"}}})",
            R"({"version": "1", "origins": {}})",
            R"({"version": 1, "origins": []})",
            R"({"version": 1, "origins": {"app": "granted"}})",
            R"({"version": 1, "origins": {"app": {"camera": true}}})",
            R"({"version": 1, "origins": {"app": {"camera": "yes"}}})",
            R"({"version": 1, "origins": {"app": {"camera": "granted", "salt": 7}}})",
            R"(["granted"])",
    };
    for (const auto& text : damaged) {
        SCOPED_TRACE(text);
        fs::remove_all(dir_);
        ASSERT_TRUE(store_.ensureDirectory());
        writeText(store_.path(), text);
        warnings_.clear();
        PermissionStore store(dir_, [this](const std::string& m) { warnings_.push_back(m); });

        EXPECT_FALSE(store.readAll().has_value());
        EXPECT_EQ(store.read("app").camera, PermissionState::Prompt) << "never a grant";
        EXPECT_EQ(store.read("app").camera, PermissionState::Prompt);
        ASSERT_EQ(warnings_.size(), 1U) << "reported once";
        EXPECT_NE(warnings_[0].find("damaged"), std::string::npos) << warnings_[0];

        // Not a user's decision (e.g. creating a salt): the damaged file stays as it is.
        EXPECT_FALSE(store.update([](PermissionMap& map) { map["app"].salt = "s"; }, false));
        EXPECT_EQ(readText(store.path()), text);

        // A decision: the damaged file goes aside, intact, and a fresh store is written.
        auto written = store.update(
                [](PermissionMap& map) { map["app"].microphone = PermissionState::Denied; });
        ASSERT_TRUE(written.has_value()) << written.error().toString();
        const auto aside = damagedCopies(dir_);
        ASSERT_EQ(aside.size(), 1U);
        EXPECT_EQ(readText(aside[0]), text);
        const auto app = store.read("app");
        EXPECT_EQ(app.camera, PermissionState::Prompt);
        EXPECT_EQ(app.microphone, PermissionState::Denied);
    }
}

TEST_F(PermissionStoreTest, AnUnwritableDirectoryFailsWithoutThrowing)
{
    // Root ignores permission bits, so make the directory impossible: under a regular file.
    writeText(temp_.path() + "/file", "x");
    PermissionStore store(temp_.path() + "/file/usermedia");
    auto written =
            store.update([](PermissionMap& map) { map["app"].camera = PermissionState::Granted; });
    ASSERT_FALSE(written.has_value());
    EXPECT_EQ(written.error().name, ErrorName::NotAllowedError);
    EXPECT_NE(written.error().osError, 0);
    EXPECT_EQ(store.read("app").camera, PermissionState::Prompt);
}

TEST_F(PermissionStoreTest, TwoProcessesWritingAtOnceLoseNoDecision)
{
    constexpr int kPerProcess = 40;
    std::vector<pid_t> children;
    for (const char* prefix : {"first", "second"}) {
        const pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            PermissionStore store(dir_);
            int failures = 0;
            for (int i = 0; i < kPerProcess; ++i) {
                const std::string origin = std::string(prefix) + "-" + std::to_string(i);
                auto written = store.update([&origin](PermissionMap& map) {
                    map[origin].camera = PermissionState::Granted;
                });
                failures += written ? 0 : 1;
            }
            ::_exit(failures == 0 ? 0 : 1);
        }
        children.push_back(pid);
    }
    for (const pid_t pid : children) {
        int status = 0;
        ASSERT_EQ(::waitpid(pid, &status, 0), pid);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    auto all = store_.readAll();
    ASSERT_TRUE(all.has_value()) << all.error().toString();
    EXPECT_EQ(all->size(), 2U * kPerProcess);
    for (const char* prefix : {"first", "second"}) {
        for (int i = 0; i < kPerProcess; ++i)
            EXPECT_EQ(all->count(std::string(prefix) + "-" + std::to_string(i)), 1U);
    }
}

TEST_F(PermissionStoreTest, SaltsAreRandomHex)
{
    const std::string a = PermissionStore::newSalt();
    const std::string b = PermissionStore::newSalt();
    EXPECT_EQ(a.size(), 32U);
    EXPECT_NE(a, b);
    EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(SaltedId, Sha256MatchesTheFipsExamples)
{
    EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(sha256Hex(std::string(1000000, 'a')),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(SaltedId, DependsOnSaltKindAndIdButNotReversibly)
{
    const std::string id = saltedId("deviceId", "salt-a", "/dev/video0");
    EXPECT_EQ(id.size(), 64U);
    EXPECT_EQ(id, saltedId("deviceId", "salt-a", "/dev/video0")) << "stable";
    EXPECT_NE(id, saltedId("deviceId", "salt-b", "/dev/video0")) << "per origin";
    EXPECT_NE(id, saltedId("groupId", "salt-a", "/dev/video0")) << "per kind of id";
    EXPECT_NE(id, saltedId("deviceId", "salt-a", "/dev/video1"));
    EXPECT_NE(saltedId("deviceId", "ab", "c"), saltedId("deviceId", "a", "bc"));
    EXPECT_EQ(id.find("video"), std::string::npos);
    EXPECT_EQ(saltedId("groupId", "salt-a", ""), "") << "no group stays no group";
}

} // namespace
} // namespace usermedia
