// SPDX-License-Identifier: MIT
// parseMediaStreamConstraints / parseMediaTrackConstraints / toJson: every accepted shape, and a
// TypeError naming the JSON path for every rejected one.
// https://w3c.github.io/mediacapture-main/#dom-mediastreamconstraints
#include <string>

#include <gtest/gtest.h>

#include <usermedia/constraints.h>

#include "unit/constraints/error_names.h"

namespace usermedia {
namespace {

MediaStreamConstraints parseOk(const std::string& json)
{
    auto result = parseMediaStreamConstraints(json);
    EXPECT_TRUE(result.has_value()) << json << " -> " << testing::describe(result.error());
    return result ? *result : MediaStreamConstraints{};
}

// Expects a TypeError whose message starts with \p path (and has no constraint name).
void expectTypeError(const std::string& json, const std::string& path)
{
    auto result = parseMediaStreamConstraints(json);
    ASSERT_FALSE(result.has_value()) << json;
    EXPECT_EQ(result.error().name, ErrorName::TypeError) << json;
    EXPECT_EQ(result.error().message.rfind(path + ":", 0), 0u)
            << json << " -> " << result.error().message;
    EXPECT_TRUE(result.error().constraint.empty());
}

// WebIDL `(boolean or MediaTrackConstraints) video = false`.
TEST(ConstraintsParser, BooleansNullAndAbsenceSelectKinds)
{
    auto both = parseOk(R"({"video": true, "audio": true})");
    EXPECT_EQ(both.video, MediaTrackConstraints{});
    EXPECT_EQ(both.audio, MediaTrackConstraints{});

    auto none = parseOk(R"({"video": false})");
    EXPECT_FALSE(none.video);
    EXPECT_FALSE(none.audio);

    // null converts to the default dictionary: requested (Chromium: default/video-null).
    EXPECT_TRUE(parseOk(R"({"video": null})").video);
    // Unknown top-level members are ignored, like any WebIDL dictionary member.
    EXPECT_FALSE(parseOk(R"({"screen": true})").video);
}

TEST(ConstraintsParser, BareNumberIsIdealInBasicAndExactInAdvanced)
{
    auto c = parseOk(R"({"video": {"width": 640, "advanced": [{"width": 1920}]}})");
    ASSERT_TRUE(c.video);
    EXPECT_EQ(c.video->width, ConstrainNumber::idealOf(640));
    ASSERT_EQ(c.video->advanced.size(), 1u);
    EXPECT_EQ(c.video->advanced[0].width, ConstrainNumber::exactly(1920));
}

TEST(ConstraintsParser, NumberObjectKeepsEveryMember)
{
    auto c = parseOk(
            R"({"video": {"frameRate": {"exact": 30, "ideal": 25, "min": 10, "max": 60}}})");
    const ConstrainNumber expected{.exact = 30, .ideal = 25, .min = 10, .max = 60};
    EXPECT_EQ(c.video->frameRate, expected);
}

TEST(ConstraintsParser, HugeAndNegativeNumbersAreKeptForTheEngine)
{
    auto c = parseOk(R"({"video": {"width": 1e300, "height": {"min": -100}}})");
    EXPECT_EQ(c.video->width->ideal, 1e300);
    EXPECT_EQ(c.video->height->min, -100);
}

TEST(ConstraintsParser, NullMemberMeansAbsent)
{
    auto c = parseOk(R"({"video": {"width": null, "height": {"min": null, "max": 720}}})");
    EXPECT_FALSE(c.video->width);
    EXPECT_EQ(c.video->height, ConstrainNumber::atMost(720));
}

TEST(ConstraintsParser, BooleanConstraints)
{
    auto c = parseOk(R"({"audio": {"echoCancellation": false,
                                  "autoGainControl": {"exact": true},
                                  "noiseSuppression": {"ideal": false},
                                  "advanced": [{"echoCancellation": true}]}})");
    EXPECT_EQ(c.audio->echoCancellation, ConstrainBoolean::idealOf(false));
    EXPECT_EQ(c.audio->autoGainControl, ConstrainBoolean::exactly(true));
    EXPECT_EQ(c.audio->noiseSuppression, ConstrainBoolean::idealOf(false));
    EXPECT_EQ(c.audio->advanced[0].echoCancellation, ConstrainBoolean::exactly(true));
}

