// SPDX-License-Identifier: MIT
#include "backends/fake/fake_device_spec.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "backends/fake/fake_backend.h"

namespace usermedia::fake {
namespace {

using ::testing::HasSubstr;

std::vector<FakeDeviceSpec> parseOk(const std::string& json)
{
    auto result = parseFakeDevices(json, "test.json");
    EXPECT_TRUE(result.has_value()) << (result ? "" : result.error().message);
    return result ? *result : std::vector<FakeDeviceSpec>{};
}

// Every pixel format has a name, and the name reads back (any case): device files, the CLI and
// explanations share them.
TEST(NativePixelFormatNames, EveryFormatRoundTrips)
{
    for (int i = 0; i <= static_cast<int>(NativePixelFormat::Y16); ++i) {
        const auto format = static_cast<NativePixelFormat>(i);
        const std::string_view name = toString(format);
        EXPECT_NE(name, "unknown") << i;
        EXPECT_EQ(nativePixelFormatFromString(name), format) << name;
        std::string upper(name);
        std::transform(upper.begin(), upper.end(), upper.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        EXPECT_EQ(nativePixelFormatFromString(upper), format) << upper;
    }
    EXPECT_FALSE(nativePixelFormatFromString("h264"));
    EXPECT_FALSE(nativePixelFormatFromString(""));
}

TEST(FakeDeviceSpec, ParsesEveryMember)
{
    const auto devices = parseOk(R"({"devices": [
        {"kind": "videoinput", "id": "cam", "label": "Cam", "groupId": "g", "facingMode": "environment",
         "modes": [{"format": "nv12", "width": 641, "height": 479, "frameRate": 25},
                   {"format": "MJPEG", "width": 1280, "height": 720, "frameRate": {"min": 1, "max": 30}},
                   {"format": "yuyv", "width": 320, "height": 240, "frameRates": [30, 15, 5]}],
         "faults": {"unplugAfterFrames": 10, "stall": {"afterFrames": 3, "forFrames": 4}}},
        {"kind": "audioinput", "id": "mic", "label": "Mic",
         "modes": [{"sampleRate": 44100, "channels": 2, "sampleSize": 24, "latency": 0.02}],
         "tone": {"frequency": 500, "beepFrequency": 2000}, "faults": {"open": "busy"}}]})");
    ASSERT_EQ(devices.size(), 2U);

    const DeviceDescription& cam = devices[0].description;
    EXPECT_EQ(cam.kind, MediaDeviceKind::VideoInput);
    EXPECT_EQ(cam.id, "cam");
    EXPECT_EQ(cam.label, "Cam");
    EXPECT_EQ(cam.groupId, "g");
    EXPECT_EQ(cam.facingMode, "environment");
    const std::vector<NativeVideoMode> modes{
            {NativePixelFormat::NV12, 641, 479, 25, 25},
            {NativePixelFormat::MJPEG, 1280, 720, 1, 30},
            {NativePixelFormat::YUYV, 320, 240, 30, 30},
            {NativePixelFormat::YUYV, 320, 240, 15, 15},
            {NativePixelFormat::YUYV, 320, 240, 5, 5},
    };
    EXPECT_EQ(cam.videoModes, modes);
    EXPECT_EQ(devices[0].faults.unplugAfterFrames, 10U);
    EXPECT_EQ(devices[0].faults.stall, (StallFault{3, 4}));
    EXPECT_EQ(devices[0].faults.open, OpenFault::None);

    const DeviceDescription& mic = devices[1].description;
    EXPECT_EQ(mic.kind, MediaDeviceKind::AudioInput);
    EXPECT_EQ(mic.groupId, "mic"); // defaults to the id
    EXPECT_FALSE(mic.facingMode.has_value());
    EXPECT_EQ(mic.audioModes, (std::vector<NativeAudioMode>{{44100, 2, 24, 0.02}}));
    EXPECT_EQ(devices[1].tone, (ToneSettings{500, 2000}));
    EXPECT_EQ(devices[1].faults.open, OpenFault::Busy);
}

TEST(FakeDeviceSpec, AcceptsABareArrayAndNoDevices)
{
    const auto devices = parseOk(R"([{"kind": "audioinput", "id": "m",
                                       "modes": [{"sampleRate": 8000, "channels": 1}]}])");
    ASSERT_EQ(devices.size(), 1U);
    EXPECT_EQ(devices[0].description.audioModes[0].sampleSize, 16);
    EXPECT_EQ(devices[0].tone, ToneSettings{});
    EXPECT_TRUE(parseOk(R"({"devices": []})").empty());
}

