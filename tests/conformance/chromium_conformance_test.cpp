// SPDX-License-Identifier: MIT
// Replays every case recorded in Chromium 156 (shared/reference/chromium-constraints/cases.json)
// through the public API: MediaDevices on the same fake devices (tests/conformance/chromium/
// <run>.json), getUserMedia (the legacy callback form when the case used it), then
// applyConstraints when the case did, and compares kind, label and getSettings() of each track,
// or the error name and constraint, with Chromium's answer.
//
// Cases we knowingly answer differently are in chromium_expected_differences.h, with the
// reason; one of them starting to match fails the test, so that list stays honest.
#include <filesystem>
#include <iostream>
#include <string>

#include <gtest/gtest.h>

#include "conformance/case_compare.h"
#include "conformance/chromium_expected_differences.h"
#include "conformance/public_api_runner.h"

namespace usermedia::testing {
namespace {

const std::filesystem::path kCases(UM_CHROMIUM_CASES);
const std::filesystem::path kDevices(UM_SOURCE_DIR "/tests/conformance/chromium");

TEST(ChromiumConformance, PublicApiAnswersLikeChromiumExceptListedCases)
{
    if (!std::filesystem::exists(kCases))
        GTEST_SKIP() << "reference cases not found at " << kCases;
    const Json cases = Json::parse(readTextFile(kCases));
    ASSERT_TRUE(cases.is_array());
    const auto& expectedDifferences = chromiumExpectedDifferences();

    int matched = 0;
    int differing = 0;
    for (const Json& testCase : cases) {
        const std::string name = testCase.at("name");
        SCOPED_TRACE(name);
        const std::filesystem::path deviceFile =
                kDevices / (testCase.at("run").get<std::string>() + ".json");
        const CaseAnswer answer =
                runThroughPublicApi(deviceFile, CaseRequest::fromJson(testCase.at("request")));
        ASSERT_TRUE(answer.setupFailure.empty()) << answer.setupFailure;
        // Invariants hold for every case, listed or not.
        for (const auto& failure : answer.invariantFailures)
            ADD_FAILURE() << name << ": " << failure;

        Json chromium = testCase.at("chromium");
        substitute(chromium, answer.placeholders);
        const auto diffs = compareAnswer(chromium, answer.answer);
        std::string detail;
        for (const auto& diff : diffs)
            detail += "\n    " + diff;
        if (diffs.empty()) {
            ++matched;
        } else {
            ++differing;
        }
        if (expectedDifferences.count(name) > 0) {
            EXPECT_FALSE(diffs.empty())
                    << name
                    << " now matches Chromium: remove it from chromium_expected_differences.h";
        } else {
            EXPECT_TRUE(diffs.empty()) << name << " differs from Chromium:" << detail
                                       << "\n  ours: " << answer.answer.dump();
        }
    }
    std::cout << "[ chromium ] public API: " << matched << " of " << cases.size()
              << " cases match Chromium, " << differing << " differ; " << expectedDifferences.size()
              << " are listed as expected differences\n";
    for (const auto& entry : expectedDifferences) {
        const bool known = std::any_of(cases.begin(), cases.end(),
                                       [&](const Json& c) { return c.at("name") == entry.first; });
        EXPECT_TRUE(known) << entry.first << " is listed but not in the reference";
    }
}

} // namespace
} // namespace usermedia::testing
