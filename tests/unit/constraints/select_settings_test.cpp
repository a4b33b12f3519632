// SPDX-License-Identifier: MIT
// SelectSettings with fitness distance. Each case cites the part of the spec it checks:
//   https://w3c.github.io/mediacapture-main/#dfn-selectsettings
//     [select: required]  candidates must satisfy the basic set's required values
//     [select: failed]    OverconstrainedError names a required constraint whose fitness
//                         distance was infinite for every candidate
//     [select: advanced]  advanced sets in order, skipping one no remaining candidate meets
//     [select: choose]    the candidate with the smallest fitness distance
//   https://w3c.github.io/mediacapture-main/#dfn-fitness-distance
//     [fitness: numeric]  |actual - ideal| / max(|actual|, |ideal|)
//     [fitness: string]   0 if the setting is one of the ideals, else 1
//   [chromium]  a choice the spec leaves open, made as Chromium does
#include "constraints/select_settings.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "unit/constraints/error_names.h"

namespace usermedia {
namespace {

NativeVideoMode mode(int width, int height, double fps)
{
    return NativeVideoMode{NativePixelFormat::I420, width, height, fps, fps};
}

VideoSourceCandidate camera(std::string id, std::vector<NativeVideoMode> modes)
{
    VideoSourceCandidate c;
    c.groupId = id + "-group";
    c.deviceId = std::move(id);
    c.modes = std::move(modes);
    return c;
}

// Chromium's fake camera: six sizes at one frame rate.
VideoSourceCandidate fakeCamera(std::string id, double fps = 20)
{
    return camera(std::move(id),
                  {mode(96, 96, fps), mode(320, 240, fps), mode(640, 480, fps),
                   mode(1280, 720, fps), mode(1920, 1080, fps), mode(3840, 2160, fps)});
}

struct Size
{
    int width;
    int height;
    bool operator==(const Size&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Size& s)
{
    return out << s.width << "x" << s.height;
}

VideoSelection select(const MediaTrackConstraints& c, const std::vector<VideoSourceCandidate>& d)
{
    auto result = selectVideoSettings(c, d);
    EXPECT_TRUE(result.has_value()) << testing::describe(result.error());
    return result ? *result : VideoSelection{};
}

Size sizeOf(const VideoSelection& s)
{
    return {s.settings.width.value_or(-1), s.settings.height.value_or(-1)};
}

Error overconstrained(const MediaTrackConstraints& c, const std::vector<VideoSourceCandidate>& d)
{
    auto result = selectVideoSettings(c, d);
    EXPECT_FALSE(result.has_value());
    if (result)
        return {};
    EXPECT_EQ(result.error().name, ErrorName::OverconstrainedError)
            << testing::describe(result.error());
    return result.error();
}

const std::vector<VideoSourceCandidate> kOneCamera{fakeCamera("cam0")};

// [select: choose] + [chromium]: without constraints every candidate has fitness 0; Chromium picks
// the native mode nearest 640x480@30 and keeps its size and rate.
// [chromium] Among native modes of one size and rate, Chromium's V4L2 capture takes MJPEG above
// 640x480 (less USB bandwidth) and an uncompressed format up to it, whatever the listing order.
TEST(SelectVideoSettings, FormatPreferenceFollowsChromiumAmongEqualModes)
{
    const auto withFormat = [](NativePixelFormat format, int width, int height) {
        return NativeVideoMode{format, width, height, 30, 30};
    };
    const std::vector<VideoSourceCandidate> cams{
            camera("cam", {withFormat(NativePixelFormat::MJPEG, 640, 480),
                           withFormat(NativePixelFormat::YUYV, 640, 480),
                           withFormat(NativePixelFormat::YUYV, 1280, 720),
                           withFormat(NativePixelFormat::MJPEG, 1280, 720)})};

    auto small = selectVideoSettings({}, cams);
    ASSERT_TRUE(small) << small.error().message;
    EXPECT_EQ(small->nativeMode.format, NativePixelFormat::YUYV);
    EXPECT_EQ(small->nativeMode.width, 640);

    MediaTrackConstraints hd;
    hd.width = ConstrainNumber::exactly(1280);
    hd.height = ConstrainNumber::exactly(720);
    auto large = selectVideoSettings(hd, cams);
    ASSERT_TRUE(large) << large.error().message;
    EXPECT_EQ(large->nativeMode.format, NativePixelFormat::MJPEG);
    EXPECT_EQ(large->nativeMode.width, 1280);
}

TEST(SelectVideoSettings, NoConstraintsGiveNativeModeNearest640x480)
{
    const VideoSelection s = select({}, kOneCamera);
    EXPECT_EQ(sizeOf(s), (Size{640, 480}));
    EXPECT_EQ(s.settings.frameRate, 20);
    EXPECT_EQ(s.settings.resizeMode, "none");
    EXPECT_EQ(s.settings.aspectRatio, 640.0 / 480.0);
    EXPECT_EQ(s.settings.deviceId, "cam0");
    EXPECT_EQ(s.settings.groupId, "cam0-group");
    EXPECT_EQ(s.nativeMode, mode(640, 480, 20));
    EXPECT_FALSE(s.settings.sampleRate);

    // A faster camera keeps its native rate: no decimation without a reason.
    const VideoSelection fast = select({}, {camera("c", {mode(640, 480, 60)})});
    EXPECT_EQ(fast.settings.frameRate, 60);
}

// [fitness: numeric] the ideal width is met exactly by cropping/scaling; [chromium] the other
// dimension keeps the aspect ratio of the smallest native mode that contains the ideal.
TEST(SelectVideoSettings, IdealWidthKeepsNativeAspectRatio)
{
    MediaTrackConstraints c;
    c.width = ConstrainNumber::idealOf(641);
    const VideoSelection s = select(c, kOneCamera);
    EXPECT_EQ(sizeOf(s), (Size{641, 361})); // 641 * 720 / 1280 = 360.56
    EXPECT_EQ(s.settings.resizeMode, "crop-and-scale");
    EXPECT_EQ(s.nativeMode, mode(1280, 720, 20));

    c.width = ConstrainNumber::idealOf(50);
    EXPECT_EQ(sizeOf(select(c, kOneCamera)), (Size{50, 50})); // from 96x96

    c.width = ConstrainNumber::idealOf(8000); // beyond every mode: the closest one
    EXPECT_EQ(sizeOf(select(c, kOneCamera)), (Size{3840, 2160}));
}

TEST(SelectVideoSettings, ExactWidthRoundsTheDerivedHeight)
{
    MediaTrackConstraints c;
    c.width = ConstrainNumber::exactly(1000);
    EXPECT_EQ(sizeOf(select(c, kOneCamera)), (Size{1000, 563})); // 562.5 rounds up
}

// [select: required] + [select: failed]: the constraint no candidate satisfies is named.
TEST(SelectVideoSettings, UnsatisfiableRequiredValueNamesTheConstraint)
{
    MediaTrackConstraints c;
    c.width = ConstrainNumber::exactly(3841);
    EXPECT_EQ(overconstrained(c, kOneCamera).constraint, "width");

    c = {};
    c.height = ConstrainNumber::between(700, 600); // min > max
    EXPECT_EQ(overconstrained(c, kOneCamera).constraint, "height");

    c = {};
    c.frameRate = ConstrainNumber::atLeast(21);
    EXPECT_EQ(overconstrained(c, kOneCamera).constraint, "frameRate");

    c = {};
    c.frameRate = ConstrainNumber::exactly(0); // decimation reaches any rate above 0 only
    EXPECT_EQ(overconstrained(c, kOneCamera).constraint, "frameRate");

    c = {};
    c.aspectRatio = ConstrainNumber::atLeast(5000);
    EXPECT_EQ(overconstrained(c, kOneCamera).constraint, "aspectRatio");

    c = {};
    c.deviceId = ConstrainString::exactly({"other"});
    const Error e = overconstrained(c, kOneCamera);
    EXPECT_EQ(e.constraint, "deviceId");
    EXPECT_NE(e.message.find("deviceId"), std::string::npos);
}

// [select: failed]: when every constraint can be met alone but not together, the last candidate's
// first failure is named ([chromium]).
TEST(SelectVideoSettings, JointlyUnsatisfiableNamesALikelyCulprit)
{
    MediaTrackConstraints c;
    c.resizeMode = ConstrainString::exactly({"none"});
    c.width = ConstrainNumber::exactly(1000);
    EXPECT_EQ(overconstrained(c, kOneCamera).constraint, "width");
}

TEST(SelectVideoSettings, NonFiniteAndHugeValuesNeverMisbehave)
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    MediaTrackConstraints c;
    c.width = ConstrainNumber::exactly(nan);
    EXPECT_EQ(overconstrained(c, kOneCamera).constraint, "width");