struct BadCase
{
    const char* json;
    const char* path;    // the member path the message must name
    const char* problem; // and a word about what is wrong
};

void PrintTo(const BadCase& c, std::ostream* os)
{
    *os << c.json;
}

class FakeDeviceSpecErrors : public ::testing::TestWithParam<BadCase>
{};

TEST_P(FakeDeviceSpecErrors, NameTheMemberPath)
{
    auto result = parseFakeDevices(GetParam().json, "bad.json");
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().name, ErrorName::TypeError);
    const std::string& message = result.error().message;
    EXPECT_EQ(message.rfind("bad.json: ", 0), 0U) << message;
    EXPECT_THAT(message, HasSubstr(std::string(GetParam().path) + ": ")) << message;
    EXPECT_THAT(message, HasSubstr(GetParam().problem)) << message;
}

#define VIDEO(modes) R"({"devices": [{"kind": "videoinput", "id": "v", "modes": [)" modes "]}]}"
#define AUDIO(modes) R"({"devices": [{"kind": "audioinput", "id": "a", "modes": [)" modes "]}]}"
#define MODE R"({"format": "i420", "width": 64, "height": 48, "frameRate": 30})"
#define AMODE R"({"sampleRate": 48000, "channels": 1})"

INSTANTIATE_TEST_SUITE_P(
        Members, FakeDeviceSpecErrors,
        ::testing::Values(
                BadCase{R"({"devices": {}})", "devices", "array"},
                BadCase{R"({"devices": [], "extra": 1})", "", "unknown member 'extra'"},
                BadCase{R"([{"kind": "audiooutput", "id": "x", "modes": []}])", "[0].kind",
                        "unknown kind 'audiooutput'"},
                BadCase{R"({"devices": [{"kind": "videoinput", "modes": [)" MODE "]}]}",
                        "devices[0]", "missing member 'id'"},
                BadCase{R"({"devices": [{"kind": "videoinput", "id": "v", "lable": "x", "modes": [)" MODE
                        "]}]}",
                        "devices[0]", "unknown member 'lable'"},
                BadCase{R"({"devices": [{"kind": "videoinput", "id": "v", "facingMode": "front", "modes": [)" MODE
                        "]}]}",
                        "devices[0].facingMode", "front"},
                BadCase{VIDEO(""), "devices[0].modes", "at least one mode"},
                BadCase{VIDEO(MODE
                              R"(, {"format": "h264", "width": 64, "height": 48, "frameRate": 30})"),
                        "devices[0].modes[1].format", "unknown format 'h264'"},
                BadCase{VIDEO(R"({"format": "i420", "width": 0, "height": 48, "frameRate": 30})"),
                        "devices[0].modes[0].width", "got 0"},
                BadCase{VIDEO(R"({"format": "i420", "width": "64", "height": 48, "frameRate": 30})"),
                        "devices[0].modes[0].width", "integer"},
                BadCase{VIDEO(R"({"format": "i420", "width": 64.5, "height": 48, "frameRate": 30})"),
                        "devices[0].modes[0].width", "integer"},
                BadCase{VIDEO(R"({"format": "i420", "width": 64, "height": -2, "frameRate": 30})"),
                        "devices[0].modes[0].height", "got -2"},
                BadCase{VIDEO(R"({"format": "i420", "width": 64, "height": 48, "frameRate": 0})"),
                        "devices[0].modes[0].frameRate", "got 0"},
                BadCase{VIDEO(R"({"format": "i420", "width": 64, "height": 48, "frameRate": 1001})"),
                        "devices[0].modes[0].frameRate", "1001"},
                BadCase{VIDEO(R"({"format": "i420", "width": 64, "height": 48, "frameRate": {"min": 30, "max": 5}})"),
                        "devices[0].modes[0].frameRate", "min must not exceed max"},
                BadCase{VIDEO(R"({"format": "i420", "width": 64, "height": 48, "frameRate": {"min": 1, "max": 5, "step": 1}})"),
                        "devices[0].modes[0].frameRate", "unknown member 'step'"},
                BadCase{VIDEO(R"({"format": "i420", "width": 64, "height": 48, "frameRates": [30, -1]})"),
                        "devices[0].modes[0].frameRates[1]", "got -1"},
                BadCase{VIDEO(R"({"format": "i420", "width": 64, "height": 48})"),
                        "devices[0].modes[0]", "frameRate"},
                BadCase{VIDEO(R"({"format": "i420", "width": 64, "height": 48, "fps": 30})"),
                        "devices[0].modes[0]", "unknown member 'fps'"},
                BadCase{AUDIO(R"({"sampleRate": 7999, "channels": 1})"),
                        "devices[0].modes[0].sampleRate", "8000..384000"},
                BadCase{AUDIO(AMODE R"(, {"sampleRate": 384001, "channels": 1})"),
                        "devices[0].modes[1].sampleRate", "384001"},
                BadCase{AUDIO(R"({"sampleRate": 48000, "channels": 0})"),
                        "devices[0].modes[0].channels", "1..8"},
                BadCase{AUDIO(R"({"sampleRate": 48000, "channels": 9})"),
                        "devices[0].modes[0].channels", "got 9"},
                BadCase{AUDIO(R"({"sampleRate": 48000, "channels": 2, "sampleSize": 12})"),
                        "devices[0].modes[0].sampleSize", "got 12"},
                BadCase{AUDIO(MODE), "devices[0].modes[0]", "unknown member"},
                BadCase{R"({"devices": [{"kind": "audioinput", "id": "a", "tone": {"frequency": 0}, "modes": [)" AMODE
                        "]}]}",
                        "devices[0].tone.frequency", "got 0"},
                BadCase{R"({"devices": [{"kind": "videoinput", "id": "v", "tone": {}, "modes": [)" MODE
                        "]}]}",
                        "devices[0]", "unknown member 'tone'"},
                BadCase{R"({"devices": [{"kind": "videoinput", "id": "v", "faults": {"open": "broken"}, "modes": [)" MODE
                        "]}]}",
                        "devices[0].faults.open", "unknown open fault 'broken'"},
                BadCase{R"({"devices": [{"kind": "videoinput", "id": "v", "faults": {"unplugAfter": 3}, "modes": [)" MODE
                        "]}]}",
                        "devices[0].faults", "unknown member 'unplugAfter'"},
                BadCase{R"({"devices": [{"kind": "videoinput", "id": "v", "faults": {"stall": {"afterFrames": 1, "forFrames": 0}}, "modes": [)" MODE
                        "]}]}",
                        "devices[0].faults.stall.forFrames", "got 0"},
                BadCase{R"({"devices": [{"kind": "videoinput", "id": "v", "modes": [)" MODE
                        R"(]}, {"kind": "audioinput", "id": "v", "modes": [)" AMODE "]}]}",
                        "devices[1].id", "duplicate id 'v' (also devices[0])"}));

