// SPDX-License-Identifier: MIT
// The Chromium reference cases from the command line: every case of the `default` run that
// neither calls applyConstraints nor uses the legacy callback form goes through
//   usermedia probe --fake-devices tests/conformance/chromium/default.json --allow
//                   --constraints JSON --json
// with device ids as `usermedia devices --json` lists them under the same flags, and must give
// Chromium's answer (or be listed in chromium_expected_differences.h).
//
// That needs the ids to be the same in every process run with the same flags. If they are not
// (DeviceIdsAreStableAcrossProcesses fails and says so), the replay still checks everything
// else: it leaves out the cases that name an id and does not compare deviceId and groupId.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/process_runner.h"
#include "conformance/case_compare.h"
#include "conformance/chromium_expected_differences.h"

namespace usermedia::testing {
namespace {

const std::filesystem::path kCases(UM_CHROMIUM_CASES);
const std::string kDeviceFile = UM_SOURCE_DIR "/tests/conformance/chromium/default.json";

std::string describe(const ProcessResult& result)
{
    return "exit " + std::to_string(result.exitCode) + "\nstdout:\n" + result.out + "\nstderr:\n" +
           result.err;
}

// $video0, $vgroup0, $audio0, ... from `usermedia devices --json`, in its order.
Placeholders placeholdersFromCli()
{
    const ProcessResult result = runProcess(
            {UM_CLI_PATH, "devices", "--fake-devices", kDeviceFile, "--allow", "--json"});
    EXPECT_EQ(result.exitCode, 0) << describe(result);
    Placeholders map;
    const Json devices = Json::parse(result.out, nullptr, false);
    EXPECT_TRUE(devices.is_array()) << describe(result);
    if (!devices.is_array())
        return map;
    int cameras = 0;
    int microphones = 0;
    for (const Json& device : devices) {
        if (device.at("kind") == "videoinput") {
            map["$video" + std::to_string(cameras)] = device.at("deviceId");
            map["$vgroup" + std::to_string(cameras++)] = device.at("groupId");
        } else if (device.at("kind") == "audioinput") {
            map["$audio" + std::to_string(microphones)] = device.at("deviceId");
            map["$agroup" + std::to_string(microphones++)] = device.at("groupId");
        }
    }
    return map;
}

// probe's {"video": {deviceId, label, settings}, "audio": {...}} or {"error": {...}} in the
// reference's shape: {"tracks": [{kind, label, settings}]} or {"error": {...}}.
Json answerFromProbe(const ProcessResult& result, std::vector<std::string>& diffs)
{
    const Json out = Json::parse(result.out, nullptr, false);
    if (!out.is_object()) {
        diffs.push_back("probe printed no JSON object: " + describe(result));
        return Json::object();
    }
    if (out.contains("error")) {
        if (result.exitCode != 1)
            diffs.push_back("probe failed with exit status " + std::to_string(result.exitCode) +
                            ", expected 1");
        return {{"error", out.at("error")}};
    }
    if (result.exitCode != 0)
        diffs.push_back("probe succeeded with exit status " + std::to_string(result.exitCode));
    Json tracks = Json::array();
    for (const char* kind : {"audio", "video"}) {
        if (!out.contains(kind))
            continue;
        const Json& settings = out.at(kind).at("settings");
        tracks.push_back(
                {{"kind", kind}, {"label", out.at(kind).at("label")}, {"settings", settings}});
    }
    return {{"tracks", tracks}};
}

bool mentionsPlaceholder(const Json& value)
{
    if (value.is_string())
        return value.get<std::string>().starts_with("$");
    if (value.is_structured())
        return std::any_of(value.begin(), value.end(), mentionsPlaceholder);
    return false;
}

void dropIds(Json& tracks)
{
    for (Json& track : tracks) {
        track["settings"].erase("deviceId");
        track["settings"].erase("groupId");
    }
}

TEST(ChromiumCli, DeviceIdsAreStableAcrossProcesses)
{
    const Placeholders first = placeholdersFromCli();
    const Placeholders second = placeholdersFromCli();
    ASSERT_FALSE(first.empty());
    EXPECT_EQ(first, second) << "`usermedia devices --fake-devices F --allow --json` lists other "
                                "ids in each run, so no id it prints can be passed to a later "
                                "`usermedia probe --allow --constraints`";
}

TEST(ChromiumCli, ProbeAnswersLikeChromiumExceptListedCases)
{
    if (!std::filesystem::exists(kCases))
        GTEST_SKIP() << "reference cases not found at " << kCases;
    const Json cases = Json::parse(readTextFile(kCases));
    const Placeholders map = placeholdersFromCli();
    ASSERT_FALSE(map.empty());
    const bool stableIds = map == placeholdersFromCli();
    const auto& expectedDifferences = chromiumExpectedDifferences();

    int run = 0;
    int matched = 0;
    for (const Json& testCase : cases) {
        const Json& request = testCase.at("request");
        if (testCase.at("run") != "default" || request.contains("apply") ||
            request.value("legacy", false))
            continue;
        const std::string name = testCase.at("name");
        if (!stableIds && mentionsPlaceholder(request.at("constraints")))
            continue; // reported by DeviceIdsAreStableAcrossProcesses
        ++run;
        Json constraints = request.at("constraints");
        substitute(constraints, map);
        const ProcessResult result =
                runProcess({UM_CLI_PATH, "probe", "--fake-devices", kDeviceFile, "--allow",
                            "--constraints", constraints.dump(), "--json"});
        std::vector<std::string> diffs;
        if (result.timedOut) {
            diffs.emplace_back("probe timed out");
        } else {
            const Json answer = answerFromProbe(result, diffs);
            Json chromium = testCase.at("chromium");
            substitute(chromium, map);
            if (!stableIds && chromium.contains("tracks"))
                dropIds(chromium["tracks"]);
            for (auto& diff : compareAnswer(chromium, answer))
                diffs.push_back(std::move(diff));
        }
        if (diffs.empty())
            ++matched;
        std::string detail;
        for (const auto& diff : diffs)
            detail += "\n    " + diff;
        if (expectedDifferences.count(name) > 0) {
            EXPECT_FALSE(diffs.empty())
                    << name
                    << " now matches Chromium: remove it from chromium_expected_differences.h";
        } else {
            EXPECT_TRUE(diffs.empty()) << name << " differs from Chromium:" << detail
                                       << "\n  constraints: " << constraints.dump();
        }
    }
    std::cout << "[ chromium ] usermedia probe: " << matched << " of " << run
              << " default-run cases match Chromium"
              << (stableIds ? "" : " (ids unstable: id cases left out, ids not compared)") << "\n";
    EXPECT_GT(run, 100);
}

} // namespace
} // namespace usermedia::testing
