// SPDX-License-Identifier: MIT
// Randomised checks (fixed seeds, so failures reproduce): hostile constraints and odd devices
// never crash the engine or the parser, and every answer keeps the spec's promises:
// the settings satisfy the basic set's required values ([select: required]), stay within what
// the native mode can deliver, and an OverconstrainedError names a constraint that was given.
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <usermedia/constraints.h>

#include "constraints/select_settings.h"

#include "unit/constraints/error_names.h"
#include "unit/constraints/random_requests.h"

namespace usermedia {
namespace {

using testing::RandomRequests;

// The required range of a constraint as the engine reads it (integers truncated, NaN empty).
bool allows(const std::optional<ConstrainNumber>& c, double value, bool integral,
            double tolerance = 0)
{
    if (!c)
        return true;
    auto conv = [&](double v) {
        return integral && std::isfinite(v) ? std::trunc(v) : v;
    };
    for (const auto& bound : {c->min, c->exact}) {
        if (bound && !(conv(*bound) <= value + tolerance))
            return false;
    }
    for (const auto& bound : {c->max, c->exact}) {
        if (bound && !(value - tolerance <= conv(*bound)))
            return false;
    }
    return true;
}

bool inList(const std::optional<ConstrainString>& c, const std::optional<std::string>& value)
{
    if (!c || !c->exact || c->exact->empty())
        return true;
    return value && std::find(c->exact->begin(), c->exact->end(), *value) != c->exact->end();
}

const std::vector<std::string> kVideoNames{"width",      "height",     "aspectRatio", "frameRate",
                                           "resizeMode", "facingMode", "deviceId",    "groupId"};

TEST(SelectSettingsRandom, VideoAnswersKeepTheSpecsPromises)
{
    RandomRequests gen(20240601, RandomRequests::Values::Hostile);
    int selected = 0;
    for (int round = 0; round < 3000; ++round) {
        const auto cams = gen.cameras();
        const auto c = gen.constraints([&] { return gen.videoSet(); });
        auto result = selectVideoSettings(c, cams);
        if (!result) {
            const Error& e = result.error();
            if (e.name == ErrorName::NotFoundError)
                continue;
            ASSERT_EQ(e.name, ErrorName::OverconstrainedError) << testing::describe(e);
            ASSERT_NE(std::find(kVideoNames.begin(), kVideoNames.end(), e.constraint),
                      kVideoNames.end())
                    << "round " << round << ": " << testing::describe(e);
            continue;
        }
        ++selected;
        const VideoSelection& s = *result;
        ASSERT_LT(s.deviceIndex, cams.size());
        const auto& modes = cams[s.deviceIndex].modes;
        ASSERT_NE(std::find(modes.begin(), modes.end(), s.nativeMode), modes.end());
        const MediaTrackSettings& t = s.settings;
        const NativeVideoMode& m = s.nativeMode;
        SCOPED_TRACE("round " + std::to_string(round) + ": " + toJson(t) + " from " +
                     std::to_string(m.width) + "x" + std::to_string(m.height) + " for " +
                     toJson(c));
        ASSERT_TRUE(t.width && t.height && t.frameRate && t.aspectRatio && t.resizeMode);
        EXPECT_GE(*t.width, 1);
        EXPECT_LE(*t.width, m.width);
        EXPECT_GE(*t.height, 1);
        EXPECT_LE(*t.height, m.height);
        EXPECT_GT(*t.frameRate, 0);
        EXPECT_LE(*t.frameRate, m.maxFrameRate);
        if (*t.resizeMode == "none") {
            EXPECT_EQ(*t.width, m.width);
            EXPECT_EQ(*t.height, m.height);
        } else {
            EXPECT_EQ(*t.resizeMode, "crop-and-scale");
        }
        EXPECT_EQ(t.deviceId, cams[s.deviceIndex].deviceId);
        // [select: required]
        EXPECT_TRUE(allows(c.width, *t.width, true));
        EXPECT_TRUE(allows(c.height, *t.height, true));
        EXPECT_TRUE(allows(c.frameRate, *t.frameRate, false));
        // The region is exact; the rounded size may tilt the ratio by up to half a pixel.
        const double aspectSlack =
                0.5 / *t.height + 0.5 * *t.width / (*t.height * (*t.height - 0.5));
        EXPECT_TRUE(allows(c.aspectRatio, *t.aspectRatio, false, aspectSlack));
        EXPECT_TRUE(inList(c.resizeMode, t.resizeMode));
        EXPECT_TRUE(inList(c.facingMode, t.facingMode));
        EXPECT_TRUE(inList(c.deviceId, t.deviceId));
        EXPECT_TRUE(inList(c.groupId, t.groupId));
        if (::testing::Test::HasFailure())
            return;
    }
    EXPECT_GT(selected, 300); // the generator must also produce satisfiable requests
}

TEST(SelectSettingsRandom, AudioAnswersKeepTheSpecsPromises)
{
    RandomRequests gen(7, RandomRequests::Values::Hostile);
    int selected = 0;
    for (int round = 0; round < 3000; ++round) {
        const auto mics = gen.microphones();
        const auto c = gen.constraints([&] { return gen.audioSet(); });
        auto result = selectAudioSettings(c, mics);
        if (!result) {
            ASSERT_EQ(result.error().name, ErrorName::OverconstrainedError);
            ASSERT_FALSE(result.error().constraint.empty());
            continue;
        }
        ++selected;
        const MediaTrackSettings& t = result->settings;
        SCOPED_TRACE("round " + std::to_string(round) + ": " + toJson(t) + " for " + toJson(c));
        EXPECT_TRUE(allows(c.sampleRate, *t.sampleRate, true));
        EXPECT_TRUE(allows(c.channelCount, *t.channelCount, true));
        EXPECT_TRUE(allows(c.sampleSize, *t.sampleSize, true));
        EXPECT_TRUE(allows(c.latency, *t.latency, false));
        if (c.echoCancellation && c.echoCancellation->exact) {
            EXPECT_EQ(t.echoCancellation, c.echoCancellation->exact);
        }
        EXPECT_TRUE(inList(c.deviceId, t.deviceId));
        if (::testing::Test::HasFailure())
            return;
    }
    EXPECT_GT(selected, 300);
}

// Mutated and truncated constraint texts: the parser answers, never crashes.
TEST(SelectSettingsRandom, ParserSurvivesMangledText)
{
    const std::string seed =
            R"({"video": {"width": {"min": 640, "ideal": 1280}, "deviceId": ["a", "b"],)"
            R"( "advanced": [{"frameRate": 30}, {"aspectRatio": 1.5}]},)"
            R"( "audio": {"mandatory": {"googEchoCancellation": false}, "optional": [{"x": 1}]}})";
    const std::string alphabet = "{}[]\",:0123456789.eE-+truefalsnul \\\x01\xff";
    RandomRequests gen(99, RandomRequests::Values::Hostile);
    int accepted = 0;
    for (int round = 0; round < 20000; ++round) {
        std::string text = seed;
        for (int edits = gen.integer(1, 4); edits > 0 && !text.empty(); --edits) {
            const auto pos = static_cast<std::size_t>(gen.integer(0, int(text.size()) - 1));
            const char c =
                    alphabet[static_cast<std::size_t>(gen.integer(0, int(alphabet.size()) - 1))];
            switch (gen.integer(0, 3)) {
            case 0:
                text[pos] = c;
                break;
            case 1:
                text.insert(pos, 1, c);
                break;
            case 2:
                text.erase(pos, 1);
                break;
            default:
                text.resize(pos);
                break;
            }
        }
        auto result = parseMediaStreamConstraints(text);
        if (result) {
            ++accepted;
        } else {
            // TypeError, or an unknown legacy mandatory name the mutation produced.
            const Error& error = result.error();
            ASSERT_TRUE(error.name == ErrorName::TypeError ||
                        (error.name == ErrorName::OverconstrainedError &&
                         error.message.find(".mandatory.") != std::string::npos))
                    << text << ": " << error.toString();
            ASSERT_FALSE(error.message.empty());
        }
    }
    EXPECT_GT(accepted, 100);
}

} // namespace
} // namespace usermedia
