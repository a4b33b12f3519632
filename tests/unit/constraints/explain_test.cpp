// SPDX-License-Identifier: MIT
// The engine explains itself (src/constraints/explain.h): every candidate SelectSettings
// considered, the chosen one first, the constraint that excluded each other one and by how much,
// and on failure the nearest alternatives. Run against the Chromium device files
// (tests/conformance/chromium/*.json) and against random devices and constraints to check that
// the explaining run selects exactly what the fast one does.
#include "constraints/explain.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <usermedia/constraints.h>
#include <usermedia/explain.h>

#include "constraints/select_settings.h"

#include "unit/constraints/random_requests.h"

namespace usermedia {
namespace {

using Json = nlohmann::json;

struct Devices
{
    std::vector<VideoSourceCandidate> video;
    std::vector<AudioSourceCandidate> audio;
};

Devices loadDevices(const std::string& run)
{
    std::ifstream in(std::filesystem::path(UM_SOURCE_DIR) / "tests/conformance/chromium" /
                     (run + ".json"));
    std::stringstream text;
    text << in.rdbuf();
    const Json file = Json::parse(text.str());
    Devices out;
    for (const Json& device : file.at("devices")) {
        if (device.at("kind") == "videoinput") {
            VideoSourceCandidate c;
            c.deviceId = device.at("id");
            c.groupId = device.at("groupId");
            if (device.contains("facingMode"))
                c.facingMode = device.at("facingMode").get<std::string>();
            for (const Json& m : device.at("modes")) {
                NativeVideoMode mode; // every mode of these files is i420
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
        } else {
            AudioSourceCandidate c;
            c.deviceId = device.at("id");
            c.groupId = device.at("groupId");
            for (const Json& m : device.at("modes")) {
                c.modes.push_back(NativeAudioMode{m.at("sampleRate"), m.at("channels"),
                                                  m.value("sampleSize", 16),
                                                  m.value("latency", 0.01)});
            }
            out.audio.push_back(std::move(c));
        }
    }
    return out;
}

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

std::string dump(const SelectionExplanation& e)
{
    std::string text = e.summary + "\n";
    for (const auto& c : e.candidates) {
        text += "  " + c.deviceId + " " + explain::modeText(c.mode) + " " + c.resizeMode +
                (c.chosen ? " CHOSEN" : "") + " rank " + std::to_string(c.rank) + ": " +
                (c.excluded ? c.excluded->message() : explain::settingsText(c.settings)) + "\n";
    }
    for (const auto& a : e.alternatives)
        text += "  alternative: " + a + "\n";
    return text;
}

std::size_t countExcluded(const SelectionExplanation& e)
{
    return static_cast<std::size_t>(std::count_if(e.candidates.begin(), e.candidates.end(),
                                                  [](const auto& c) { return c.excluded; }));
}

// ---- video ----

TEST(ExplainVideo, ListsEveryCandidateWithTheChosenOneFirst)
{
    const Devices devices = loadDevices("default");
    const MediaTrackConstraints none;
    SelectionExplanation e;
    const auto selected = selectVideoSettings(none, devices.video, &e);
    ASSERT_TRUE(selected);

    // One camera with 6 native modes, each reachable natively ("none") or by crop-and-scale.
    ASSERT_EQ(e.kind, MediaDeviceKind::VideoInput);
    ASSERT_EQ(e.candidates.size(), 12u) << dump(e);
    EXPECT_EQ(countExcluded(e), 0u);
    const CandidateReport& chosen = e.candidates.front();
    EXPECT_TRUE(chosen.chosen);
    EXPECT_EQ(chosen.rank, 1u);
    EXPECT_EQ(chosen.settings, selected->settings);
    EXPECT_EQ(chosen.deviceId, "fake_device_0_id");
    EXPECT_EQ(chosen.mode.format, "i420");
    EXPECT_EQ(chosen.mode.width, selected->nativeMode.width);
    EXPECT_EQ(chosen.mode.height, selected->nativeMode.height);
    EXPECT_EQ(chosen.fitnessDistance, 0.0);
    // Chromium's default: 640x480 from the native 640x480 mode.
    EXPECT_EQ(*chosen.settings.width, 640);
    EXPECT_EQ(*chosen.settings.height, 480);

    // Ranks run 1..12 in order; only one candidate is chosen; every (mode, resize) appears once.
    std::vector<std::pair<int, std::string>> seen;
    for (std::size_t i = 0; i < e.candidates.size(); ++i) {
        const auto& c = e.candidates[i];
        EXPECT_EQ(c.rank, i + 1);
        EXPECT_EQ(c.chosen, i == 0);
        EXPECT_TRUE(c.resizeMode == "none" || c.resizeMode == "crop-and-scale");
        EXPECT_EQ(c.settings.deviceId, "fake_device_0_id");
        seen.emplace_back(c.mode.width, c.resizeMode);
    }
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end());
    EXPECT_TRUE(e.alternatives.empty());
    EXPECT_TRUE(contains(e.summary, "chose fake_device_0_id")) << e.summary;
    EXPECT_TRUE(contains(e.summary, "12 candidates, 0 excluded")) << e.summary;
}

TEST(ExplainVideo, TheRunnerUpsAreRankedByTheirDistance)
{
    const Devices devices = loadDevices("default");
    MediaTrackConstraints c;
    c.width = ConstrainNumber::idealOf(1280);
    c.height = ConstrainNumber::idealOf(720);
    c.resizeMode = ConstrainString::exactly({"none"});
    const auto e = explainVideoSelection(c, devices.video);
    ASSERT_EQ(e.candidates.size(), 12u) << dump(e);
    EXPECT_EQ(*e.candidates[0].settings.width, 1280) << dump(e);
    // Eligible native modes by fitness distance; the crop-and-scale ones are excluded.
    for (std::size_t i = 1; i < 6; ++i) {
        EXPECT_FALSE(e.candidates[i].excluded) << dump(e);
        EXPECT_LE(e.candidates[i - 1].fitnessDistance, e.candidates[i].fitnessDistance) << dump(e);
    }
    for (std::size_t i = 6; i < 12; ++i) {
        ASSERT_TRUE(e.candidates[i].excluded) << dump(e);
        EXPECT_EQ(e.candidates[i].excluded->constraint, "resizeMode");
        EXPECT_EQ(e.candidates[i].resizeMode, "crop-and-scale");
        EXPECT_EQ(e.candidates[i].rank, 0u);
    }
}

// The example: nothing reaches 4000 pixels wide on Chromium's default camera.
TEST(ExplainVideo, AnImpossibleWidthNamesTheWidestMode)
{
    const Devices devices = loadDevices("default");
    MediaTrackConstraints c;
    c.width = ConstrainNumber::atLeast(4000);
    SelectionExplanation e;
    const auto selected = selectVideoSettings(c, devices.video, &e);
    ASSERT_FALSE(selected);
    EXPECT_EQ(selected.error().name, ErrorName::OverconstrainedError);
    EXPECT_EQ(selected.error().constraint, "width");

    // The error message itself points at the nearest mode, without the device id (it is seen
    // before permission).
    const std::string& message = selected.error().message;
    EXPECT_TRUE(contains(message, "width >= 4000")) << message;
    EXPECT_TRUE(contains(message, "the widest is 3840x2160")) << message;
    EXPECT_FALSE(contains(message, "fake_device_0_id")) << message;

    ASSERT_EQ(e.candidates.size(), 12u) << dump(e);
    EXPECT_EQ(countExcluded(e), 12u);
    for (const auto& candidate : e.candidates) {
        EXPECT_FALSE(candidate.chosen);
        ASSERT_TRUE(candidate.excluded);
        EXPECT_EQ(candidate.excluded->constraint, "width");
        EXPECT_EQ(candidate.excluded->required, "width >= 4000");
        EXPECT_TRUE(contains(candidate.excluded->offered, std::to_string(candidate.mode.width)))
                << candidate.excluded->offered;
    }
    // Nearest first: the 3840 wide mode, 4% short.
    const auto& nearest = e.candidates.front();
    EXPECT_EQ(nearest.mode.width, 3840);
    EXPECT_NEAR(nearest.excluded->shortfall, 160.0 / 4000, 1e-12);
    EXPECT_TRUE(contains(nearest.excluded->message(), "width: needs width >= 4000")) << dump(e);
    for (std::size_t i = 1; i < e.candidates.size(); ++i)
        EXPECT_LE(e.candidates[i - 1].excluded->shortfall, e.candidates[i].excluded->shortfall);
    // Crop-and-scale reaches up to the native width; "none" only the native width.
    for (const auto& candidate : e.candidates) {
        const std::string expected = candidate.resizeMode == "none" ? "this mode has exactly "
                                                                    : "this mode reaches at most ";
        EXPECT_TRUE(contains(candidate.excluded->offered,
                             expected + std::to_string(candidate.mode.width)))
                << candidate.excluded->offered;
    }

    ASSERT_GE(e.alternatives.size(), 2u) << dump(e);
    EXPECT_TRUE(contains(e.alternatives[0], "no camera mode reaches width >= 4000")) << dump(e);
    EXPECT_TRUE(contains(e.alternatives[0], "the widest is 3840x2160")) << dump(e);
    EXPECT_TRUE(contains(e.alternatives[0], "fake_device_0_id")) << dump(e);
    // Relaxing the min to an ideal gives the widest mode.
    EXPECT_TRUE(contains(e.alternatives[1], "width >= 4000 relaxed to ideal 4000")) << dump(e);
    EXPECT_TRUE(contains(e.alternatives[1], "3840x2160")) << dump(e);
    EXPECT_EQ(e.summary, message);
}

TEST(ExplainVideo, ExcludedCandidatesNameTheConstraintAndShortfall)
{
    const Devices devices = loadDevices("default");

    MediaTrackConstraints fps;
    fps.frameRate = ConstrainNumber::atLeast(30);
    auto e = explainVideoSelection(fps, devices.video);
    ASSERT_EQ(e.candidates.size(), 12u);
    for (const auto& candidate : e.candidates) {
        ASSERT_TRUE(candidate.excluded);
        EXPECT_EQ(candidate.excluded->constraint, "frameRate");
        EXPECT_EQ(candidate.excluded->offered, "this mode reaches at most 20 fps");
        EXPECT_NEAR(candidate.excluded->shortfall, 10.0 / 30, 1e-12);
    }
    ASSERT_FALSE(e.alternatives.empty());
    EXPECT_TRUE(contains(e.alternatives[0], "the fastest is")) << dump(e);

    MediaTrackConstraints exact;
    exact.resizeMode = ConstrainString::exactly({"none"});
    exact.width = ConstrainNumber::exactly(1000);
    e = explainVideoSelection(exact, devices.video);
    ASSERT_EQ(e.candidates.size(), 12u);
    for (const auto& candidate : e.candidates) {
        ASSERT_TRUE(candidate.excluded);
        if (candidate.resizeMode == "crop-and-scale") {
            EXPECT_EQ(candidate.excluded->constraint, "resizeMode") << dump(e);
        } else {
            EXPECT_EQ(candidate.excluded->constraint, "width") << dump(e);
            EXPECT_EQ(candidate.excluded->required, "width exactly 1000");
        }
    }
    // Nearest native widths: 1280 (0.22 away) before 640 (0.36 away).
    EXPECT_EQ(e.candidates.front().mode.width, 1280) << dump(e);

    MediaTrackConstraints id;
    id.deviceId = ConstrainString::exactly({"no-such-camera"});
    const auto selected = selectVideoSettings(id, devices.video, &e);
    ASSERT_FALSE(selected);
    EXPECT_EQ(selected.error().constraint, "deviceId");
    EXPECT_FALSE(contains(selected.error().message, "fake_device_0_id"));
    ASSERT_EQ(e.candidates.size(), 6u) << dump(e); // one per mode: the device is out
    for (const auto& candidate : e.candidates) {
        EXPECT_EQ(candidate.resizeMode, "");
        EXPECT_EQ(candidate.excluded->message(),
                  "deviceId: needs deviceId one of [\"no-such-camera\"], this camera has "
                  "\"fake_device_0_id\"");
    }
    EXPECT_TRUE(contains(e.alternatives.at(0), "[\"fake_device_0_id\"]")) << dump(e);
}

TEST(ExplainVideo, CandidatesReportTheAdvancedSetsTheySatisfy)
{
    const Devices devices = loadDevices("default");
    MediaTrackConstraints c;
    MediaTrackConstraintSet wide;
    wide.width = ConstrainNumber::atLeast(1920);
    MediaTrackConstraintSet impossible;
    impossible.width = ConstrainNumber::atLeast(8000);
    c.advanced = {wide, impossible};
    const auto e = explainVideoSelection(c, devices.video);
    ASSERT_FALSE(e.candidates.empty());
    const auto& chosen = e.candidates.front();
    ASSERT_TRUE(chosen.chosen);
    EXPECT_EQ(chosen.advancedSatisfied, (std::vector<bool>{true, false}));
    EXPECT_GE(*chosen.settings.width, 1920);
    for (const auto& candidate : e.candidates) {
        ASSERT_EQ(candidate.advancedSatisfied.size(), 2u);
        EXPECT_EQ(candidate.advancedSatisfied[0], candidate.mode.width >= 1920) << dump(e);
        EXPECT_FALSE(candidate.advancedSatisfied[1]);
    }
}

TEST(ExplainVideo, JointlyUnsatisfiableConstraintsShowTheNearestCandidate)
{
    const Devices devices = loadDevices("default");
    MediaTrackConstraints c;
    c.resizeMode = ConstrainString::exactly({"none"});
    c.width = ConstrainNumber::exactly(1280);
    c.height = ConstrainNumber::exactly(1080);
    const auto e = explainVideoSelection(c, devices.video);
    EXPECT_TRUE(contains(e.summary, "together with the other constraints")) << dump(e);
    // Relaxing either dimension succeeds.
    bool relaxedHeight = false;
    for (const auto& a : e.alternatives)
        relaxedHeight =
                relaxedHeight || contains(a, "with height exactly 1080 relaxed to ideal 1080");
    EXPECT_TRUE(relaxedHeight) << dump(e);
}

TEST(ExplainVideo, NoCamera)
{
    SelectionExplanation e;
    e.summary = "stale";
    const auto selected = selectVideoSettings({}, {}, &e);
    ASSERT_FALSE(selected);
    EXPECT_EQ(selected.error().name, ErrorName::NotFoundError);
    EXPECT_TRUE(e.candidates.empty());
    EXPECT_EQ(e.summary, selected.error().message);
}

// ---- audio ----

TEST(ExplainAudio, ListsEveryMicrophoneMode)
{
    const Devices devices = loadDevices("default");
    SelectionExplanation e;
    const auto selected = selectAudioSettings({}, devices.audio, &e);
    ASSERT_TRUE(selected);
    ASSERT_EQ(e.kind, MediaDeviceKind::AudioInput);
    // 3 microphones x one 44100 Hz stereo mode x (processed mono, processed stereo, native).
    ASSERT_EQ(e.candidates.size(), 9u) << dump(e);
    EXPECT_TRUE(e.candidates[0].chosen);
    EXPECT_EQ(e.candidates[0].settings, selected->settings);
    EXPECT_EQ(e.candidates[0].mode.sampleRate, selected->nativeMode.sampleRate);
    EXPECT_EQ(e.candidates[0].mode.channelCount, selected->nativeMode.channels);
    EXPECT_TRUE(e.candidates[0].mode.format.empty());
    EXPECT_TRUE(e.candidates[0].resizeMode.empty());
    for (std::size_t i = 0; i < e.candidates.size(); ++i)
        EXPECT_EQ(e.candidates[i].rank, i + 1);
}

TEST(ExplainAudio, AnImpossibleSampleRateNamesTheHighest)
{
    const Devices devices = loadDevices("default");
    MediaTrackConstraints c;
    c.sampleRate = ConstrainNumber::exactly(96000);
    SelectionExplanation e;
    const auto selected = selectAudioSettings(c, devices.audio, &e);
    ASSERT_FALSE(selected);
    EXPECT_EQ(selected.error().constraint, "sampleRate");
    EXPECT_TRUE(contains(selected.error().message, "the highest is 48000 Hz"))
            << selected.error().message;
    EXPECT_FALSE(contains(selected.error().message, "fake_audio_input_1"));
    // One exclusion per native mode (3 microphones x 1), judged on what resampling reaches.
    ASSERT_EQ(e.candidates.size(), 3u);
    for (const auto& candidate : e.candidates) {
        ASSERT_TRUE(candidate.excluded);
        EXPECT_EQ(candidate.excluded->constraint, "sampleRate");
        EXPECT_EQ(candidate.excluded->required, "sampleRate exactly 96000");
        EXPECT_EQ(candidate.excluded->offered, "this mode reaches at most 48000 Hz");
    }
    ASSERT_GE(e.alternatives.size(), 2u);
    EXPECT_TRUE(contains(e.alternatives[0], "on default")) << dump(e);
    EXPECT_TRUE(contains(e.alternatives[1],
                         "sampleRate exactly 96000 relaxed to ideal 96000: 48000 Hz"))
            << dump(e);
}

TEST(ExplainAudio, DeviceIdExclusions)
{
    const Devices devices = loadDevices("default");
    MediaTrackConstraints c;
    c.deviceId = ConstrainString::exactly({"fake_audio_input_2"});
    const auto e = explainAudioSelection(c, devices.audio);
    // The other two microphones' modes excluded; the chosen one's three paths eligible.
    ASSERT_EQ(e.candidates.size(), 5u);
    EXPECT_EQ(e.candidates[0].deviceId, "fake_audio_input_2");
    EXPECT_EQ(countExcluded(e), 2u);
    for (const auto& candidate : e.candidates) {
        if (candidate.excluded) {
            EXPECT_EQ(candidate.excluded->constraint, "deviceId");
        }
    }
}

// ---- the explaining run selects what the fast run selects ----

using testing::RandomRequests;

// Explaining runs the selector without its pruning, so this also checks that pruning never
// changes the answer, ties included (the typical cameras tie often).
TEST(ExplainRandom, ExplainingSelectsWhatTheFastPathSelects)
{
    RandomRequests random(3, RandomRequests::Values::Plausible);
    for (int round = 0; round < 3000; ++round) {
        const auto cams = round % 2 == 0 ? random.cameras() : random.typicalCameras();
        const auto c = random.constraints([&] { return random.videoSet(); });
        const auto fast = selectVideoSettings(c, cams);
        SelectionExplanation e;
        const auto explained = selectVideoSettings(c, cams, &e);
        ASSERT_EQ(fast.has_value(), explained.has_value()) << "round " << round;
        std::size_t modes = 0;
        for (const auto& cam : cams)
            modes += cam.modes.size();
        // Every (mode, resize) candidate is reported (no device-level constraint is required).
        ASSERT_EQ(e.candidates.size(), 2 * modes) << "round " << round;
        if (!fast) {
            EXPECT_EQ(fast.error().constraint, explained.error().constraint);
            EXPECT_EQ(fast.error().message, explained.error().message);
            EXPECT_EQ(countExcluded(e), e.candidates.size()) << dump(e);
            continue;
        }
        EXPECT_EQ(fast->deviceIndex, explained->deviceIndex) << "round " << round;
        EXPECT_EQ(fast->nativeMode, explained->nativeMode) << "round " << round;
        EXPECT_EQ(fast->settings, explained->settings) << "round " << round;
        ASSERT_TRUE(e.candidates.front().chosen) << "round " << round;
        EXPECT_EQ(e.candidates.front().settings, fast->settings) << "round " << round;
        EXPECT_EQ(e.candidates.front().deviceIndex, fast->deviceIndex) << "round " << round;
    }
}

TEST(ExplainRandom, AudioExplainingSelectsWhatTheFastPathSelects)
{
    RandomRequests random(4, RandomRequests::Values::Plausible);
    for (int round = 0; round < 1000; ++round) {
        const auto mics = random.microphones();
        const auto c = random.constraints([&] { return random.audioSet(); });
        const auto fast = selectAudioSettings(c, mics);
        SelectionExplanation e;
        const auto explained = selectAudioSettings(c, mics, &e);
        ASSERT_EQ(fast.has_value(), explained.has_value()) << "round " << round;
        if (!fast)
            continue;
        EXPECT_EQ(fast->settings, explained->settings) << "round " << round;
        ASSERT_TRUE(e.candidates.front().chosen);
        EXPECT_EQ(e.candidates.front().settings, fast->settings) << "round " << round;
    }
}

} // namespace
} // namespace usermedia
