// SPDX-License-Identifier: MIT
// Runs the getUserMedia cases recorded in Chromium 156 (shared/reference/chromium-constraints)
// through parseMediaStreamConstraints + selectVideoSettings/selectAudioSettings against the same
// fake devices (tests/conformance/chromium/*.json) and compares the answers.
//
// Cases we knowingly answer differently are listed, with the reason, in
// tests/conformance/chromium_expected_differences.h; the test fails if one of them starts
// passing, so the list stays honest.
//
// Device-file notes: Chromium's fake microphone is natively 44100 Hz stereo, and its audio
// processing (on by default) delivers 48000 Hz mono. The files describe this as three native
// modes (48000/1, 48000/2, 44100/2); what remains different is that Chromium only reaches
// 44100 Hz by turning its processing off (see the expected failures).
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <usermedia/constraints.h>

#include "constraints/select_settings.h"

#include "conformance/chromium_expected_differences.h"
#include "unit/constraints/error_names.h"

namespace usermedia {
namespace {

using Json = nlohmann::json;

#ifndef UM_CHROMIUM_CASES
#define UM_CHROMIUM_CASES UM_SOURCE_DIR "/../shared/reference/chromium-constraints/cases.json"
#endif

// Shared with the public-API and CLI replays (tests/conformance).
const auto& kExpectedFailures = testing::chromiumExpectedDifferences();

std::string readFile(const std::filesystem::path& path)
{
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

struct DeviceFile
{
    std::vector<VideoSourceCandidate> video;
    std::vector<std::string> videoLabels;
    std::vector<AudioSourceCandidate> audio;
    std::vector<std::string> audioLabels;
};

NativePixelFormat formatFromName(const std::string& name)
{
    static const std::map<std::string, NativePixelFormat> kFormats{
            {"i420", NativePixelFormat::I420},   {"nv12", NativePixelFormat::NV12},
            {"yuyv", NativePixelFormat::YUYV},   {"uyvy", NativePixelFormat::UYVY},
            {"mjpeg", NativePixelFormat::MJPEG}, {"rgb24", NativePixelFormat::RGB24},
            {"bgr24", NativePixelFormat::BGR24}, {"bgra", NativePixelFormat::BGRA},
            {"y16", NativePixelFormat::Y16}};
    auto it = kFormats.find(name);
    return it == kFormats.end() ? NativePixelFormat::I420 : it->second;
}

DeviceFile loadDevices(const std::string& run)
{
    const Json file = Json::parse(readFile(std::filesystem::path(UM_SOURCE_DIR) /
                                           "tests/conformance/chromium" / (run + ".json")));
    DeviceFile out;
    for (const Json& device : file.at("devices")) {
        if (device.at("kind") == "videoinput") {
            VideoSourceCandidate c;
            c.deviceId = device.at("id");
            c.groupId = device.at("groupId");
            if (device.contains("facingMode"))
                c.facingMode = device.at("facingMode").get<std::string>();
            for (const Json& m : device.at("modes")) {
                NativeVideoMode mode;
                mode.format = formatFromName(m.at("format"));
                mode.width = m.at("width");
                mode.height = m.at("height");
                const Json& rate = m.at("frameRate");
                mode.minFrameRate =
                        rate.is_object() ? rate.at("min").get<double>() : rate.get<double>();
                mode.maxFrameRate =
                        rate.is_object() ? rate.at("max").get<double>() : rate.get<double>();
                c.modes.push_back(mode);
            }
            out.video.push_back(std::move(c));
            out.videoLabels.push_back(device.at("label"));
        } else {
            AudioSourceCandidate c;
            c.deviceId = device.at("id");
            c.groupId = device.at("groupId");
            for (const Json& m : device.at("modes")) {
                NativeAudioMode mode;
                mode.sampleRate = m.at("sampleRate");
                mode.channels = m.at("channels");
                mode.sampleSize = m.value("sampleSize", 16);
                mode.latency = m.value("latency", 0.01);
                c.modes.push_back(mode);
            }
            out.audio.push_back(std::move(c));
            out.audioLabels.push_back(device.at("label"));
        }
    }
    return out;
}

// "$video0" -> the device file's id, and back.
std::map<std::string, std::string> placeholders(const DeviceFile& devices)
{
    std::map<std::string, std::string> map;
    for (std::size_t i = 0; i < devices.video.size(); ++i) {
        map["$video" + std::to_string(i)] = devices.video[i].deviceId;
        map["$vgroup" + std::to_string(i)] = devices.video[i].groupId;
    }
    for (std::size_t i = 0; i < devices.audio.size(); ++i) {
        map["$audio" + std::to_string(i)] = devices.audio[i].deviceId;
        map["$agroup" + std::to_string(i)] = devices.audio[i].groupId;
    }
    return map;
}

void substitute(Json& value, const std::map<std::string, std::string>& map)
{
    if (value.is_string()) {
        auto it = map.find(value.get<std::string>());
        if (it != map.end())
            value = it->second;
    } else if (value.is_structured()) {
        for (auto& child : value)
            substitute(child, map);
    }
}

// Compares the members Chromium reported with ours; returns the differences.
void compareSettings(const Json& expected, const MediaTrackSettings& actual,
                     const std::string& label, const std::string& expectedLabel,
                     std::vector<std::string>& diffs)
{
    auto note = [&](const std::string& name, const Json& want, const Json& got) {
        diffs.push_back(name + ": chromium " + want.dump() + ", ours " + got.dump());
    };
    if (label != expectedLabel)
        note("label", expectedLabel, label);
    const Json ours = Json::parse(toJson(actual));
    for (const auto& [name, want] : expected.items()) {
        if (!ours.contains(name)) {
            note(name, want, nullptr);
            continue;
        }
        const Json& got = ours.at(name);
        if (want.is_number() && got.is_number()) {
            if (std::fabs(want.get<double>() - got.get<double>()) > 1e-9)
                note(name, want, got);
        } else if (want != got) {
            note(name, want, got);
        }
    }
}

struct Outcome
{
    std::vector<std::string> diffs;
};

void compareError(const Json& expected, const Error& error, std::vector<std::string>& diffs)
{
    const std::string wantName = expected.at("name");
    const std::string wantConstraint =
            expected.at("constraint").is_null() ? "" : expected.at("constraint").get<std::string>();
    if (testing::errorName(error.name) != wantName || error.constraint != wantConstraint) {
        diffs.push_back("error: chromium " + wantName + "(" + wantConstraint + "), ours " +
                        testing::errorName(error.name) + "(" + error.constraint + ") " +
                        error.message);
    }
}

Outcome runCase(const Json& testCase)
{
    Outcome outcome;
    auto& diffs = outcome.diffs;
    const DeviceFile devices = loadDevices(testCase.at("run"));
    const auto map = placeholders(devices);
    std::map<std::string, std::string> reverse;
    for (const auto& [key, value] : map)
        reverse[value] = key;

    Json request = testCase.at("request").at("constraints");
    substitute(request, map);
    const Json& chromium = testCase.at("chromium");

    auto parsed = parseMediaStreamConstraints(request.dump());
    // getUserMedia (the core) rejects a request for no media with TypeError.
    if (parsed && !parsed->video && !parsed->audio)
        parsed = Error{ErrorName::TypeError, "no media requested", {}, 0};
    if (!parsed) {
        if (chromium.contains("error")) {
            compareError(chromium.at("error"), parsed.error(), diffs);
        } else {
            diffs.push_back("ours: " + testing::describe(parsed.error()));
        }
        return outcome;
    }

    std::optional<VideoSelection> video;
    std::optional<AudioSelection> audio;
    std::optional<Error> error;
    if (parsed->audio) {
        auto selected = selectAudioSettings(*parsed->audio, devices.audio);
        if (selected) {
            audio = *selected;
        } else {
            error = selected.error();
        }
    }
    if (parsed->video && !error) {
        auto selected = selectVideoSettings(*parsed->video, devices.video);
        if (selected) {
            video = *selected;
        } else {
            error = selected.error();
        }
    }
    if (chromium.contains("error")) {
        if (error) {
            compareError(chromium.at("error"), *error, diffs);
        } else {
            diffs.emplace_back("chromium failed, we selected settings");
        }
        return outcome;
    }
    if (error) {
        diffs.push_back("ours: " + testing::describe(*error));
        return outcome;
    }

    auto compareTrack = [&](const Json& track, const MediaTrackSettings& settings,
                            const std::string& label) {
        MediaTrackSettings mapped = settings;
        if (reverse.count(mapped.deviceId) > 0)
            mapped.deviceId = reverse[mapped.deviceId];
        if (reverse.count(mapped.groupId) > 0)
            mapped.groupId = reverse[mapped.groupId];
        compareSettings(track.at("settings"), mapped, label, track.at("label"), diffs);
    };
    for (const Json& track : chromium.at("tracks")) {
        if (track.at("kind") == "video" && video) {
            compareTrack(track, video->settings, devices.videoLabels[video->deviceIndex]);
        } else if (track.at("kind") == "audio" && audio) {
            compareTrack(track, audio->settings, devices.audioLabels[audio->deviceIndex]);
        } else {
            diffs.push_back("missing " + track.at("kind").get<std::string>() + " track");
        }
    }

    // applyConstraints(): SelectSettings again, on the track's own device.
    if (testCase.at("request").contains("apply")) {
        Json apply = testCase.at("request").at("apply");
        substitute(apply, map);
        const bool audioKind = testCase.at("request").value("applyKind", "video") == "audio";
        auto constraints = parseMediaTrackConstraints(apply.dump());
        if (!constraints) {
            diffs.push_back("apply parse: " + testing::describe(constraints.error()));
            return outcome;
        }
        std::optional<Error> applyError;
        MediaTrackSettings after;
        std::string label;
        if (audioKind && audio) {
            auto selected = selectAudioSettings(*constraints,
                                                std::span(&devices.audio[audio->deviceIndex], 1));
            label = devices.audioLabels[audio->deviceIndex];
            if (selected) {
                after = selected->settings;
            } else {
                applyError = selected.error();
            }
            if (applyError)
                after = audio->settings;
        } else if (video) {
            auto selected = selectVideoSettings(*constraints,
                                                std::span(&devices.video[video->deviceIndex], 1));
            label = devices.videoLabels[video->deviceIndex];
            if (selected) {
                after = selected->settings;
            } else {
                applyError = selected.error();
            }
            if (applyError)
                after = video->settings; // a failed applyConstraints changes nothing
        }
        const Json& result = chromium.at("apply");
        if (result.contains("error")) {
            if (applyError) {
                compareError(result.at("error"), *applyError, diffs);
            } else {
                diffs.emplace_back("apply: chromium failed, we succeeded");
            }
        } else if (applyError) {
            diffs.push_back("apply: ours " + testing::describe(*applyError));
        }
        for (const Json& track : chromium.at("afterApply")) {
            if ((track.at("kind") == "audio") == audioKind)
                compareTrack(track, after, label);
        }
    }
    return outcome;
}

TEST(ChromiumCases, SelectionMatchesChromiumExceptListedCases)
{
    const std::filesystem::path casesPath(UM_CHROMIUM_CASES);
    if (!std::filesystem::exists(casesPath))
        GTEST_SKIP() << "reference cases not found at " << casesPath;
    const Json cases = Json::parse(readFile(casesPath));
    ASSERT_TRUE(cases.is_array());

    int passed = 0;
    for (const Json& testCase : cases) {
        const std::string name = testCase.at("name");
        const Outcome outcome = runCase(testCase);
        const bool expectedToFail = kExpectedFailures.count(name) > 0;
        std::string detail;
        for (const auto& diff : outcome.diffs)
            detail += "\n    " + diff;
        if (outcome.diffs.empty())
            ++passed;
        if (expectedToFail) {
            EXPECT_FALSE(outcome.diffs.empty())
                    << name
                    << " now matches Chromium: remove it from chromium_expected_differences.h";
        } else {
            EXPECT_TRUE(outcome.diffs.empty()) << name << " differs from Chromium:" << detail;
        }
    }
    std::cout << "[ chromium ] " << passed << " of " << cases.size() << " cases match Chromium; "
              << kExpectedFailures.size() << " are listed as expected differences\n";
    for (const auto& entry : kExpectedFailures) {
        const std::string& name = entry.first;
        const bool known = std::any_of(cases.begin(), cases.end(),
                                       [&](const Json& c) { return c.at("name") == name; });
        EXPECT_TRUE(known) << name << " is listed but not in the reference";
    }
}

} // namespace
} // namespace usermedia
