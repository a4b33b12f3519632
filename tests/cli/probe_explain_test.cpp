// SPDX-License-Identifier: MIT
// `usermedia probe --explain` as people and programs meet it: the table names the widest mode
// for an impossible request, and --json --explain keeps the probe schema and adds `explain`.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "process_runner.h"

namespace usermedia::testing {
namespace {

using nlohmann::ordered_json;

const std::string kChromiumDefault = UM_SOURCE_DIR "/tests/conformance/chromium/default.json";
const std::string kTooWide = R"({"video": {"width": {"min": 4000}}})";

ProcessResult usermedia(std::vector<std::string> args)
{
    args.insert(args.begin(), UM_CLI_PATH);
    return runProcess(args, std::chrono::seconds(10));
}

std::string describe(const ProcessResult& result)
{
    return "exit " + std::to_string(result.exitCode) + "\nstdout:\n" + result.out + "\nstderr:\n" +
           result.err;
}

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

TEST(ProbeExplain, AnImpossibleWidthNamesTheWidestMode)
{
    const auto result =
            usermedia({"probe", "--fake", "--allow", "--constraints", kTooWide, "--explain"});
    EXPECT_EQ(result.exitCode, 1) << describe(result);
    // The error on stderr says what is nearest; stdout explains.
    EXPECT_TRUE(contains(result.err, "OverconstrainedError")) << describe(result);
    EXPECT_TRUE(contains(result.err, "width >= 4000")) << describe(result);
    EXPECT_TRUE(contains(result.out, "excluded: width: needs width >= 4000")) << describe(result);
    EXPECT_TRUE(contains(result.out, "nearest alternatives:")) << describe(result);
    EXPECT_TRUE(contains(result.out, "the widest is")) << describe(result);
    // Device ids are shown as labels.
    EXPECT_TRUE(contains(result.out, "Fake Camera")) << describe(result);
}

TEST(ProbeExplain, ChromiumDefaultDeviceTableAndAlternatives)
{
    const auto result = usermedia({"probe", "--fake-devices", kChromiumDefault, "--allow",
                                   "--constraints", kTooWide, "--explain"});
    EXPECT_EQ(result.exitCode, 1) << describe(result);
    EXPECT_TRUE(contains(result.err, "the widest is 3840x2160")) << describe(result);
    EXPECT_TRUE(contains(result.out, "video selection: 12 candidates, 0 eligible, 12 excluded"))
            << describe(result);
    // The nearest candidate comes first, with its shortfall.
    const auto nearest = result.out.find("3840x2160 i420 @ 20 fps  none");
    ASSERT_NE(nearest, std::string::npos) << describe(result);
    EXPECT_LT(nearest, result.out.find("1920x1080")) << describe(result);
    EXPECT_TRUE(contains(result.out, "this mode has exactly 3840")) << describe(result);
    EXPECT_TRUE(contains(result.out, "the widest is 3840x2160 i420 @ 20 fps on fake_device_0"))
            << describe(result);
    EXPECT_TRUE(contains(result.out, "with width >= 4000 relaxed to ideal 4000: 3840x2160"))
            << describe(result);
    // Capped at 10 rows by default, with the rest counted.
    EXPECT_TRUE(contains(result.out, "... and 2 more: 0 eligible, 2 excluded (2 by width)"))
            << describe(result);
}

TEST(ProbeExplain, AllListsEveryCandidateAndMarksTheChosenOne)
{
    const auto result = usermedia({"probe", "--fake-devices", kChromiumDefault, "--allow",
                                   "--video", "1280x720", "--explain=all"});
    ASSERT_EQ(result.exitCode, 0) << describe(result);
    EXPECT_TRUE(contains(result.out, "video: fake_device_0")) << describe(result);
    EXPECT_TRUE(contains(result.out, "video selection: 12 candidates")) << describe(result);
    EXPECT_FALSE(contains(result.out, "more:")) << describe(result);
    const auto chosen = result.out.find("*1");
    ASSERT_NE(chosen, std::string::npos) << describe(result);
    const auto line = result.out.substr(chosen, result.out.find('\n', chosen) - chosen);
    EXPECT_TRUE(contains(line, "1280x720 i420 @ 20 fps")) << line;
    EXPECT_TRUE(contains(line, "<- chosen")) << line;
    EXPECT_TRUE(contains(line, "fitness distance 0")) << line;
}

TEST(ProbeExplain, JsonKeepsTheProbeSchemaAndAddsExplain)
{
    // A failure: {"error": {...}, "explain": {"video": {...}}}.
    auto result = usermedia({"probe", "--fake-devices", kChromiumDefault, "--allow", "--json",
                             "--constraints", kTooWide, "--explain=all"});
    EXPECT_EQ(result.exitCode, 1) << describe(result);
    auto out = ordered_json::parse(result.out);
    ASSERT_TRUE(out.contains("error")) << result.out;
    EXPECT_EQ(out["error"]["name"], "OverconstrainedError");
    EXPECT_EQ(out["error"]["constraint"], "width");
    EXPECT_FALSE(out.contains("video"));
    ASSERT_TRUE(out["explain"].contains("video")) << result.out;
    EXPECT_FALSE(out["explain"].contains("audio"));
    const auto& video = out["explain"]["video"];
    EXPECT_EQ(video["candidateCount"], 12);
    EXPECT_EQ(video["excludedCount"], 12);
    EXPECT_EQ(video["omitted"], 0);
    ASSERT_EQ(video["candidates"].size(), 12u);
    for (const auto& candidate : video["candidates"]) {
        EXPECT_EQ(candidate["chosen"], false);
        EXPECT_EQ(candidate["excluded"]["constraint"], "width");
        EXPECT_EQ(candidate["excluded"]["required"], "width >= 4000");
        EXPECT_EQ(candidate["mode"]["format"], "i420");
    }
    EXPECT_EQ(video["candidates"][0]["mode"]["width"], 3840);
    EXPECT_NEAR(video["candidates"][0]["excluded"]["shortfall"].get<double>(), 0.04, 1e-9);
    ASSERT_FALSE(video["alternatives"].empty());
    EXPECT_TRUE(contains(video["alternatives"][0].get<std::string>(), "the widest is 3840x2160"));

    // A success: the usual {"video": {deviceId, label, settings}, "audio": ...} plus explain.
    result = usermedia(
            {"probe", "--fake-devices", kChromiumDefault, "--allow", "--json", "--explain"});
    ASSERT_EQ(result.exitCode, 0) << describe(result);
    out = ordered_json::parse(result.out);
    ASSERT_TRUE(out.contains("video") && out.contains("audio")) << result.out;
    EXPECT_EQ(out["video"]["label"], "fake_device_0");
    for (const char* kind : {"video", "audio"}) {
        const auto& e = out["explain"][kind];
        ASSERT_FALSE(e["candidates"].empty()) << kind;
        const auto& chosen = e["candidates"][0];
        EXPECT_EQ(chosen["chosen"], true) << kind;
        EXPECT_EQ(chosen["rank"], 1) << kind;
        EXPECT_EQ(chosen["deviceId"], out[kind]["deviceId"]) << kind;
        EXPECT_EQ(chosen["settings"], out[kind]["settings"]) << kind;
        EXPECT_TRUE(chosen.contains("fitnessDistance")) << kind;
        EXPECT_LE(e["candidates"].size(), 10u) << kind;
        EXPECT_EQ(e["omitted"].get<std::size_t>() + e["candidates"].size(),
                  e["candidateCount"].get<std::size_t>())
                << kind;
    }
    EXPECT_EQ(out["explain"]["audio"]["candidateCount"], 9);

    // Without --explain the schema is unchanged.
    result = usermedia({"probe", "--fake-devices", kChromiumDefault, "--allow", "--json"});
    ASSERT_EQ(result.exitCode, 0) << describe(result);
    EXPECT_FALSE(ordered_json::parse(result.out).contains("explain"));
}

TEST(ProbeExplain, RejectsABadLimit)
{
    const auto result = usermedia({"probe", "--fake", "--allow", "--explain=none"});
    EXPECT_EQ(result.exitCode, 2) << describe(result);
}

} // namespace
} // namespace usermedia::testing