    c = {};
    c.width = ConstrainNumber::idealOf(nan); // an unusable ideal is no ideal
    EXPECT_EQ(sizeOf(select(c, kOneCamera)), (Size{640, 480}));

    c.width = ConstrainNumber::idealOf(inf);
    EXPECT_EQ(sizeOf(select(c, kOneCamera)), (Size{3840, 2160}));

    c.width = ConstrainNumber::idealOf(-inf);
    c.height = ConstrainNumber::idealOf(1e300);
    c.frameRate = ConstrainNumber::idealOf(-5);
    c.aspectRatio = ConstrainNumber::idealOf(inf);
    const VideoSelection s = select(c, kOneCamera);
    EXPECT_GE(*s.settings.width, 1);
    EXPECT_GE(*s.settings.height, 1);
    EXPECT_GT(*s.settings.frameRate, 0);

    c = {};
    c.width = ConstrainNumber::between(-1e308, inf);
    c.frameRate = ConstrainNumber::atMost(inf);
    EXPECT_EQ(sizeOf(select(c, kOneCamera)), (Size{640, 480}));

    c = {};
    c.width = ConstrainNumber::exactly(1e12);
    EXPECT_EQ(overconstrained(c, kOneCamera).constraint, "width");
    c.width = ConstrainNumber::atLeast(inf);
    EXPECT_EQ(overconstrained(c, kOneCamera).constraint, "width");
}

// WebIDL converts ConstrainULong values to integers by truncation.
TEST(SelectVideoSettings, IntegerConstraintsAreTruncated)
{
    MediaTrackConstraints c;
    c.width = ConstrainNumber::idealOf(640.7);
    EXPECT_EQ(sizeOf(select(c, kOneCamera)), (Size{640, 480}));
    c.width = ConstrainNumber::exactly(96.9);
    EXPECT_EQ(sizeOf(select(c, kOneCamera)), (Size{96, 96}));
}

// [select: advanced]: advanced sets are tried in order; one that cannot hold with the previous ones
// is skipped, the others must all hold.
TEST(SelectVideoSettings, AdvancedSetsApplyInOrderAndSkipTheUnsatisfiable)
{
    MediaTrackConstraints c;
    MediaTrackConstraintSet tooWide;
    tooWide.width = ConstrainNumber::atLeast(5000);
    MediaTrackConstraintSet wide;
    wide.width = ConstrainNumber::atLeast(1280);
    MediaTrackConstraintSet low;
    low.height = ConstrainNumber::atMost(480);
    c.advanced = {tooWide, wide, low};
    const VideoSelection s = select(c, kOneCamera);
    EXPECT_EQ(sizeOf(s), (Size{1280, 480}));

    // Advanced sets outrank the basic set's ideals.
    c = {};
    c.width = ConstrainNumber::idealOf(640);
    MediaTrackConstraintSet hd;
    hd.width = ConstrainNumber::exactly(1920);
    c.advanced = {hd};
    EXPECT_EQ(sizeOf(select(c, kOneCamera)), (Size{1920, 1080}));

    // An advanced set never causes an error.
    c = {};
    MediaTrackConstraintSet impossible;
    impossible.frameRate = ConstrainNumber::exactly(1000);
    c.advanced = {impossible};
    EXPECT_EQ(select(c, kOneCamera).settings.frameRate, 20);
}

// [fitness: string] 0 when the setting is an ideal value, else 1.
TEST(SelectVideoSettings, IdealDeviceIdPrefersThatDevice)
{
    const std::vector<VideoSourceCandidate> cams{fakeCamera("a"), fakeCamera("b")};
    MediaTrackConstraints c;
    EXPECT_EQ(select(c, cams).deviceIndex, 0u); // [chromium] ties go to enumeration order
    c.deviceId = ConstrainString::idealOf({"b"});
    EXPECT_EQ(select(c, cams).deviceIndex, 1u);
    c.deviceId = ConstrainString::exactly({"x", "b"});
    EXPECT_EQ(select(c, cams).settings.deviceId, "b");
    c.deviceId = {};
    c.groupId = ConstrainString::exactly({"b-group"});
    EXPECT_EQ(select(c, cams).deviceIndex, 1u);
}

TEST(SelectVideoSettings, FacingMode)
{
    std::vector<VideoSourceCandidate> cams{fakeCamera("front"), fakeCamera("back")};
    cams[0].facingMode = "user";
    cams[1].facingMode = "environment";
    MediaTrackConstraints c;
    c.facingMode = ConstrainString::idealOf({"environment"});
    const VideoSelection s = select(c, cams);
    EXPECT_EQ(s.deviceIndex, 1u);
    EXPECT_EQ(s.settings.facingMode, "environment");

    c.facingMode = ConstrainString::exactly({"left"});
    EXPECT_EQ(overconstrained(c, cams).constraint, "facingMode");
    // A camera that does not know its facing mode fails an exact one (Chromium agrees).
    c.facingMode = ConstrainString::exactly({"user"});
    EXPECT_EQ(overconstrained(c, kOneCamera).constraint, "facingMode");
}

// resizeMode "none" limits sizes to native ones; the frame rate may still be decimated and
// Chromium still reports "none" (case default/resize-none-fps-10).
TEST(SelectVideoSettings, ResizeModeNoneKeepsNativeSizes)
{
    MediaTrackConstraints c;
    c.resizeMode = ConstrainString::exactly({"none"});
    c.width = ConstrainNumber::idealOf(1000);
    c.frameRate = ConstrainNumber::idealOf(10);
    const VideoSelection s = select(c, kOneCamera);
    EXPECT_EQ(sizeOf(s), (Size{1280, 720}));
    EXPECT_EQ(s.settings.frameRate, 10);
    EXPECT_EQ(s.settings.resizeMode, "none");

    c = {};
    c.resizeMode = ConstrainString::exactly({"bogus"});
    EXPECT_EQ(overconstrained(c, kOneCamera).constraint, "resizeMode");

    // [fitness: string] an ideal crop-and-scale is honoured even at the native size.
    c = {};
    c.resizeMode = ConstrainString::idealOf({"crop-and-scale"});
    EXPECT_EQ(select(c, kOneCamera).settings.resizeMode, "crop-and-scale");
}

TEST(SelectVideoSettings, AspectRatioIsReachedByCropping)
{
    MediaTrackConstraints c;
    c.aspectRatio = ConstrainNumber::idealOf(1);
    EXPECT_EQ(sizeOf(select(c, kOneCamera)), (Size{480, 480}));
    c.aspectRatio = ConstrainNumber::exactly(16.0 / 9.0);
    c.width = ConstrainNumber::exactly(640);
    EXPECT_EQ(sizeOf(select(c, kOneCamera)), (Size{640, 360}));
}

TEST(SelectVideoSettings, FrameRateRangesAndDecimation)
{
    const std::vector<VideoSourceCandidate> cams{
            camera("c", {NativeVideoMode{NativePixelFormat::YUYV, 640, 480, 5, 30},
                         NativeVideoMode{NativePixelFormat::MJPEG, 640, 480, 60, 60}})};
    MediaTrackConstraints c;
    c.frameRate = ConstrainNumber::idealOf(15);
    VideoSelection s = select(c, cams);
    EXPECT_EQ(s.settings.frameRate, 15);
    EXPECT_EQ(s.nativeMode.format, NativePixelFormat::YUYV); // natively in range

    c.frameRate = ConstrainNumber::atLeast(50);
    s = select(c, cams);
    EXPECT_EQ(s.settings.frameRate, 60);
    EXPECT_EQ(s.nativeMode.format, NativePixelFormat::MJPEG);

    c.frameRate = ConstrainNumber::atMost(2); // below every native rate: decimate
    EXPECT_EQ(select(c, cams).settings.frameRate, 2);
}

TEST(SelectVideoSettings, NoCandidateIsNotFound)
{
    auto none = selectVideoSettings({}, {});
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().name, ErrorName::NotFoundError);

