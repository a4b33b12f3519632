// SPDX-License-Identifier: MIT
// SelectSettings over many devices and the JSON parser, timed with Google Benchmark.
// The goal (issue 3, "Robust and fast"): one selection over 8 cameras with 200 native modes
// each takes under 50 microseconds. scripts/bench.sh runs this with repetitions and fails when
// the median of any BM_Select* benchmark is over that bound.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include <usermedia/constraints.h>

#include "constraints/select_settings.h"

namespace usermedia {
namespace {

struct Size
{
    int width;
    int height;
};

// The sizes a UVC camera typically lists, from QQVGA to 4K.
constexpr Size kSizes[] = {{160, 120},   {176, 144},   {320, 180},   {320, 240},   {352, 288},
                           {424, 240},   {640, 360},   {640, 480},   {800, 448},   {800, 600},
                           {848, 480},   {960, 540},   {1024, 576},  {1024, 768},  {1280, 720},
                           {1280, 800},  {1280, 960},  {1280, 1024}, {1600, 900},  {1600, 1200},
                           {1920, 1080}, {2048, 1536}, {2560, 1440}, {2592, 1944}, {3840, 2160}};
static_assert(std::size(kSizes) == 25);

// The fastest standard rate that fits \p bytesPerSecond for frames of \p frameBytes.
double fastestRate(double bytesPerSecond, double frameBytes, double cap)
{
    for (const double rate : {60.0, 30.0, 25.0, 20.0, 15.0, 10.0, 5.0}) {
        if (rate <= cap && rate * frameBytes <= bytesPerSecond)
            return rate;
    }
    return 2.0;
}

// One camera with 4 formats x 25 sizes x 2 frame-rate entries = 200 native modes. Uncompressed
// formats are limited by the bus (their rates fall with size) and are also offered as a
// continuous range, as PipeWire reports them; compressed ones list two discrete rates.
VideoSourceCandidate makeCamera(std::size_t index)
{
    VideoSourceCandidate cam;
    cam.deviceId = "cam" + std::to_string(index);
    cam.groupId = "group" + std::to_string(index / 2);
    if (index % 4 == 0)
        cam.facingMode = "user";
    else if (index % 4 == 1)
        cam.facingMode = "environment";
    // Newer cameras (higher index) sit on faster buses.
    const double bus = 24e6 * (1.0 + double(index));
    for (const Size s : kSizes) {
        const double pixels = double(s.width) * s.height;
        const double yuyv = fastestRate(bus, 2 * pixels, 60);
        const double i420 = fastestRate(bus, 1.5 * pixels, 60);
        const double mjpeg = pixels <= 1280 * 720 ? 60 : 30;
        const double nv12 = pixels <= 1920 * 1080 ? 60 : 30;
        cam.modes.push_back({NativePixelFormat::YUYV, s.width, s.height, yuyv, yuyv});
        cam.modes.push_back({NativePixelFormat::YUYV, s.width, s.height, 1, yuyv});
        cam.modes.push_back({NativePixelFormat::I420, s.width, s.height, i420, i420});
        cam.modes.push_back({NativePixelFormat::I420, s.width, s.height, 1, i420});
        cam.modes.push_back({NativePixelFormat::MJPEG, s.width, s.height, mjpeg, mjpeg});
        cam.modes.push_back({NativePixelFormat::MJPEG, s.width, s.height, 15, 15});
        cam.modes.push_back({NativePixelFormat::NV12, s.width, s.height, nv12, nv12});
        cam.modes.push_back({NativePixelFormat::NV12, s.width, s.height, nv12 / 2, nv12 / 2});
    }
    return cam;
}

const std::vector<VideoSourceCandidate>& cameras()
{
    static const std::vector<VideoSourceCandidate> kCameras = [] {
        std::vector<VideoSourceCandidate> cams;
        for (std::size_t i = 0; i < 8; ++i)
            cams.push_back(makeCamera(i));
        return cams;
    }();
    return kCameras;
}

const std::vector<AudioSourceCandidate>& microphones()
{
    static const std::vector<AudioSourceCandidate> kMicrophones = [] {
        std::vector<AudioSourceCandidate> mics;
        for (std::size_t i = 0; i < 8; ++i) {
            AudioSourceCandidate mic;
            mic.deviceId = "mic" + std::to_string(i);
            mic.groupId = "group" + std::to_string(i / 2);
            for (const int rate : {8000, 16000, 22050, 32000, 44100, 48000, 88200, 96000}) {
                for (const int channels : {1, 2})
                    mic.modes.push_back(NativeAudioMode{rate, channels, 16, 0.01});
                mic.modes.push_back(NativeAudioMode{rate, 2, 24, 0.005});
            }
            mics.push_back(std::move(mic));
        }
        return mics;
    }();
    return kMicrophones;
}

enum class Expect
{
    Success,
    Overconstrained
};

template <typename Select, typename Candidates>
void runSelection(benchmark::State& state, const std::string& json, Expect expect, Select select,
                  const Candidates& candidates)
{
    auto constraints = parseMediaTrackConstraints(json);
    if (!constraints) {
        state.SkipWithError(("does not parse: " + json).c_str());
        return;
    }
    // The request must do what its name says before it is timed.
    auto first = select(*constraints, candidates);
    const bool ok = first.has_value();
    if (ok != (expect == Expect::Success)) {
        state.SkipWithError(ok ? "expected OverconstrainedError, got settings"
                               : first.error().message.c_str());
        return;
    }
    for (auto _ : state) {
        auto result = select(*constraints, candidates);
        benchmark::DoNotOptimize(result);
    }
    state.counters["modes"] = double(candidates.size() * candidates.front().modes.size());
}

void selectVideo(benchmark::State& state, const char* json, Expect expect)
{
    runSelection(
            state, json, expect,
            [](const MediaTrackConstraints& c, const std::vector<VideoSourceCandidate>& cams) {
                return selectVideoSettings(c, cams);
            },
            cameras());
}

void selectAudio(benchmark::State& state, const char* json, Expect expect)
{
    runSelection(
            state, json, expect,
            [](const MediaTrackConstraints& c, const std::vector<AudioSourceCandidate>& mics) {
                return selectAudioSettings(c, mics);
            },
            microphones());
}

// A typical modern request: a camera range with ideals and an advanced preference, and a
// microphone with processing switches.
constexpr const char* kTypicalRequest =
        R"({"video": {"width": {"min": 640, "ideal": 1280, "max": 1920},)"
        R"( "height": {"min": 480, "ideal": 720}, "frameRate": {"ideal": 30, "max": 60},)"
        R"( "facingMode": "user", "advanced": [{"aspectRatio": 1.7777777778},)"
        R"( {"resizeMode": "none"}]},)"
        R"( "audio": {"echoCancellation": true, "noiseSuppression": true,)"
        R"( "sampleRate": 48000, "channelCount": {"ideal": 2}}})";

void parseTypicalRequest(benchmark::State& state)
{
    for (auto _ : state) {
        auto result = parseMediaStreamConstraints(kTypicalRequest);
        if (!result) {
            state.SkipWithError(result.error().message.c_str());
            return;
        }
        benchmark::DoNotOptimize(result);
    }
}

void registerAll()
{
    struct Case
    {
        const char* name;
        const char* json;
        Expect expect;
    };
    // Each request is JSON as an application would write it (bare values are ideals).
    static const Case kVideo[] = {
            {"video_true", "{}", Expect::Success},
            {"ideal_1280x720", R"({"width": 1280, "height": 720})", Expect::Success},
            {"exact_1920x1080_min30fps",
             R"({"width": {"exact": 1920}, "height": {"exact": 1080}, "frameRate": {"min": 30}})",
             Expect::Success},
            {"advanced",
             R"({"width": {"min": 640}, "advanced": [{"width": {"min": 4000}},)"
             R"( {"aspectRatio": 1.7777777778}, {"frameRate": {"min": 50}},)"
             R"( {"facingMode": "environment"}]})",
             Expect::Success},
            {"resize_none_ideal_24fps", R"({"resizeMode": "none", "frameRate": 24})",
             Expect::Success},
            {"device_exact_ideal_size",
             R"({"deviceId": {"exact": "cam7"}, "width": 1600, "height": 1200})", Expect::Success},
            {"impossible_width_min_8000", R"({"width": {"min": 8000}})", Expect::Overconstrained},
    };
    for (const Case& c : kVideo) {
        benchmark::RegisterBenchmark((std::string("BM_SelectVideo/") + c.name).c_str(), selectVideo,
                                     c.json, c.expect)
                ->Unit(benchmark::kMicrosecond);
    }
    static const Case kAudio[] = {
            {"audio_true", "{}", Expect::Success},
            {"ec_off_48k_stereo",
             R"({"echoCancellation": false, "sampleRate": 48000, "channelCount": {"exact": 2}})",
             Expect::Success},
            {"impossible_rate", R"({"sampleRate": {"min": 192000}})", Expect::Overconstrained},
    };
    for (const Case& c : kAudio) {
        benchmark::RegisterBenchmark((std::string("BM_SelectAudio/") + c.name).c_str(), selectAudio,
                                     c.json, c.expect)
                ->Unit(benchmark::kMicrosecond);
    }
    benchmark::RegisterBenchmark("BM_ParseTypicalRequest", parseTypicalRequest)
            ->Unit(benchmark::kMicrosecond);
}

} // namespace
} // namespace usermedia

int main(int argc, char** argv)
{
    usermedia::registerAll();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