TEST(ConstraintsParser, StringConstraintsAcceptStringsListsAndObjects)
{
    auto c = parseOk(R"({"video": {"facingMode": "user",
                                  "deviceId": ["a", "b"],
                                  "groupId": {"exact": "g", "ideal": ["h"]},
                                  "resizeMode": {"exact": ["none", "crop-and-scale"]},
                                  "advanced": [{"deviceId": "c"}]}})");
    EXPECT_EQ(c.video->facingMode, ConstrainString::idealOf({"user"}));
    EXPECT_EQ(c.video->deviceId, ConstrainString::idealOf({"a", "b"}));
    EXPECT_EQ(c.video->groupId, (ConstrainString{.exact = {{"g"}}, .ideal = {{"h"}}}));
    EXPECT_EQ(c.video->resizeMode, ConstrainString::exactly({"none", "crop-and-scale"}));
    EXPECT_EQ(c.video->advanced[0].deviceId, ConstrainString::exactly({"c"}));
}

TEST(ConstraintsParser, UnknownConstraintsAreIgnored)
{
    auto c = parseOk(R"({"video": {"bogus": 3, "zoom": {"exact": 2}, "width": {"foo": 1}}})");
    EXPECT_EQ(c.video->width, ConstrainNumber{});
    EXPECT_EQ(c.video->height, std::nullopt);
}

TEST(ConstraintsParser, WrongTypesNameTheMember)
{
    expectTypeError(R"({"video": "yes"})", "video");
    expectTypeError(R"({"audio": 1})", "audio");
    expectTypeError(R"({"video": []})", "video");
    expectTypeError(R"({"video": {"width": "640"}})", "video.width");
    expectTypeError(R"({"video": {"width": true}})", "video.width");
    expectTypeError(R"({"video": {"width": {"min": "640"}}})", "video.width.min");
    expectTypeError(R"({"video": {"frameRate": {"ideal": [30]}}})", "video.frameRate.ideal");
    expectTypeError(R"({"audio": {"echoCancellation": "off"}})", "audio.echoCancellation");
    expectTypeError(R"({"audio": {"echoCancellation": {"exact": 0}}})",
                    "audio.echoCancellation.exact");
    expectTypeError(R"({"video": {"deviceId": 7}})", "video.deviceId");
    expectTypeError(R"({"video": {"deviceId": ["a", 7]}})", "video.deviceId[1]");
    expectTypeError(R"({"video": {"deviceId": {"exact": ["a", null]}}})",
                    "video.deviceId.exact[1]");
    expectTypeError(R"({"video": {"advanced": {"width": 1}}})", "video.advanced");
    expectTypeError(R"({"video": {"advanced": [{}, 3]}})", "video.advanced[1]");
    expectTypeError(R"({"video": {"advanced": [{"height": {"max": "x"}}]}})",
                    "video.advanced[0].height.max");
}

TEST(ConstraintsParser, MessageSaysWhatWasFound)
{
    auto result = parseMediaStreamConstraints(R"({"video": {"width": {"min": "640"}}})");
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message.find("found a string"), std::string::npos);
}

TEST(ConstraintsParser, RootMustBeAnObject)
{
    expectTypeError("[]", "constraints");
    expectTypeError("true", "constraints");
}

TEST(ConstraintsParser, MalformedJsonGivesTheByteOffset)
{
    auto result = parseMediaStreamConstraints(R"({"video": {"width": }})");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().name, ErrorName::TypeError);
    EXPECT_NE(result.error().message.find("at byte offset 20"), std::string::npos)
            << result.error().message;
    EXPECT_FALSE(parseMediaStreamConstraints(""));
    EXPECT_FALSE(parseMediaStreamConstraints("{\"video\": \"\xff\"}")); // invalid UTF-8
}

