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

namespace usermedia {
namespace {

class Generator
{
public:
    explicit Generator(unsigned seed) : rng_(seed) {}

    int integer(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
    bool chance(int percent) { return integer(1, 100) <= percent; }

    // Plausible values most of the time, hostile ones sometimes.
    double value(double typical)
    {
        switch (integer(0, 9)) {
        case 0:
            return std::numeric_limits<double>::quiet_NaN();
        case 1:
            return chance(50) ? std::numeric_limits<double>::infinity()
                              : -std::numeric_limits<double>::infinity();
        case 2:
            return chance(50) ? 0.0 : -typical;
        case 3:
            return chance(50) ? 1e300 : 4294967296.0;
        default:
            return std::uniform_real_distribution<double>(0.0, 2 * typical)(rng_);
        }
    }

    std::optional<ConstrainNumber> number(double typical)
    {
        if (chance(40))
            return std::nullopt;
        ConstrainNumber c;
        if (chance(30))
            c.exact = value(typical);
        if (chance(50))
            c.ideal = value(typical);
        if (chance(40))
            c.min = value(typical);
        if (chance(40))
            c.max = value(typical);
        return c;
    }

    std::optional<ConstrainString> strings(const std::vector<std::string>& pool)
    {
        if (chance(70))
            return std::nullopt;
        std::vector<std::string> list;
        for (int i = integer(0, 2); i > 0; --i)
            list.push_back(pool[static_cast<std::size_t>(integer(0, int(pool.size()) - 1))]);
        return chance(50) ? ConstrainString::exactly(list) : ConstrainString::idealOf(list);
    }

    MediaTrackConstraintSet videoSet()
    {
        MediaTrackConstraintSet s;
        s.width = number(1280);
        s.height = number(720);
        s.aspectRatio = number(1.5);
        s.frameRate = number(30);
        s.resizeMode = strings({"none", "crop-and-scale", "bogus"});
        s.facingMode = strings({"user", "environment"});
        s.deviceId = strings({"cam0", "cam1", "nope"});
        s.groupId = strings({"group0", "group1"});
        return s;
    }

    MediaTrackConstraintSet audioSet()
    {
        MediaTrackConstraintSet s;
        s.sampleRate = number(48000);
        s.channelCount = number(2);
        s.sampleSize = number(16);
        s.latency = number(0.01);
        if (chance(30)) {
            s.echoCancellation = chance(50) ? ConstrainBoolean::exactly(chance(50))
                                            : ConstrainBoolean::idealOf(chance(50));
        }
        s.deviceId = strings({"mic0", "mic1", "nope"});
        return s;
    }

    template <typename MakeSet>
    MediaTrackConstraints constraints(MakeSet makeSet)
    {
        MediaTrackConstraints c;
        static_cast<MediaTrackConstraintSet&>(c) = makeSet();
        for (int i = integer(0, 3); i > 0; --i)
            c.advanced.push_back(makeSet());
        return c;
    }

    std::vector<VideoSourceCandidate> cameras()
    {
        std::vector<VideoSourceCandidate> cams;
        for (int d = integer(1, 3); d > 0; --d) {
            VideoSourceCandidate cam;
            cam.deviceId = "cam" + std::to_string(cams.size());
            cam.groupId = "group" + std::to_string(cams.size());
            if (chance(30))
                cam.facingMode = chance(50) ? "user" : "environment";
            for (int m = integer(1, 8); m > 0; --m) {
                NativeVideoMode mode;
                mode.width = integer(chance(5) ? -1 : 1, 4096);
                mode.height = integer(1, 2160);
                mode.maxFrameRate = chance(5) ? 0.0 : integer(1, 120);
                mode.minFrameRate = chance(30) ? integer(1, 120) / 4.0 : mode.maxFrameRate;
                if (mode.minFrameRate > mode.maxFrameRate)
                    mode.minFrameRate = mode.maxFrameRate;
                cam.modes.push_back(mode);
            }
            cams.push_back(std::move(cam));
        }
        return cams;
    }

    std::vector<AudioSourceCandidate> microphones()
    {
        std::vector<AudioSourceCandidate> mics;
        for (int d = integer(1, 2); d > 0; --d) {
            AudioSourceCandidate mic;
            mic.deviceId = "mic" + std::to_string(mics.size());
            mic.groupId = "group" + std::to_string(mics.size());
            for (int m = integer(1, 4); m > 0; --m) {
                mic.modes.push_back(NativeAudioMode{chance(50) ? 48000 : 44100, integer(1, 2),
                                                    chance(50) ? 16 : 24, 0.01});
            }
            mics.push_back(std::move(mic));
        }
        return mics;
    }

private:
    std::mt19937 rng_;
};

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
    Generator gen(20240601);
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
    Generator gen(7);
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
    Generator gen(99);
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
