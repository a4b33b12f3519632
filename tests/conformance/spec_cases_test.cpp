// SPDX-License-Identifier: MIT
// The spec-cited cases of spec_cases.json, each run through the public API on the fake devices
// in tests/conformance/devices/. Every case names the spec section it checks ("spec") and, where
// the spec leaves the choice to the user agent, the Chromium rule the expected answer follows
// ("note"). The format is that of the Chromium reference cases: request.{constraints, legacy,
// apply, applyKind} and expected.{tracks | error, apply, afterApply}; placeholders such as
// $video0 and $agroup1 stand for the ids of the devices in enumerateDevices() order.
#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "conformance/case_compare.h"
#include "conformance/public_api_runner.h"

namespace usermedia::testing {
namespace {

const std::filesystem::path kConformance(UM_SOURCE_DIR "/tests/conformance");

const Json& specCases()
{
    static const Json cases = [] {
        Json parsed = Json::parse(readTextFile(kConformance / "spec_cases.json"), nullptr, false);
        return parsed.is_array() ? parsed : Json::array();
    }();
    return cases;
}

std::vector<std::size_t> caseIndices()
{
    std::vector<std::size_t> indices(specCases().size());
    for (std::size_t i = 0; i < indices.size(); ++i)
        indices[i] = i;
    return indices;
}

// "phone/facing-exact-left" -> "phone_facing_exact_left" (GoogleTest allows [A-Za-z0-9_]).
std::string testName(const ::testing::TestParamInfo<std::size_t>& info)
{
    std::string name = specCases().at(info.param).at("name");
    std::replace_if(
            name.begin(), name.end(), [](char c) { return !std::isalnum(c); }, '_');
    return name;
}

TEST(SpecCases, TableIsWellFormed)
{
    const Json& cases = specCases();
    EXPECT_GE(cases.size(), 100U) << "spec_cases.json is missing or has too few cases";
    std::set<std::string> names;
    for (const Json& testCase : cases) {
        const std::string name = testCase.value("name", std::string());
        EXPECT_TRUE(names.insert(name).second) << "duplicate case name " << name;
        EXPECT_FALSE(testCase.value("spec", std::string()).empty())
                << name << " cites no spec section";
        EXPECT_TRUE(std::filesystem::exists(kConformance / "devices" /
                                            testCase.value("devices", std::string())))
                << name << " names a missing device file";
        EXPECT_TRUE(testCase.contains("request") && testCase.contains("expected")) << name;
    }
}

class SpecCase : public ::testing::TestWithParam<std::size_t>
{};

TEST_P(SpecCase, AnswersAsTheSpecSays)
{
    const Json& testCase = specCases().at(GetParam());
    SCOPED_TRACE(testCase.at("spec").get<std::string>());
    const CaseAnswer answer = runThroughPublicApi(kConformance / "devices" / testCase.at("devices"),
                                                  CaseRequest::fromJson(testCase.at("request")));
    ASSERT_TRUE(answer.setupFailure.empty()) << answer.setupFailure;
    for (const auto& failure : answer.invariantFailures)
        ADD_FAILURE() << failure;
    Json expected = testCase.at("expected");
    substitute(expected, answer.placeholders);
    const auto diffs = compareAnswer(expected, answer.answer);
    std::string detail;
    for (const auto& diff : diffs)
        detail += "\n    " + diff;
    EXPECT_TRUE(diffs.empty()) << testCase.at("name").get<std::string>() << ":" << detail
                               << "\n  ours: " << answer.answer.dump();
}

INSTANTIATE_TEST_SUITE_P(Table, SpecCase, ::testing::ValuesIn(caseIndices()), testName);

} // namespace
} // namespace usermedia::testing