TEST(ConstraintsParser, DeepNestingIsRejectedWithoutRecursing)
{
    const std::string deep =
            "{\"video\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
    auto result = parseMediaStreamConstraints(deep);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().name, ErrorName::TypeError);
    EXPECT_NE(result.error().message.find("deeper than 64"), std::string::npos);

    // Brackets inside strings do not count.
    const std::string inString = R"({"video": {"deviceId": ")" + std::string(1000, '[') + "\"}}";
    EXPECT_TRUE(parseMediaStreamConstraints(inString));
}

TEST(ConstraintsParser, LargeArraysAreFine)
{
    std::string sets = "[";
    for (int i = 0; i < 10000; ++i)
        sets += (i > 0 ? ",{\"width\":" : "{\"width\":") + std::to_string(i) + "}";
    sets += "]";
    auto c = parseOk(R"({"video": {"advanced": )" + sets + "}}");
    EXPECT_EQ(c.video->advanced.size(), 10000u);
}

// The legacy shape of the original navigator.getUserMedia.
TEST(ConstraintsParser, LegacyMandatoryBecomesRequiredBasicValues)
{
    auto c = parseOk(R"({"video": {"mandatory": {"minWidth": 640, "maxWidth": 1280,
            "minHeight": 480, "maxHeight": "720", "minFrameRate": 15, "maxFrameRate": 30,
            "minAspectRatio": 1.3, "maxAspectRatio": 1.8, "sourceId": "cam"}},
            "audio": {"mandatory": {"googEchoCancellation": "false",
            "googAutoGainControl": true, "googNoiseSuppression": false}}})");
    EXPECT_EQ(c.video->width, ConstrainNumber::between(640, 1280));
    EXPECT_EQ(c.video->height, ConstrainNumber::between(480, 720));
    EXPECT_EQ(c.video->frameRate, ConstrainNumber::between(15, 30));
    EXPECT_EQ(c.video->aspectRatio, ConstrainNumber::between(1.3, 1.8));
    EXPECT_EQ(c.video->deviceId, ConstrainString::exactly({"cam"}));
    EXPECT_TRUE(c.video->advanced.empty());
    EXPECT_EQ(c.audio->echoCancellation, ConstrainBoolean::exactly(false));
    EXPECT_EQ(c.audio->autoGainControl, ConstrainBoolean::exactly(true));
    EXPECT_EQ(c.audio->noiseSuppression, ConstrainBoolean::exactly(false));
}

TEST(ConstraintsParser, LegacyOptionalEntriesBecomeAdvancedSetsInOrder)
{
    auto c = parseOk(R"({"video": {"optional": [{"minWidth": 5000}, {"maxWidth": 320},
            {"sourceId": "cam"}, {"echoCancellation": true}]}})");
    ASSERT_EQ(c.video->advanced.size(), 4u);
    EXPECT_EQ(c.video->advanced[0].width, ConstrainNumber::atLeast(5000));
    EXPECT_EQ(c.video->advanced[1].width, ConstrainNumber::atMost(320));
    EXPECT_EQ(c.video->advanced[2].deviceId, ConstrainString::exactly({"cam"}));
    EXPECT_EQ(c.video->advanced[3].echoCancellation, ConstrainBoolean::exactly(true));
    EXPECT_FALSE(c.video->width);
}

// Chromium 156: case default/legacy-mand-bogus-key.
TEST(ConstraintsParser, LegacyUnknownOptionalNamesAreIgnored)
{
    auto c = parseOk(R"({"video": {"optional": [{"bogusKey": 1}, {"googHighpassFilter": true}]}})");
    ASSERT_TRUE(c.video);
    ASSERT_EQ(c.video->advanced.size(), 2U);
    EXPECT_EQ(c.video->advanced[0], MediaTrackConstraintSet{});
    EXPECT_EQ(c.video->advanced[1], MediaTrackConstraintSet{});
}