    // Modes a backend could not describe properly are skipped, never divided by.
    const std::vector<VideoSourceCandidate> broken{
            camera("b", {mode(0, 480, 30), mode(640, -1, 30), mode(640, 480, 0),
                         mode(640, 480, std::numeric_limits<double>::quiet_NaN())})};
    auto result = selectVideoSettings({}, broken);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().name, ErrorName::NotFoundError);
}

TEST(SelectVideoSettings, ManyDevicesAndModes)
{
    std::vector<VideoSourceCandidate> cams;
    for (int d = 0; d < 8; ++d) {
        std::vector<NativeVideoMode> modes;
        modes.reserve(200);
        for (int m = 0; m < 200; ++m)
            modes.push_back(mode(160 + 16 * m, 120 + 9 * m, 5 + m % 56));
        cams.push_back(camera("cam" + std::to_string(d), std::move(modes)));
    }
    MediaTrackConstraints c;
    c.width = ConstrainNumber::atLeast(640);
    c.width->ideal = 1280;
    c.frameRate = ConstrainNumber::atLeast(24);
    MediaTrackConstraintSet adv;
    adv.deviceId = ConstrainString::exactly({"cam5"});
    c.advanced = {adv};
    const VideoSelection s = select(c, cams);
    EXPECT_EQ(s.deviceIndex, 5u);
    EXPECT_EQ(s.settings.width, 1280);
    EXPECT_GE(*s.settings.frameRate, 24);
}

