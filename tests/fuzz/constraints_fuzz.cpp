// SPDX-License-Identifier: MIT
// libFuzzer target for the constraints parser and SelectSettings (scripts/fuzz.sh runs it).
//
// Each input is JSON text. It goes through both public parsers; whatever parses is run through
// video and audio selection against a fixed, realistic set of devices, printed with toJson()
// and read back. A crash, a sanitizer report or a broken invariant below is a finding:
//   - the parsers answer TypeError (with a message), OverconstrainedError naming an unknown
//     legacy mandatory name, or constraints, nothing else;
//   - parse(toJson(x)) == x for every track's constraints;
//   - a selection is OverconstrainedError naming a constraint of the kind, or settings that
//     come from one of the device's modes, hold no NaN, stay within the native mode, and
//     satisfy the basic set's required members (spec, SelectSettings: "required constraints");
//   - a request whose basic set requires nothing always succeeds (advanced sets and ideals
//     never make a request fail).
// Invariants are checked with abort() rather than assert() so that they hold in release builds.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <usermedia/constraints.h>
#include <usermedia/error.h>
#include <usermedia/settings.h>

#include "constraints/select_settings.h"

namespace usermedia {
namespace {

[[noreturn]] void fail(const char* what, const std::string& detail)
{
    std::fprintf(stderr, "constraints_fuzz: invariant broken: %s\n%s\n", what, detail.c_str());
    std::abort();
}

#define UM_FUZZ_CHECK(condition, detail)                                                           \
    do {                                                                                           \
        if (!(condition))                                                                          \
            fail(#condition, (detail));                                                            \
    } while (false)

NativeVideoMode mode(NativePixelFormat format, int width, int height, double minRate,
                     double maxRate)
{
    return NativeVideoMode{format, width, height, minRate, maxRate};
}

// Three cameras as real ones enumerate: a laptop webcam (YUYV frame-rate ranges that fall with
// size, MJPEG at fixed rates), a 4K rear camera (NV12, discrete rates up to 60) and a USB
// document camera with odd sizes, a depth-style Y16 mode and one mode a buggy driver reports
// with no frame rate. Ids are the reference cases' placeholders ($video0, ...), so seeds taken
// from them reach real devices.
std::vector<VideoSourceCandidate> makeCameras()
{
    using F = NativePixelFormat;
    std::vector<VideoSourceCandidate> cams(3);

    cams[0].deviceId = "$video0";
    cams[0].groupId = "$vgroup0";
    cams[0].facingMode = "user";
    struct Size
    {
        int width;
        int height;
        double yuyvMaxRate;
    };
    for (const Size s :
         {Size{160, 120, 30}, Size{320, 240, 30}, Size{640, 360, 30}, Size{640, 480, 30},
          Size{800, 600, 20}, Size{1280, 720, 10}, Size{1920, 1080, 5}}) {
        cams[0].modes.push_back(mode(F::YUYV, s.width, s.height, 5, s.yuyvMaxRate));
        cams[0].modes.push_back(mode(F::MJPEG, s.width, s.height, 30, 30));
        if (s.height <= 720)
            cams[0].modes.push_back(mode(F::MJPEG, s.width, s.height, 60, 60));
    }

    cams[1].deviceId = "$video1";
    cams[1].groupId = "$vgroup1";
    cams[1].facingMode = "environment";
    for (const auto& [w, h] : {std::pair{640, 480}, std::pair{1280, 720}, std::pair{1920, 1080},
                               std::pair{2560, 1440}, std::pair{3840, 2160}}) {
        for (const double rate : {15.0, 24.0, 30.0, 60.0}) {
            if (w * h <= 1920 * 1080 || rate <= 30)
                cams[1].modes.push_back(mode(F::NV12, w, h, rate, rate));
        }
    }
    cams[1].modes.push_back(mode(F::NV12, 640, 480, 1, 120));

    cams[2].deviceId = "$video2";
    cams[2].groupId = "$vgroup1"; // shares a group with the rear camera (one physical unit)
    cams[2].modes = {mode(F::I420, 352, 288, 1, 30),       mode(F::I420, 1024, 768, 7.5, 15),
                     mode(F::MJPEG, 2592, 1944, 7.5, 7.5), mode(F::Y16, 640, 480, 30, 30),
                     mode(F::RGB24, 96, 96, 0.5, 30),      mode(F::I420, 1280, 720, 0, 0)};
    return cams;
}

std::vector<AudioSourceCandidate> makeMicrophones()
{
    std::vector<AudioSourceCandidate> mics(2);
    mics[0].deviceId = "default";
    mics[0].groupId = "$agroup0";
    mics[0].modes = {NativeAudioMode{48000, 1, 16, 0.01}, NativeAudioMode{48000, 2, 16, 0.01},
                     NativeAudioMode{44100, 2, 16, 0.01}};
    mics[1].deviceId = "$audio1";
    mics[1].groupId = "$agroup1";
    mics[1].modes = {NativeAudioMode{96000, 2, 24, 0.005}, NativeAudioMode{16000, 1, 16, 0.02},
                     NativeAudioMode{8000, 1, 16, 0.04}};
    return mics;
}

const std::vector<VideoSourceCandidate>& cameras()
{
    static const auto* const kCameras = new std::vector<VideoSourceCandidate>(makeCameras());
    return *kCameras;
}

const std::vector<AudioSourceCandidate>& microphones()
{
    static const auto* const kMicrophones =
            new std::vector<AudioSourceCandidate>(makeMicrophones());
    return *kMicrophones;
}

// The required range of a numeric constraint as WebIDL converts it: ConstrainULong members
// are truncated (unsigned long), ConstrainDouble members kept.
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

bool requiresNumber(const std::optional<ConstrainNumber>& c)
{
    return c && (c->exact || c->min || c->max);
}

bool requiresString(const std::optional<ConstrainString>& c)
{
    return c && c->exact && !c->exact->empty();
}

bool requiresBoolean(const std::optional<ConstrainBoolean>& c)
{
    return c && c->exact;
}

bool requiresVideo(const MediaTrackConstraintSet& s)
{
    return requiresNumber(s.width) || requiresNumber(s.height) || requiresNumber(s.aspectRatio) ||
           requiresNumber(s.frameRate) || requiresString(s.facingMode) ||
           requiresString(s.resizeMode) || requiresString(s.deviceId) || requiresString(s.groupId);
}

bool requiresAudio(const MediaTrackConstraintSet& s)
{
    return requiresNumber(s.sampleRate) || requiresNumber(s.sampleSize) ||
           requiresNumber(s.channelCount) || requiresNumber(s.latency) ||
           requiresBoolean(s.echoCancellation) || requiresBoolean(s.autoGainControl) ||
           requiresBoolean(s.noiseSuppression) || requiresString(s.deviceId) ||
           requiresString(s.groupId);
}

bool isOneOf(std::string_view name, std::initializer_list<std::string_view> names)
{
    return std::find(names.begin(), names.end(), name) != names.end();
}

void checkParseError(const Error& error)
{
    UM_FUZZ_CHECK(!error.message.empty(), error.message);
    if (error.name == ErrorName::OverconstrainedError) {
        // Only an unknown legacy mandatory name fails parsing this way; the message gives its
        // path ("video.mandatory.x", or "mandatory.x" for a track's own constraints).
        UM_FUZZ_CHECK(!error.constraint.empty() &&
                              (error.message.rfind("mandatory.", 0) == 0 ||
                               error.message.find(".mandatory.") != std::string::npos),
                      error.message);
        return;
    }
    UM_FUZZ_CHECK(error.name == ErrorName::TypeError, error.message);
}

void checkRoundTrip(const MediaTrackConstraints& constraints)
{
    const std::string text = toJson(constraints);
    auto back = parseMediaTrackConstraints(text);
    UM_FUZZ_CHECK(back.has_value(), text + "\n" + (back ? "" : back.error().message));
    UM_FUZZ_CHECK(*back == constraints, text + "\nreads back as\n" + toJson(*back));
}

void checkVideo(const MediaTrackConstraints& c)
{
    const auto& cams = cameras();
    auto result = selectVideoSettings(c, cams);
    if (!result) {
        const Error& e = result.error();
        UM_FUZZ_CHECK(e.name == ErrorName::OverconstrainedError, e.message);
        UM_FUZZ_CHECK(isOneOf(e.constraint, {"width", "height", "aspectRatio", "frameRate",
                                             "resizeMode", "facingMode", "deviceId", "groupId"}),
                      e.constraint + ": " + e.message + " for " + toJson(c));
        // Spec, SelectSettings: only required constraints can fail a request.
        UM_FUZZ_CHECK(requiresVideo(c), e.message + " for " + toJson(c));
        return;
    }
    const VideoSelection& s = *result;
    UM_FUZZ_CHECK(s.deviceIndex < cams.size(), toJson(c));
    const auto& device = cams[s.deviceIndex];
    const auto& modes = device.modes;
    UM_FUZZ_CHECK(std::find(modes.begin(), modes.end(), s.nativeMode) != modes.end(), toJson(c));
    const MediaTrackSettings& t = s.settings;
    const NativeVideoMode& m = s.nativeMode;
    // Built only when a check fails: the fuzzer runs these checks millions of times.
    const auto detail = [&] {
        return toJson(t) + " from " + std::to_string(m.width) + "x" + std::to_string(m.height) +
               "@" + std::to_string(m.minFrameRate) + ".." + std::to_string(m.maxFrameRate) +
               " for " + toJson(c);
    };
    UM_FUZZ_CHECK(t.width && t.height && t.frameRate && t.aspectRatio && t.resizeMode, detail());
    UM_FUZZ_CHECK(*t.width >= 1 && *t.width <= m.width, detail());
    UM_FUZZ_CHECK(*t.height >= 1 && *t.height <= m.height, detail());
    UM_FUZZ_CHECK(std::isfinite(*t.frameRate) && *t.frameRate > 0, detail());
    UM_FUZZ_CHECK(*t.frameRate <= m.maxFrameRate, detail());
    UM_FUZZ_CHECK(std::isfinite(*t.aspectRatio) && *t.aspectRatio > 0, detail());
    UM_FUZZ_CHECK(std::fabs(*t.aspectRatio - double(*t.width) / *t.height) < 1e-9, detail());
    if (*t.resizeMode == "none") {
        // Native size; the frame rate may still be decimated (Chromium:
        // default/resize-none-fps-10).
        UM_FUZZ_CHECK(*t.width == m.width && *t.height == m.height, detail());
    } else {
        UM_FUZZ_CHECK(*t.resizeMode == "crop-and-scale", detail());
    }
    UM_FUZZ_CHECK(t.deviceId == device.deviceId && t.groupId == device.groupId, detail());
    UM_FUZZ_CHECK(t.facingMode == device.facingMode, detail());
    // Spec, SelectSettings: the chosen settings satisfy every required constraint of the
    // basic set.
    UM_FUZZ_CHECK(allows(c.width, *t.width, true), detail());
    UM_FUZZ_CHECK(allows(c.height, *t.height, true), detail());
    UM_FUZZ_CHECK(allows(c.frameRate, *t.frameRate, false), detail());
    // The engine picks an exact point of the size region; rounding it to whole pixels may
    // tilt the ratio by up to half a pixel in each dimension.
    const double aspectSlack = 0.5 / *t.height + 0.5 * *t.width / (*t.height * (*t.height - 0.5));
    UM_FUZZ_CHECK(allows(c.aspectRatio, *t.aspectRatio, false, aspectSlack), detail());
    UM_FUZZ_CHECK(inList(c.resizeMode, t.resizeMode), detail());
    UM_FUZZ_CHECK(inList(c.facingMode, t.facingMode), detail());
    UM_FUZZ_CHECK(inList(c.deviceId, t.deviceId), detail());
    UM_FUZZ_CHECK(inList(c.groupId, t.groupId), detail());
}

void checkAudio(const MediaTrackConstraints& c)
{
    const auto& mics = microphones();
    auto result = selectAudioSettings(c, mics);
    if (!result) {
        const Error& e = result.error();
        UM_FUZZ_CHECK(e.name == ErrorName::OverconstrainedError, e.message);
        UM_FUZZ_CHECK(isOneOf(e.constraint, {"sampleRate", "sampleSize", "channelCount", "latency",
                                             "echoCancellation", "autoGainControl",
                                             "noiseSuppression", "deviceId", "groupId"}),
                      e.constraint + ": " + e.message + " for " + toJson(c));
        UM_FUZZ_CHECK(requiresAudio(c), e.message + " for " + toJson(c));
        return;
    }
    const AudioSelection& s = *result;
    UM_FUZZ_CHECK(s.deviceIndex < mics.size(), toJson(c));
    const auto& device = mics[s.deviceIndex];
    const auto& modes = device.modes;
    UM_FUZZ_CHECK(std::find(modes.begin(), modes.end(), s.nativeMode) != modes.end(), toJson(c));
    const MediaTrackSettings& t = s.settings;
    const auto detail = [&] {
        return toJson(t) + " for " + toJson(c);
    };
    UM_FUZZ_CHECK(t.sampleRate && t.channelCount && t.sampleSize && t.latency, detail());
    UM_FUZZ_CHECK(t.echoCancellation && t.autoGainControl && t.noiseSuppression, detail());
    // The audio model (audio_selection.cpp): processing on delivers 48000 Hz, off the native
    // rate, unless a requirement needs conversion; conversion reaches 8000 Hz up to 48000 Hz
    // or the native rate, and mono, stereo or the native channels. The sample size and
    // latency are the device's.
    const bool processing = *t.echoCancellation || *t.autoGainControl || *t.noiseSuppression;
    const int pathRate = processing ? kAudioProcessingRate : s.nativeMode.sampleRate;
    UM_FUZZ_CHECK(*t.sampleRate == pathRate || requiresNumber(c.sampleRate) ||
                          std::any_of(c.advanced.begin(), c.advanced.end(),
                                      [](const auto& set) { return set.sampleRate.has_value(); }),
                  detail());
    UM_FUZZ_CHECK(*t.sampleRate >= kMinConvertedAudioRate &&
                          *t.sampleRate <= maxConvertedAudioRate(s.nativeMode),
                  detail());
    UM_FUZZ_CHECK(*t.channelCount == 1 || *t.channelCount == 2 ||
                          *t.channelCount == s.nativeMode.channels,
                  detail());
    UM_FUZZ_CHECK(*t.sampleSize == s.nativeMode.sampleSize, detail());
    UM_FUZZ_CHECK(*t.latency == s.nativeMode.latency, detail());
    UM_FUZZ_CHECK(std::isfinite(*t.latency), detail());
    UM_FUZZ_CHECK(t.deviceId == device.deviceId && t.groupId == device.groupId, detail());
    UM_FUZZ_CHECK(allows(c.sampleRate, *t.sampleRate, true), detail());
    UM_FUZZ_CHECK(allows(c.channelCount, *t.channelCount, true), detail());
    UM_FUZZ_CHECK(allows(c.sampleSize, *t.sampleSize, true), detail());
    UM_FUZZ_CHECK(allows(c.latency, *t.latency, false), detail());
    for (const auto& [constraint, value] : {std::pair{&c.echoCancellation, *t.echoCancellation},
                                            std::pair{&c.autoGainControl, *t.autoGainControl},
                                            std::pair{&c.noiseSuppression, *t.noiseSuppression}}) {
        UM_FUZZ_CHECK(!requiresBoolean(*constraint) || *(*constraint)->exact == value, detail());
    }
    UM_FUZZ_CHECK(inList(c.deviceId, t.deviceId), detail());
    UM_FUZZ_CHECK(inList(c.groupId, t.groupId), detail());
}

void checkTrack(const MediaTrackConstraints& constraints)
{
    checkRoundTrip(constraints);
    checkVideo(constraints);
    checkAudio(constraints);
}

} // namespace
} // namespace usermedia

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace usermedia;
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    auto stream = parseMediaStreamConstraints(text);
    if (stream) {
        // A track of either kind runs through both engines: an audio request's video members
        // (and the reverse) must be ignored, not crash.
        if (stream->video)
            checkTrack(*stream->video);
        if (stream->audio)
            checkTrack(*stream->audio);
    } else {
        checkParseError(stream.error());
    }

    // The same bytes as applyConstraints() would read them.
    auto track = parseMediaTrackConstraints(text);
    if (track) {
        checkTrack(*track);
    } else {
        checkParseError(track.error());
    }
    return 0;
}