TEST(FakeDeviceSpec, MalformedJsonNamesByteAndLine)
{
    const std::string json = "{\"devices\": [\n  {\"kind\": \"videoinput\",\n   \"id\": }\n]}";
    auto result = parseFakeDevices(json, "broken.json");
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().name, ErrorName::TypeError);
    const std::string& message = result.error().message;
    EXPECT_THAT(message, HasSubstr("broken.json: malformed JSON at byte "));
    EXPECT_THAT(message, HasSubstr("(line 3)"));
    const auto offset = json.find('}');
    EXPECT_THAT(message, HasSubstr("byte " + std::to_string(offset))) << message;
}

TEST(FakeBackendDescription, DefaultSetIsAWebcamAndAMicrophone)
{
    auto backend = createFakeBackend("  default\n", nullptr);
    ASSERT_TRUE(backend.has_value());
    EXPECT_EQ((*backend)->name(), "fake");
    EXPECT_TRUE((*backend)->probe().has_value());
    const auto devices = (*backend)->enumerate();
    ASSERT_EQ(devices.size(), 2U);

    const DeviceDescription& camera = devices[0];
    EXPECT_EQ(camera.id, "fake-camera-0");
    EXPECT_EQ(camera.label, "Fake Camera");
    EXPECT_EQ(camera.groupId, "fake-group-0");
    EXPECT_EQ(camera.facingMode, "user");
    const auto has = [&](NativePixelFormat format, int width, int height, double rate) {
        return std::count(camera.videoModes.begin(), camera.videoModes.end(),
                          NativeVideoMode{format, width, height, rate, rate}) == 1;
    };
    EXPECT_TRUE(has(NativePixelFormat::MJPEG, 1920, 1080, 30));
    EXPECT_TRUE(has(NativePixelFormat::MJPEG, 1280, 720, 30));
    EXPECT_TRUE(has(NativePixelFormat::MJPEG, 640, 480, 30));
    EXPECT_TRUE(has(NativePixelFormat::YUYV, 1280, 720, 10));
    EXPECT_TRUE(has(NativePixelFormat::YUYV, 640, 480, 30));
    EXPECT_TRUE(has(NativePixelFormat::YUYV, 320, 240, 30));
    EXPECT_TRUE(has(NativePixelFormat::YUYV, 160, 120, 30));
    EXPECT_FALSE(has(NativePixelFormat::YUYV, 1280, 720, 30)); // beyond USB 2 bandwidth

    const DeviceDescription& microphone = devices[1];
    EXPECT_EQ(microphone.id, "fake-microphone-0");
    EXPECT_EQ(microphone.label, "Fake Microphone");
    EXPECT_EQ(microphone.groupId, "fake-group-0");
    EXPECT_EQ(microphone.audioModes,
              (std::vector<NativeAudioMode>{{48000, 1, 16, 0.01}, {48000, 2, 16, 0.01}}));
}