// ---- audio ----

AudioSourceCandidate microphone(std::string id, std::vector<NativeAudioMode> modes)
{
    AudioSourceCandidate m;
    m.groupId = id + "-group";
    m.deviceId = std::move(id);
    m.modes = std::move(modes);
    return m;
}

const std::vector<AudioSourceCandidate> kMics{
        microphone("default", {{48000, 1, 16, 0.01}, {48000, 2, 16, 0.01}, {44100, 2, 16, 0.01}}),
        microphone("usb", {{16000, 1, 24, 0.005}})};

AudioSelection selectAudio(const MediaTrackConstraints& c)
{
    auto result = selectAudioSettings(c, kMics);
    EXPECT_TRUE(result.has_value()) << testing::describe(result.error());
    return result ? *result : AudioSelection{};
}

// [select: choose] + [chromium]: ties go to the first device and mode; processing is on by default.
TEST(SelectAudioSettings, DefaultsToFirstModeWithProcessingOn)
{
    const AudioSelection s = selectAudio({});
    EXPECT_EQ(s.deviceIndex, 0u);
    EXPECT_EQ(s.settings.sampleRate, 48000);
    EXPECT_EQ(s.settings.channelCount, 1);
    EXPECT_EQ(s.settings.sampleSize, 16);
    EXPECT_EQ(s.settings.latency, 0.01);
    EXPECT_EQ(s.settings.echoCancellation, true);
    EXPECT_EQ(s.settings.autoGainControl, true);
    EXPECT_EQ(s.settings.noiseSuppression, true);
    EXPECT_EQ(s.settings.deviceId, "default");
    EXPECT_EQ(s.settings.groupId, "default-group");
    EXPECT_FALSE(s.settings.width);
}

