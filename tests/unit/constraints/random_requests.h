// SPDX-License-Identifier: MIT
// Random constraints and devices for the randomised tests of the engine (fixed seeds, so a
// failure reproduces). Two flavours of one generator:
//   - Plausible: values near typical ones, devices as drivers list them; for checks that
//     compare two ways of selecting (explain_test.cpp);
//   - Hostile: NaN, infinities, negative and huge numbers, bogus strings, required ids, odd
//     native modes; for checks that the engine keeps the spec's promises whatever it is given
//     (select_settings_random_test.cpp).
#pragma once

#include <array>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <usermedia/constraints.h>

#include "constraints/select_settings.h"

namespace usermedia::testing {

class RandomRequests
{
public:
    enum class Values
    {
        Plausible,
        Hostile
    };

    RandomRequests(unsigned seed, Values values) : rng_(seed), hostile_(values == Values::Hostile)
    {}

    int integer(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
    bool chance(int percent) { return integer(1, 100) <= percent; }

    /** Up to twice \p typical; hostile: NaN, infinities, 0, negative or huge one time in 2. */
    double value(double typical)
    {
        if (hostile_) {
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
                break;
            }
        }
        return std::uniform_real_distribution<double>(0.0, 2 * typical)(rng_);
    }

    std::optional<ConstrainNumber> number(double typical)
    {
        if (chance(40))
            return std::nullopt;
        ConstrainNumber c;
        if (hostile_) {
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
        // Plausible: mostly ideals, bounds that rarely conflict.
        if (chance(15))
            c.exact = value(typical);
        if (chance(60))
            c.ideal = value(typical);
        if (chance(25))
            c.min = value(typical) / 2;
        if (chance(25))
            c.max = value(typical) * 2;
        return c;
    }

    /** Hostile only: a required or ideal list drawn from \p pool (absent otherwise). */
    std::optional<ConstrainString> strings(const std::vector<std::string>& pool)
    {
        if (!hostile_ || chance(70))
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
        if (hostile_) {
            s.resizeMode = strings({"none", "crop-and-scale", "bogus"});
            s.facingMode = strings({"user", "environment"});
            s.deviceId = strings({"cam0", "cam1", "nope"});
            s.groupId = strings({"group0", "group1"});
            return s;
        }
        // Plausible sets require no device-level constraint (every mode stays a candidate).
        if (chance(20))
            s.resizeMode = ConstrainString::idealOf({chance(50) ? "none" : "crop-and-scale"});
        if (chance(10))
            s.deviceId = ConstrainString::idealOf({"cam1"});
        return s;
    }

    MediaTrackConstraintSet audioSet()
    {
        MediaTrackConstraintSet s;
        s.sampleRate = number(48000);
        s.channelCount = number(2);
        if (hostile_) {
            s.sampleSize = number(16);
            s.latency = number(0.01);
            if (chance(30)) {
                s.echoCancellation = chance(50) ? ConstrainBoolean::exactly(chance(50))
                                                : ConstrainBoolean::idealOf(chance(50));
            }
            s.deviceId = strings({"mic0", "mic1", "nope"});
            return s;
        }
        if (chance(20))
            s.echoCancellation = ConstrainBoolean::idealOf(chance(50));
        return s;
    }

    /** A basic set from \p makeSet and a few advanced ones. */
    template <typename MakeSet>
    MediaTrackConstraints constraints(MakeSet makeSet)
    {
        MediaTrackConstraints c;
        static_cast<MediaTrackConstraintSet&>(c) = makeSet();
        for (int i = integer(0, hostile_ ? 3 : 2); i > 0; --i)
            c.advanced.push_back(makeSet());
        return c;
    }

    /** 1-3 cameras of random modes; hostile: some without a usable size or rate. */
    std::vector<VideoSourceCandidate> cameras()
    {
        std::vector<VideoSourceCandidate> cams;
        for (int d = integer(1, 3); d > 0; --d) {
            VideoSourceCandidate cam;
            cam.deviceId = "cam" + std::to_string(cams.size());
            cam.groupId = "group" + std::to_string(cams.size());
            if (hostile_ && chance(30))
                cam.facingMode = chance(50) ? "user" : "environment";
            for (int m = integer(1, hostile_ ? 8 : 12); m > 0; --m) {
                NativeVideoMode mode;
                mode.width = integer(hostile_ && chance(5) ? -1 : 1, 4096);
                mode.height = integer(1, 2160);
                mode.maxFrameRate = hostile_ && chance(5) ? 0.0 : integer(1, 120);
                if (hostile_) {
                    mode.minFrameRate = chance(30) ? integer(1, 120) / 4.0 : mode.maxFrameRate;
                    if (mode.minFrameRate > mode.maxFrameRate)
                        mode.minFrameRate = mode.maxFrameRate;
                } else {
                    mode.minFrameRate = chance(30) ? mode.maxFrameRate / 4 : mode.maxFrameRate;
                }
                cam.modes.push_back(mode);
            }
            cams.push_back(std::move(cam));
        }
        return cams;
    }

    /**
     * Cameras as drivers list them: several modes of the same few sizes and rates, so that
     * candidates tie often and the selector's pruning must keep Chromium's tie-breaking.
     */
    std::vector<VideoSourceCandidate> typicalCameras()
    {
        static constexpr std::array<std::array<int, 2>, 6> kSizes{
                {{320, 240}, {640, 360}, {640, 480}, {1280, 720}, {1920, 1080}, {3840, 2160}}};
        static constexpr std::array<double, 5> kRates{5, 15, 24, 30, 60};
        std::vector<VideoSourceCandidate> cams;
        for (int d = integer(1, 4); d > 0; --d) {
            VideoSourceCandidate cam;
            cam.deviceId = "cam" + std::to_string(cams.size());
            cam.groupId = "group" + std::to_string(cams.size() / 2);
            if (chance(50))
                cam.facingMode = chance(50) ? "user" : "environment";
            for (int m = integer(1, 24); m > 0; --m) {
                const auto& size = kSizes[static_cast<std::size_t>(integer(0, 5))];
                NativeVideoMode mode;
                mode.width = size[0];
                mode.height = size[1];
                mode.maxFrameRate = kRates[static_cast<std::size_t>(integer(0, 4))];
                mode.minFrameRate = chance(30) ? 1.0 : mode.maxFrameRate;
                cam.modes.push_back(mode);
            }
            cams.push_back(std::move(cam));
        }
        return cams;
    }

    /** 1-3 microphones of 48000 or 44100 Hz, mono or stereo; hostile: 16 or 24 bit. */
    std::vector<AudioSourceCandidate> microphones()
    {
        std::vector<AudioSourceCandidate> mics;
        for (int d = integer(1, hostile_ ? 2 : 3); d > 0; --d) {
            AudioSourceCandidate mic;
            mic.deviceId = "mic" + std::to_string(mics.size());
            mic.groupId = "group" + std::to_string(mics.size());
            for (int m = integer(1, 4); m > 0; --m) {
                NativeAudioMode mode{chance(50) ? 48000 : 44100, integer(1, 2)};
                if (hostile_)
                    mode.sampleSize = chance(50) ? 16 : 24;
                mic.modes.push_back(mode);
            }
            mics.push_back(std::move(mic));
        }
        return mics;
    }

private:
    std::mt19937 rng_;
    const bool hostile_;
};

} // namespace usermedia::testing