TEST(FakeBackendDescription, InlineJson)
{
    auto backend = createFakeBackend(
            R"(  [{"kind": "videoinput", "id": "only", "modes": [)" MODE "]}]", nullptr);
    ASSERT_TRUE(backend.has_value()) << backend.error().message;
    ASSERT_EQ((*backend)->enumerate().size(), 1U);
    EXPECT_EQ((*backend)->enumerate()[0].id, "only");

    auto bad = createFakeBackend(R"({"devices": [{"kind": "camera"}]})", nullptr);
    ASSERT_FALSE(bad.has_value());
    EXPECT_THAT(bad.error().message, HasSubstr("inline JSON: devices[0].kind"));
}

class FakeBackendFile : public ::testing::Test
{
protected:
    std::filesystem::path write(const std::string& name, const std::string& text)
    {
        const auto path = std::filesystem::path(::testing::TempDir()) / name;
        std::ofstream(path) << text;
        return path;
    }
};

TEST_F(FakeBackendFile, ReadsDevicesFromAFile)
{
    const auto path =
            write("fake_devices_ok.json",
                  R"({"devices": [{"kind": "audioinput", "id": "mic", "modes": [)" AMODE "]}]}");
    auto backend = createFakeBackend(path.string(), nullptr);
    ASSERT_TRUE(backend.has_value()) << backend.error().message;
    ASSERT_EQ((*backend)->enumerate().size(), 1U);
    EXPECT_EQ((*backend)->enumerate()[0].id, "mic");
}

TEST_F(FakeBackendFile, ErrorsNameTheFileAndMember)
{
    const auto path = write(
            "fake_devices_bad.json",
            VIDEO(MODE R"(, {"format": "i420", "width": 64, "height": 48, "frameRate": 2000})"));
    auto backend = createFakeBackend(path.string(), nullptr);
    ASSERT_FALSE(backend.has_value());
    EXPECT_EQ(backend.error().name, ErrorName::TypeError);
    EXPECT_THAT(backend.error().message,
                HasSubstr(path.string() + ": devices[0].modes[1].frameRate: "));
}

TEST_F(FakeBackendFile, MissingFileNamesPathAndReason)
{
    const auto path = std::filesystem::path(::testing::TempDir()) / "no_such_fake_devices.json";
    auto backend = createFakeBackend(path.string(), nullptr);
    ASSERT_FALSE(backend.has_value());
    EXPECT_EQ(backend.error().name, ErrorName::TypeError);
    EXPECT_EQ(backend.error().osError, ENOENT);
    EXPECT_THAT(backend.error().message, HasSubstr(path.string()));
    EXPECT_THAT(backend.error().message, HasSubstr(std::strerror(ENOENT)));
}

} // namespace
} // namespace usermedia::fake