// [fitness: numeric] nearest native values.
TEST(SelectAudioSettings, IdealValuesPickTheNearestMode)
{
    MediaTrackConstraints c;
    c.channelCount = ConstrainNumber::idealOf(3);
    EXPECT_EQ(selectAudio(c).settings.channelCount, 2);
    c = {};
    c.sampleRate = ConstrainNumber::idealOf(44100);
    EXPECT_EQ(selectAudio(c).nativeMode, (NativeAudioMode{44100, 2, 16, 0.01}));
    c.sampleRate = ConstrainNumber::idealOf(8000);
    EXPECT_EQ(selectAudio(c).settings.deviceId, "usb");
    c = {};
    c.sampleSize = ConstrainNumber::exactly(24);
    EXPECT_EQ(selectAudio(c).deviceIndex, 1u);
}

TEST(SelectAudioSettings, ProcessingSwitches)
{
    MediaTrackConstraints c;
    c.noiseSuppression = ConstrainBoolean::idealOf(false);
    AudioSelection s = selectAudio(c);
    EXPECT_EQ(s.settings.echoCancellation, true);
    EXPECT_EQ(s.settings.noiseSuppression, false);

    // [chromium] turning echo cancellation off turns the other processing off too, unless
    // they are asked for.
    c = {};
    c.echoCancellation = ConstrainBoolean::exactly(false);
    c.autoGainControl = ConstrainBoolean::idealOf(true);
    s = selectAudio(c);
    EXPECT_EQ(s.settings.echoCancellation, false);
    EXPECT_EQ(s.settings.autoGainControl, true);
    EXPECT_EQ(s.settings.noiseSuppression, false);

    // [select: advanced] an advanced set contradicting a required switch is skipped.
    MediaTrackConstraintSet wantsEcho;
    wantsEcho.echoCancellation = ConstrainBoolean::exactly(true);
    wantsEcho.channelCount = ConstrainNumber::exactly(2);
    c.advanced = {wantsEcho};
    s = selectAudio(c);
    EXPECT_EQ(s.settings.echoCancellation, false);
    EXPECT_EQ(s.settings.channelCount, 1);
}