// Original navigator.getUserMedia: every mandatory constraint must be satisfied, and one the
// implementation does not know cannot be (old Chrome: ConstraintNotSatisfiedError).
TEST(ConstraintsParser, LegacyUnknownMandatoryNameIsOverconstrained)
{
    for (const char* json : {R"({"video": {"mandatory": {"minWidth": 640, "bogusKey": 1}}})",
                             R"({"audio": {"mandatory": {"bogusKey": true}}, "video": true})"}) {
        auto parsed = parseMediaStreamConstraints(json);
        ASSERT_FALSE(parsed) << json;
        EXPECT_EQ(parsed.error().name, ErrorName::OverconstrainedError) << json;
        EXPECT_EQ(parsed.error().constraint, "bogusKey") << json;
        EXPECT_NE(parsed.error().message.find("mandatory.bogusKey"), std::string::npos)
                << parsed.error().message;
    }
    // An empty name is no constraint at all (found by the fuzzer).
    auto empty = parseMediaStreamConstraints(R"({"audio": {"mandatory": {"": 1}}})");
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().name, ErrorName::TypeError);
}

TEST(ConstraintsParser, LegacyErrorsNameTheMember)
{
    // Chromium: case default/legacy-mixed-modern.
    expectTypeError(R"({"video": {"mandatory": {"maxWidth": 640}, "width": 1920}})", "video.width");
    expectTypeError(R"({"video": {"optional": [], "advanced": []}})", "video.advanced");
    expectTypeError(R"({"video": {"mandatory": []}})", "video.mandatory");
    expectTypeError(R"({"video": {"optional": {}}})", "video.optional");
    expectTypeError(R"({"video": {"optional": [1]}})", "video.optional[0]");
    expectTypeError(R"({"video": {"mandatory": {"minWidth": "wide"}}})",
                    "video.mandatory.minWidth");
    expectTypeError(R"({"video": {"optional": [{"maxFrameRate": true}]}})",
                    "video.optional[0].maxFrameRate");
    expectTypeError(R"({"audio": {"mandatory": {"echoCancellation": "maybe"}}})",
                    "audio.mandatory.echoCancellation");
    expectTypeError(R"({"video": {"mandatory": {"sourceId": 3}}})", "video.mandatory.sourceId");
}

TEST(TrackConstraintsParser, ParsesApplyConstraintsArgument)
{
    auto c = parseMediaTrackConstraints(R"({"width": 1280, "advanced": [{"frameRate": 10}]})");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->width, ConstrainNumber::idealOf(1280));
    EXPECT_EQ(c->advanced[0].frameRate, ConstrainNumber::exactly(10));

    auto bad = parseMediaTrackConstraints(R"({"width": {"max": "1"}})");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message.rfind("width.max:", 0), 0u) << bad.error().message;
    EXPECT_FALSE(parseMediaTrackConstraints("3"));
}

TEST(ConstraintsJson, RoundTripsThroughTheParser)
{
    MediaTrackConstraints c;
    c.width = ConstrainNumber{.exact = 640, .ideal = 1280.5, .min = 1, .max = 1e12};
    c.facingMode = ConstrainString::idealOf({"user"});
    c.deviceId = ConstrainString{.exact = {{"a", "b"}}, .ideal = {{}}};
    c.echoCancellation = ConstrainBoolean::exactly(false);
    MediaTrackConstraintSet advanced;
    advanced.frameRate = ConstrainNumber::idealOf(30); // an ideal inside advanced stays ideal
    advanced.groupId = ConstrainString::exactly({"g"});
    c.advanced.push_back(advanced);
    c.advanced.emplace_back();

    auto parsed = parseMediaTrackConstraints(toJson(c));
    ASSERT_TRUE(parsed) << toJson(c);
    EXPECT_EQ(*parsed, c) << toJson(c);
}

TEST(ConstraintsJson, WritesTheJavaScriptShape)
{
    MediaTrackConstraints c;
    c.width = ConstrainNumber::idealOf(640);
    c.deviceId = ConstrainString::exactly({"cam"});
    EXPECT_EQ(toJson(c), R"({"deviceId":{"exact":"cam"},"width":{"ideal":640.0}})");
}

} // namespace
} // namespace usermedia