TEST(SelectAudioSettings, UnsatisfiableNamesTheConstraint)
{
    const std::pair<std::string, ConstrainNumber> cases[] = {
            {"sampleRate", ConstrainNumber::exactly(96000)},
            {"channelCount", ConstrainNumber::exactly(3)},
            {"sampleSize", ConstrainNumber::exactly(32)},
            {"latency", ConstrainNumber::atMost(0.001)},
    };
    for (const auto& [name, constraint] : cases) {
        MediaTrackConstraints c;
        if (name == "sampleRate") {
            c.sampleRate = constraint;
        } else if (name == "channelCount") {
            c.channelCount = constraint;
        } else if (name == "sampleSize") {
            c.sampleSize = constraint;
        } else {
            c.latency = constraint;
        }
        auto result = selectAudioSettings(c, kMics);
        ASSERT_FALSE(result) << name;
        EXPECT_EQ(result.error().name, ErrorName::OverconstrainedError);
        EXPECT_EQ(result.error().constraint, name);
    }
    MediaTrackConstraints c;
    c.groupId = ConstrainString::exactly({"nope"});
    EXPECT_EQ(selectAudioSettings(c, kMics).error().constraint, "groupId");
    EXPECT_EQ(selectAudioSettings({}, {}).error().name, ErrorName::NotFoundError);
}

// ---- the audio model: Chromium's two paths, and conversion for requirements ----

// Chromium's fake microphone: 44100 Hz stereo natively.
const std::vector<AudioSourceCandidate> kChromiumMic{microphone("default", {{44100, 2, 16, 0.01}})};

AudioSelection selectOn(const std::vector<AudioSourceCandidate>& mics,
                        const MediaTrackConstraints& c)
{
    auto result = selectAudioSettings(c, mics);
    EXPECT_TRUE(result.has_value()) << testing::describe(result.error());
    return result ? *result : AudioSelection{};
}

struct AudioOutcome
{
    int sampleRate = 0;
    int channelCount = 0;
    bool processing = false; // every switch on (true) or off (false)
};

void expectOutcome(const AudioSelection& s, const AudioOutcome& expected, const char* what)
{
    EXPECT_EQ(s.settings.sampleRate, expected.sampleRate) << what;
    EXPECT_EQ(s.settings.channelCount, expected.channelCount) << what;
    EXPECT_EQ(s.settings.echoCancellation, expected.processing) << what;
    EXPECT_EQ(s.settings.autoGainControl, expected.processing) << what;
    EXPECT_EQ(s.settings.noiseSuppression, expected.processing) << what;
    // The device keeps its native mode whatever the track gets.
    EXPECT_EQ(s.nativeMode, (NativeAudioMode{44100, 2, 16, 0.01})) << what;
}

// [chromium] processing runs at 48000 Hz and is what the track gets; the native format comes
// without processing; fitness decides between them, ties go to processing.
TEST(SelectAudioSettings, ProcessedAt48kOrNativeWithoutProcessingAsChromium)
{
    MediaTrackConstraints c;
    expectOutcome(selectOn(kChromiumMic, c), {48000, 1, true}, "nothing asked");
    c.channelCount = ConstrainNumber::idealOf(2);
    expectOutcome(selectOn(kChromiumMic, c), {48000, 2, true}, "channelCount ideal 2");
    c = {};
    c.echoCancellation = ConstrainBoolean::idealOf(false);
    expectOutcome(selectOn(kChromiumMic, c), {44100, 2, false}, "echoCancellation false");
    c = {};
    // |44100 - 8000| / 44100 < |48000 - 8000| / 48000: the native rate is nearer.
    c.sampleRate = ConstrainNumber::idealOf(8000);
    expectOutcome(selectOn(kChromiumMic, c), {44100, 2, false}, "sampleRate ideal 8000");
    c.sampleRate = ConstrainNumber::idealOf(96000);
    expectOutcome(selectOn(kChromiumMic, c), {48000, 1, true}, "sampleRate ideal 96000");
}

// [select: candidates] resampling and mixing meet a required value no mode has, but never an
// ideal (an ideal alone keeps Chromium's answer).
TEST(SelectAudioSettings, ConversionMeetsRequirementsNeverIdeals)
{
    MediaTrackConstraints c;
    c.sampleRate = ConstrainNumber::idealOf(16000);
    expectOutcome(selectOn(kChromiumMic, c), {44100, 2, false}, "ideal 16000: native");
    c.sampleRate = ConstrainNumber::exactly(16000);
    expectOutcome(selectOn(kChromiumMic, c), {16000, 1, true}, "exact 16000: processed, resampled");
    c.sampleRate = ConstrainNumber::between(8000, 16000);
    c.sampleRate->ideal = 12000;
    expectOutcome(selectOn(kChromiumMic, c), {12000, 1, true}, "8000..16000 ideal 12000");
    c = {};
    c.echoCancellation = ConstrainBoolean::exactly(false);
    c.channelCount = ConstrainNumber::exactly(1);
    expectOutcome(selectOn(kChromiumMic, c), {44100, 1, false}, "native rate mixed to mono");
    c = {};
    // An advanced set is met by conversion when it can be (spec: advanced sets are satisfied
    // when possible).
    MediaTrackConstraintSet wants16k;
    wants16k.sampleRate = ConstrainNumber::exactly(16000);
    c.advanced = {wants16k};
    expectOutcome(selectOn(kChromiumMic, c), {16000, 1, true}, "advanced sampleRate 16000");
}

TEST(SelectAudioSettings, ConversionLimits)
{
    // A mono microphone gives stereo by mixing, but no more channels than that.
    const std::vector<AudioSourceCandidate> mono{microphone("mono", {{16000, 1, 16, 0.01}})};
    MediaTrackConstraints c;
    c.channelCount = ConstrainNumber::exactly(2);
    EXPECT_EQ(selectOn(mono, c).settings.channelCount, 2);
    c.channelCount = ConstrainNumber::exactly(3);
    auto result = selectAudioSettings(c, mono);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().constraint, "channelCount");
    EXPECT_NE(result.error().message.find("the highest is 2 channels"), std::string::npos)
            << result.error().message;
    // Resampling reaches 48000 Hz, or the native rate when higher; not beyond.
    c = {};
    c.sampleRate = ConstrainNumber::exactly(96000);
    result = selectAudioSettings(c, kChromiumMic);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().constraint, "sampleRate");
    EXPECT_NE(result.error().message.find("the highest is 48000 Hz"), std::string::npos)
            << result.error().message;
    c.sampleRate = ConstrainNumber::atMost(7999);
    result = selectAudioSettings(c, kChromiumMic);
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message.find("the lowest is 8000 Hz"), std::string::npos)
            << result.error().message;
    // sampleSize and latency are the device's: not converted (Chromium converts neither).
    c = {};
    c.sampleSize = ConstrainNumber::exactly(24);
    EXPECT_EQ(selectAudioSettings(c, kChromiumMic).error().constraint, "sampleSize");
}

// ---- capabilities ----

TEST(Capabilities, VideoRangesCoverCropAndScaleAndDecimation)
{
    VideoSourceCandidate cam = fakeCamera("cam0");
    cam.facingMode = "user";
    const MediaTrackCapabilities caps = videoCapabilities(cam);
    EXPECT_EQ(caps.width, (NumberRange{1, 3840}));
    EXPECT_EQ(caps.height, (NumberRange{1, 2160}));
    EXPECT_EQ(caps.aspectRatio, (NumberRange{1.0 / 2160, 3840}));
    EXPECT_EQ(caps.frameRate, (NumberRange{0, 20}));
    EXPECT_EQ(caps.resizeMode, (std::vector<std::string>{"none", "crop-and-scale"}));
    EXPECT_EQ(caps.facingMode, (std::vector<std::string>{"user"}));
    EXPECT_EQ(caps.deviceId, "cam0");
    EXPECT_EQ(caps.groupId, "cam0-group");
    EXPECT_FALSE(caps.sampleRate);
}

TEST(Capabilities, AudioRangesSpanWhatConversionReaches)
{
    // Resampling reaches 8000 Hz up to 48000 Hz (the modes' highest); mixing mono and stereo.
    const MediaTrackCapabilities caps = audioCapabilities(kMics[0]);
    EXPECT_EQ(caps.sampleRate, (NumberRange{8000, 48000}));
    EXPECT_EQ(caps.channelCount, (NumberRange{1, 2}));
    EXPECT_EQ(caps.sampleSize, (NumberRange{16, 16}));
    EXPECT_EQ(caps.latency, (NumberRange{0.01, 0.01}));
    EXPECT_EQ(caps.echoCancellation, (std::vector<bool>{true, false}));
    EXPECT_FALSE(caps.width);
}

} // namespace
} // namespace usermedia
