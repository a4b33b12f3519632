// SPDX-License-Identifier: MIT
// SelectSettings for cameras. https://w3c.github.io/mediacapture-main/#dfn-selectsettings
//
// The spec's candidates are every settings dictionary a source can produce. For a camera that
// is every native mode x (resizeMode "none": the native size | "crop-and-scale": any size up to
// the native one) x any frame rate up to the mode's (decimation). Instead of enumerating
// sizes, each (device, mode, resize mode) is one candidate whose output size and frame rate are
// computed analytically: the point of its allowed region closest to the ideals, as Chromium
// chooses it (see resolution_region.h). Candidates are ranked by a distance vector compared
// lexicographically, in Chromium's order where the spec leaves the choice open:
//   1. for each advanced set in order: satisfied (0) or not (1)        (spec: advanced sets)
//   2. fitness distance of the basic set                                (spec: smallest distance)
//   3. for each advanced set: its fitness plus native distance          (Chromium)
//   4. native distance: how far the native mode is from the basic set  (Chromium)
//   5. defaults: device order, native size nearest 640x480, native frame rate nearest 30,
//      then "none" before "crop-and-scale" (Chromium's defaults)
//   6. the pixel format Chromium's V4L2 capture prefers among modes of equal size and rate
//      (MJPEG above 640x480, uncompressed formats up to it)
//   7. mode order within the device, so that no tie depends on the order of evaluation.
// Most candidates are discarded on lower bounds of that vector (deviceCannotWin, cannotWin,
// fitnessBound) before their output size is computed, and the most promising mode of each
// device is evaluated first so that those bounds bite early; this keeps 8 cameras x 200 modes
// at a few tens of microseconds.
//
// Explaining (explain.h) runs this same selector with a Recorder: it skips only the pruning
// (which never changes the outcome, the bounds being lower bounds) so that every candidate's
// settings and key are computed and reported. Without a Recorder nothing else differs.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

#include "constraints/explain.h"
#include "constraints/fitness.h"
#include "constraints/resolution_region.h"
#include "constraints/select_settings.h"

namespace usermedia {

namespace {

using fitness::Domain;
using fitness::NumberRequirement;

// Chromium's defaults for a camera track (MediaStreamVideoSource::kDefault*).
constexpr double kDefaultWidth = 640;
constexpr double kDefaultHeight = 480;
constexpr double kDefaultFrameRate = 30;
// Decimation can reach any positive frame rate, but not 0 (Chromium: frameRate exact 0 is
// overconstrained, case default/junk-fps-exact-zero).
constexpr double kMinFrameRate = std::numeric_limits<double>::min();

enum class Resize
{
    None,
    CropAndScale
};

constexpr std::string_view resizeName(Resize resize)
{
    return resize == Resize::None ? "none" : "crop-and-scale";
}

// The required constraints, in the order Chromium checks them; an OverconstrainedError names
// the first one that no candidate can satisfy.
enum class VideoConstraint
{
    DeviceId,
    GroupId,
    FacingMode,
    ResizeMode,
    Width,
    Height,
    AspectRatio,
    FrameRate,
    Count
};

constexpr std::array<std::string_view, static_cast<std::size_t>(VideoConstraint::Count)>
        kConstraintNames{"deviceId", "groupId", "facingMode",  "resizeMode",
                         "width",    "height",  "aspectRatio", "frameRate"};

struct PreparedSet
{
    const MediaTrackConstraintSet* set = nullptr;
    NumberRequirement width;
    NumberRequirement height;
    NumberRequirement aspectRatio;
    NumberRequirement frameRate;
    // Per Resize value: whether the set allows it, and its resizeMode fitness distance.
    std::array<bool, 2> allowsResize{};
    std::array<double, 2> resizeFitness{};
    bool hasSizeIdeal = false; // an ideal width, height or aspect ratio
    // The numeric properties (VideoConstraint::Width .. FrameRate) with a required bound.
    std::array<bool, 4> bounded{};
    bool boundsAny = false;

    bool allows(Resize resize) const { return allowsResize[static_cast<std::size_t>(resize)]; }
    double fitnessOf(Resize resize) const
    {
        return resizeFitness[static_cast<std::size_t>(resize)];
    }
};

PreparedSet prepare(const MediaTrackConstraintSet& set)
{
    PreparedSet p{&set,
                  fitness::numberRequirement(set.width, Domain::Integer),
                  fitness::numberRequirement(set.height, Domain::Integer),
                  fitness::numberRequirement(set.aspectRatio, Domain::Real),
                  fitness::numberRequirement(set.frameRate, Domain::Real),
                  {},
                  {},
                  false};
    for (const Resize resize : {Resize::None, Resize::CropAndScale}) {
        const auto i = static_cast<std::size_t>(resize);
        p.allowsResize[i] = fitness::stringSatisfies(set.resizeMode, resizeName(resize));
        p.resizeFitness[i] = fitness::stringFitness(set.resizeMode, resizeName(resize));
    }
    p.hasSizeIdeal = p.width.ideal || p.height.ideal || p.aspectRatio.ideal;
    const auto bounds = [](const NumberRequirement& r) {
        return r.lo > -fitness::kInfinity || r.hi < fitness::kInfinity;
    };
    p.bounded = {bounds(p.width), bounds(p.height), bounds(p.aspectRatio), bounds(p.frameRate)};
    p.boundsAny = std::find(p.bounded.begin(), p.bounded.end(), true) != p.bounded.end();
    return p;
}

std::optional<std::string_view> facingOf(const VideoSourceCandidate& device)
{
    if (device.facingMode)
        return std::string_view(*device.facingMode);
    return std::nullopt;
}

// The first device-level constraint (deviceId, groupId, facingMode) the device fails.
std::optional<VideoConstraint> deviceFailure(const VideoSourceCandidate& device,
                                             const MediaTrackConstraintSet& set)
{
    if (!fitness::stringSatisfies(set.deviceId, device.deviceId))
        return VideoConstraint::DeviceId;
    if (!fitness::stringSatisfies(set.groupId, device.groupId))
        return VideoConstraint::GroupId;
    if (!fitness::stringSatisfies(set.facingMode, facingOf(device)))
        return VideoConstraint::FacingMode;
    return std::nullopt;
}

bool isUsable(const NativeVideoMode& mode)
{
    // Finite rates with 0 < max and min <= max; comparisons with NaN are false.
    return mode.width > 0 && mode.height > 0 && mode.maxFrameRate > 0 &&
           mode.maxFrameRate < fitness::kInfinity && mode.minFrameRate > -fitness::kInfinity &&
           mode.minFrameRate <= mode.maxFrameRate;
}

// What a candidate's track would deliver.
struct Output
{
    int width = 0;
    int height = 0;
    double frameRate = 0;
};

double nativeDistance(const PreparedSet& set, const NativeVideoMode& mode)
{
    if (!set.width.present && !set.height.present && !set.frameRate.present)
        return 0.0; // the common empty set, without three calls
    return fitness::nativeDistance(mode.width, mode.width, set.width) +
           fitness::nativeDistance(mode.height, mode.height, set.height) +
           fitness::nativeDistance(mode.minFrameRate, mode.maxFrameRate, set.frameRate);
}

// The output sizes and frame rates still open to one candidate.
struct Window
{
    ResolutionRegion region;
    double minFrameRate;
    double maxFrameRate;

    bool hasFrameRate() const { return minFrameRate <= maxFrameRate; }

    Window narrowed(const PreparedSet& set) const
    {
        return {region.intersect(set.height, set.width, set.aspectRatio),
                std::max(minFrameRate, set.frameRate.lo), std::min(maxFrameRate, set.frameRate.hi)};
    }
};

Window initialWindow(const NativeVideoMode& mode, bool cropAndScale)
{
    return {cropAndScale ? ResolutionRegion::upTo(mode.height, mode.width)
                         : ResolutionRegion::exactly(mode.height, mode.width),
            kMinFrameRate, mode.maxFrameRate};
}

// Which required constraint stops this (device, mode) altogether, checked as Chromium does:
// device ids, then the resize modes allowed, then the sizes those allow, then frame rate.
std::optional<VideoConstraint> modeFailure(const VideoSourceCandidate& device,
                                           const NativeVideoMode& mode, const PreparedSet& basic)
{
    if (auto failure = deviceFailure(device, *basic.set))
        return failure;
    const bool none = basic.allows(Resize::None);
    const bool crop = basic.allows(Resize::CropAndScale);
    if (!none && !crop)
        return VideoConstraint::ResizeMode;
    const Window window = initialWindow(mode, crop).narrowed(basic);
    if (window.region.isWidthEmpty())
        return VideoConstraint::Width;
    if (window.region.isHeightEmpty())
        return VideoConstraint::Height;
    if (window.region.isAspectRatioEmpty())
        return VideoConstraint::AspectRatio;
    if (!window.hasFrameRate())
        return VideoConstraint::FrameRate;
    return std::nullopt;
}

// Spec: "failedConstraint: any required constraint whose fitness distance was infinity for
// all settings dictionaries examined". Records, per constraint, whether any candidate
// satisfies it on its own.
void recordSatisfiable(const VideoSourceCandidate& device, const NativeVideoMode& mode,
                       const PreparedSet& basic, std::array<bool, kConstraintNames.size()>& ok)
{
    const MediaTrackConstraintSet& s = *basic.set;
    auto mark = [&](VideoConstraint c, bool satisfied) {
        ok[static_cast<std::size_t>(c)] = ok[static_cast<std::size_t>(c)] || satisfied;
    };
    mark(VideoConstraint::DeviceId, fitness::stringSatisfies(s.deviceId, device.deviceId));
    mark(VideoConstraint::GroupId, fitness::stringSatisfies(s.groupId, device.groupId));
    mark(VideoConstraint::FacingMode, fitness::stringSatisfies(s.facingMode, facingOf(device)));
    mark(VideoConstraint::ResizeMode,
         basic.allows(Resize::None) || basic.allows(Resize::CropAndScale));
    mark(VideoConstraint::Width, basic.width.overlaps(1, mode.width));
    mark(VideoConstraint::Height, basic.height.overlaps(1, mode.height));
    mark(VideoConstraint::AspectRatio,
         basic.aspectRatio.overlaps(1.0 / mode.height, double(mode.width)));
    mark(VideoConstraint::FrameRate, basic.frameRate.overlaps(kMinFrameRate, mode.maxFrameRate));
}

int roundDimension(double value, int native)
{
    // The region lies within [1, native]; clamp anyway so that no rounding edge can escape it.
    const double rounded = std::round(value);
    if (!(rounded >= 1))
        return 1;
    if (rounded >= native)
        return native;
    return static_cast<int>(rounded);
}

// Distance of the best value in [lo, hi] from the ideal: a lower bound of the fitness of any
// output within those bounds.
double boundFitness(double lo, double hi, const NumberRequirement& requirement)
{
    // The relative distance grows monotonically away from a positive ideal over positive
    // values, so the nearest value in the range is the best; otherwise 0 is the safe bound.
    if (!requirement.ideal || !(*requirement.ideal > 0) || !(lo > 0))
        return 0.0;
    const double nearest = std::clamp(*requirement.ideal, lo, std::max(lo, hi));
    return nearest == *requirement.ideal ? 0.0
                                         : fitness::relativeDistance(nearest, *requirement.ideal);
}

// ---- Explaining: which required constraint rules a candidate out, and by how much ----

CandidateExclusion deviceExclusion(const VideoSourceCandidate& device,
                                   const MediaTrackConstraintSet& set, VideoConstraint failure)
{
    switch (failure) {
    case VideoConstraint::DeviceId:
        return explain::stringExclusion("deviceId", *set.deviceId, device.deviceId, "this camera");
    case VideoConstraint::GroupId:
        return explain::stringExclusion("groupId", *set.groupId, device.groupId, "this camera");
    default:
        return explain::stringExclusion("facingMode", *set.facingMode, facingOf(device),
                                        "this camera");
    }
}

// What one (mode, resize) candidate can reach of a numeric property, before constraints.
struct Reach
{
    double min;
    double max;
};

inline Reach reachOf(VideoConstraint property, const NativeVideoMode& mode, Resize resize)
{
    const bool crop = resize == Resize::CropAndScale;
    switch (property) {
    case VideoConstraint::Width:
        return {crop ? 1.0 : double(mode.width), double(mode.width)};
    case VideoConstraint::Height:
        return {crop ? 1.0 : double(mode.height), double(mode.height)};
    case VideoConstraint::AspectRatio:
        return crop ? Reach{1.0 / mode.height, double(mode.width)}
                    : Reach{double(mode.width) / mode.height, double(mode.width) / mode.height};
    default:
        return {kMinFrameRate, mode.maxFrameRate};
    }
}

inline const NumberRequirement& requirementOf(VideoConstraint property, const PreparedSet& set)
{
    switch (property) {
    case VideoConstraint::Width:
        return set.width;
    case VideoConstraint::Height:
        return set.height;
    case VideoConstraint::AspectRatio:
        return set.aspectRatio;
    default:
        return set.frameRate;
    }
}

CandidateExclusion rangeExclusion(VideoConstraint property, const NumberRequirement& requirement,
                                  Reach reach)
{
    const std::string_view name = kConstraintNames[static_cast<std::size_t>(property)];
    if (property != VideoConstraint::FrameRate)
        return explain::numberExclusion(name, requirement, reach.min, reach.max, "");
    CandidateExclusion exclusion =
            explain::numberExclusion(name, requirement, reach.min, reach.max, " fps");
    if (!requirement.isEmpty() && requirement.hi < reach.min)
        exclusion.offered = "decimation reaches any rate above 0 fps, none at or below it";
    return exclusion;
}

// Which numeric constraint a (mode, resize) candidate misses, what it reaches there, and how far
// off it is: numbers only, so that the failure path can rank every candidate without building
// text.
struct Miss
{
    VideoConstraint constraint;
    Reach reach;
    double shortfall;
};

// The first of width, height, aspect ratio and frame rate that the candidate's window fails, in
// modeFailure()'s order.
Miss windowMiss(const NativeVideoMode& mode, Resize resize, const PreparedSet& basic)
{
    for (const VideoConstraint c : {VideoConstraint::Width, VideoConstraint::Height}) {
        const Reach reach = reachOf(c, mode, resize);
        const NumberRequirement& requirement = requirementOf(c, basic);
        if (!requirement.overlaps(reach.min, reach.max))
            return {c, reach, explain::shortfall(requirement, reach.min, reach.max)};
    }
    const Window window = initialWindow(mode, resize == Resize::CropAndScale).narrowed(basic);
    if (window.region.isAspectRatioEmpty()) {
        // The ratios of the sizes that width and height still allow.
        const ResolutionRegion& r = window.region;
        const Reach reach{r.minWidth() / r.maxHeight(), r.maxWidth() / r.minHeight()};
        return {VideoConstraint::AspectRatio, reach,
                explain::shortfall(basic.aspectRatio, reach.min, reach.max)};
    }
    const Reach reach = reachOf(VideoConstraint::FrameRate, mode, resize);
    return {VideoConstraint::FrameRate, reach,
            explain::shortfall(basic.frameRate, reach.min, reach.max)};
}

// Why a (mode, resize) candidate whose window is empty is ruled out, in words.
CandidateExclusion windowExclusion(const NativeVideoMode& mode, Resize resize,
                                   const PreparedSet& basic)
{
    const Miss miss = windowMiss(mode, resize, basic);
    return rangeExclusion(miss.constraint, requirementOf(miss.constraint, basic), miss.reach);
}

// Chromium's choice among native formats of one size and rate (V4L2CaptureDelegate's list of
// usable FourCCs): MJPEG first when the size exceeds 640x480, where uncompressed frames strain
// the USB bus; otherwise uncompressed formats, in its order, with MJPEG last. 0 is preferred.
double formatRank(const NativeVideoMode& mode)
{
    static constexpr std::array kUncompressed{
            NativePixelFormat::I420,  NativePixelFormat::Y16,   NativePixelFormat::YUYV,
            NativePixelFormat::UYVY,  NativePixelFormat::NV12,  NativePixelFormat::YV12,
            NativePixelFormat::RGB24, NativePixelFormat::BGR24, NativePixelFormat::BGRA};
    const bool preferMjpeg = mode.width > kDefaultWidth || mode.height > kDefaultHeight;
    if (mode.format == NativePixelFormat::MJPEG)
        return preferMjpeg ? 0.0 : double(kUncompressed.size());
    const auto it = std::find(kUncompressed.begin(), kUncompressed.end(), mode.format);
    return double(it - kUncompressed.begin()) + (preferMjpeg ? 1.0 : 0.0);
}

// Whether a (mode, resize) candidate reaches, on each numeric property, some value that \p set
// accepts: necessary for satisfying the set (the window only narrows from there), so a
// candidate that fails it can be ruled out without geometry.
bool canReach(const PreparedSet& set, const NativeVideoMode& mode, Resize resize)
{
    if (!set.boundsAny)
        return true;
    const auto reaches = [&](VideoConstraint c) {
        if (!set.bounded[static_cast<std::size_t>(c) -
                         static_cast<std::size_t>(VideoConstraint::Width)])
            return true;
        const Reach reach = reachOf(c, mode, resize);
        return requirementOf(c, set).overlaps(reach.min, reach.max);
    };
    return reaches(VideoConstraint::Width) && reaches(VideoConstraint::Height) &&
           reaches(VideoConstraint::AspectRatio) && reaches(VideoConstraint::FrameRate);
}

// The largest size and frame rate among a camera's usable modes, as one crop-and-scale mode:
// what it reaches contains what every one of the camera's candidates reaches (widths, heights
// and rates up to the maxima; aspect ratios between 1/maxHeight and maxWidth).
std::optional<NativeVideoMode> envelope(const VideoSourceCandidate& device)
{
    const NativeVideoMode* first = nullptr;
    int width = 0;
    int height = 0;
    double frameRate = 0;
    for (const NativeVideoMode& mode : device.modes) {
        if (!isUsable(mode))
            continue;
        if (!first)
            first = &mode;
        width = std::max(width, mode.width);
        height = std::max(height, mode.height);
        frameRate = std::max(frameRate, mode.maxFrameRate);
    }
    if (!first)
        return std::nullopt;
    NativeVideoMode all = *first;
    all.width = width;
    all.height = height;
    all.maxFrameRate = frameRate;
    return all;
}

class VideoSelector
{
public:
    VideoSelector(const MediaTrackConstraints& constraints,
                  std::span<const VideoSourceCandidate> devices,
                  explain::Recorder* recorder = nullptr)
        : devices_(devices),
          basic_(prepare(constraints)),
          recorder_(recorder)
    {
        advanced_.reserve(constraints.advanced.size());
        for (const auto& set : constraints.advanced)
            advanced_.push_back(prepare(set));
        const std::size_t n = advanced_.size();
        keySize_ = 2 * n + 8;
        key_.assign(keySize_, 0.0);
        bestKey_.assign(keySize_, fitness::kInfinity);
        satisfied_.assign(n, 0);
        nativeDistances_.assign(n, 0.0);
        deviceAllows_.assign(n, 0);
        deviceFitness_.assign(n, 0.0);
    }

    Result<VideoSelection> run()
    {
        for (std::size_t d = 0; d < devices_.size(); ++d) {
            const VideoSourceCandidate& device = devices_[d];
            // Device-level constraints (deviceId, groupId, facingMode) once per device.
            if (const auto failure = deviceFailure(device, *basic_.set)) {
                if (recorder_)
                    recordDeviceExclusion(d, *failure);
                continue;
            }
            basicDeviceFitness_ = deviceFitness(*basic_.set, device);
            for (std::size_t k = 0; k < advanced_.size(); ++k) {
                deviceAllows_[k] = deviceFailure(device, *advanced_[k].set) ? 0 : 1;
                deviceFitness_[k] = deviceFitness(*advanced_[k].set, device);
            }
            if (!recorder_) {
                if (deviceCannotWin(d))
                    continue;
                considerMostPromisingMode(d);
            }
            for (std::size_t m = 0; m < device.modes.size(); ++m)
                considerMode(d, m);
        }
        if (found_)
            return selection();
        const bool anyMode =
                std::any_of(devices_.begin(), devices_.end(), [](const VideoSourceCandidate& c) {
                    return std::any_of(c.modes.begin(), c.modes.end(), isUsable);
                });
        if (!anyMode) {
            return Error{
                    ErrorName::NotFoundError, "no camera with a usable mode is available", {}, 0};
        }
        return overconstrained();
    }

    /**
     * After run() failed with OverconstrainedError: the nearest satisfiable alternatives, for
     * people who may see device ids (the explanation is given after permission).
     */
    std::vector<std::string> alternatives(const MediaTrackConstraints& constraints) const
    {
        std::vector<std::string> out;
        if (const auto named = namedFailure())
            out.push_back(nearestText(*named, true));
        static constexpr std::string_view kRelaxable[] = {"deviceId",    "groupId",  "facingMode",
                                                          "resizeMode",  "width",    "height",
                                                          "aspectRatio", "frameRate"};
        for (const auto& relaxation : explain::relaxations(constraints, kRelaxable)) {
            auto relaxed = VideoSelector(relaxation.constraints, devices_).run();
            if (!relaxed)
                continue;
            out.push_back("with " + relaxation.description + ": " +
                          explain::settingsText(relaxed->settings) + " on " +
                          relaxed->settings.deviceId + " (native " +
                          explain::modeText(relaxed->nativeMode) + ")");
        }
        return out;
    }

private:
    static double deviceFitness(const MediaTrackConstraintSet& set,
                                const VideoSourceCandidate& device)
    {
        return fitness::stringFitness(set.deviceId, device.deviceId) +
               fitness::stringFitness(set.groupId, device.groupId) +
               fitness::stringFitness(set.facingMode, facingOf(device));
    }

    // Spec fitness distance of \p output for \p set's ideals (required members already hold).
    static double fitnessDistance(const PreparedSet& set, double deviceFitness, Resize resize,
                                  const Output& output)
    {
        return fitness::numberFitness(output.width, set.width) +
               fitness::numberFitness(output.height, set.height) +
               fitness::numberFitness(double(output.width) / output.height, set.aspectRatio) +
               fitness::numberFitness(output.frameRate, set.frameRate) + set.fitnessOf(resize) +
               deviceFitness;
    }

    // A lower bound of fitnessDistance() for any output the window allows. Rounding may move
    // a dimension by half a pixel beyond the window, so the bounds are widened by that much.
    static double fitnessBound(const PreparedSet& set, double deviceFitness, Resize resize,
                               const Window& window, double frameRate)
    {
        double bound = fitness::numberFitness(frameRate, set.frameRate) + set.fitnessOf(resize) +
                       deviceFitness;
        if (!set.hasSizeIdeal)
            return bound;
        const ResolutionRegion& r = window.region;
        const double slack = resize == Resize::None ? 0.0 : 0.5;
        const double minHeight = r.minHeight() - slack;
        const double maxHeight = r.maxHeight() + slack;
        const double minWidth = r.minWidth() - slack;
        const double maxWidth = r.maxWidth() + slack;
        bound += boundFitness(minWidth, maxWidth, set.width) +
                 boundFitness(minHeight, maxHeight, set.height);
        if (set.aspectRatio.ideal) {
            bound += resize == Resize::None
                             ? boundFitness(r.minAspectRatio(), r.maxAspectRatio(), set.aspectRatio)
                             : boundFitness(minWidth / maxHeight, maxWidth / minHeight,
                                            set.aspectRatio);
        }
        return bound;
    }

    // Both resize candidates of mode \p m of device \p d, unless they cannot win.
    void considerMode(std::size_t d, std::size_t m)
    {
        const NativeVideoMode& mode = devices_[d].modes[m];
        if (!isUsable(mode)) {
            if (recorder_)
                recordUnusable(d, mode);
            return;
        }
        if (cannotWin(d, m))
            return;
        for (const Resize resize : {Resize::None, Resize::CropAndScale}) {
            if (basic_.allows(resize)) {
                consider(d, mode, resize);
            } else if (recorder_) {
                recordExclusion(d, mode, resize,
                                explain::stringExclusion("resizeMode", *basic_.set->resizeMode,
                                                         resizeName(resize), "this candidate"));
            }
        }
    }

    // Considers first the mode of device \p d with the least bound on the basic set's fitness:
    // when the request has ideals, modes are listed smallest first, and the one nearest the
    // ideals would otherwise come late, after many candidates that each beat the last.
    // Considering it again in order changes nothing (an equal key does not replace the best).
    void considerMostPromisingMode(std::size_t d)
    {
        if (!basic_.hasSizeIdeal && !basic_.frameRate.ideal)
            return;
        const std::vector<NativeVideoMode>& modes = devices_[d].modes;
        std::size_t promising = modes.size();
        double least = fitness::kInfinity;
        // Kept for prefixDecides(), which needs the same bounds for this device's modes.
        modeBounds_.assign(modes.size(), fitness::kInfinity);
        modeBoundsDevice_ = d;
        for (std::size_t m = 0; m < modes.size(); ++m) {
            if (!isUsable(modes[m]))
                continue;
            const double bound = basicFitnessBound(modes[m]);
            modeBounds_[m] = bound;
            if (bound < least) {
                least = bound;
                promising = m;
            }
        }
        if (promising < modes.size())
            considerMode(d, promising);
    }

    // envelope() of device \p d, computed once; nullptr when it has no usable mode.
    const NativeVideoMode* envelopeOf(std::size_t d) const
    {
        if (envelopes_.empty())
            envelopes_.resize(devices_.size());
        std::optional<std::optional<NativeVideoMode>>& slot = envelopes_[d];
        if (!slot)
            slot = envelope(devices_[d]);
        return *slot ? &**slot : nullptr;
    }

    // ---- Pruning: lower bounds of the ranking key, compared before any geometry ----
    //
    // A candidate's key is compared lexicographically with the best so far, and replaces it
    // only when strictly less. Each function below computes, position by position, a value no
    // larger than what any candidate of a device (or of a native mode) can have there, and
    // stops at the first position that differs from the best key: greater there means no such
    // candidate can win (componentwise >= implies lexicographically >=), less means it might.
    // Pruning therefore never changes the outcome; the explaining run, which prunes nothing,
    // checks that in tests.

    // -1, 0 or 1 as \p bound is below, equal to or above the best key at \p position.
    int compareWithBest(std::size_t position, double bound) const
    {
        return fitness::compareDistances(bound, bestKey_[position]);
    }

    // Whether \p set admits a resize mode that the basic set admits too.
    bool sharesResize(const PreparedSet& set) const
    {
        return (basic_.allows(Resize::None) && set.allows(Resize::None)) ||
               (basic_.allows(Resize::CropAndScale) && set.allows(Resize::CropAndScale));
    }

    // The smallest resizeMode fitness \p set gives a resize mode the basic set admits.
    double leastResizeFitness(const PreparedSet& set) const
    {
        double least = fitness::kInfinity;
        for (const Resize resize : {Resize::None, Resize::CropAndScale}) {
            if (basic_.allows(resize))
                least = std::min(least, set.fitnessOf(resize));
        }
        return least;
    }

    // Whether a resize candidate of device \p d can reach \p set (see canReach()). The
    // envelope costs a pass over the modes: only made when the set bounds a number.
    bool deviceReaches(std::size_t d, const PreparedSet& set) const
    {
        if (!sharesResize(set))
            return false;
        if (!set.boundsAny)
            return true;
        const NativeVideoMode* all = envelopeOf(d);
        return all && canReach(set, *all, Resize::CropAndScale);
    }

    // Whether every candidate of device \p d loses: its best conceivable key does not beat the
    // best key, or the basic set cannot be reached on it. The key comes first: it needs no
    // pass over the modes for the basic set, and usually decides.
    bool deviceCannotWin(std::size_t d) const
    {
        return (found_ && keyBoundLoses(d)) || !deviceReaches(d, basic_);
    }

    // Whether device \p d's best conceivable key (advanced sets satisfied where its envelope
    // allows, numeric fitness and native distances 0) does not beat the best key.
    bool keyBoundLoses(std::size_t d) const
    {
        const std::size_t n = advanced_.size();
        for (std::size_t k = 0; k < n; ++k) {
            const bool reachable = deviceAllows_[k] != 0 && deviceReaches(d, advanced_[k]);
            if (const int order = compareWithBest(k, reachable ? 0.0 : 1.0))
                return order > 0;
        }
        if (const int order = compareWithBest(n, basicDeviceFitness_ + leastResizeFitness(basic_)))
            return order > 0;
        for (std::size_t k = 0; k < n; ++k) {
            // An advanced set the device cannot satisfy tied with the best at position k, so
            // the best does not satisfy it either: both are infinite here.
            const double bound = bestKey_[k] != 0.0
                                         ? fitness::kInfinity
                                         : deviceFitness_[k] + leastResizeFitness(advanced_[k]);
            if (const int order = compareWithBest(n + 1 + k, bound))
                return order > 0;
        }
        if (const int order = compareWithBest(2 * n + 1, 0.0))
            return order > 0;
        if (const int order = compareWithBest(2 * n + 2, double(d)))
            return order > 0;
        return std::all_of(bestKey_.begin() + static_cast<std::ptrdiff_t>(2 * n + 3),
                           bestKey_.end(), [](double v) { return v <= 0.0; });
    }

    // Whether a resize candidate of \p mode that the basic set admits can reach \p set.
    // Crop-and-scale reaches all that "none" does, so one check suffices.
    bool modeReaches(const PreparedSet& set, const NativeVideoMode& mode) const
    {
        if (basic_.allows(Resize::CropAndScale) && set.allows(Resize::CropAndScale))
            return canReach(set, mode, Resize::CropAndScale);
        return basic_.allows(Resize::None) && set.allows(Resize::None) &&
               canReach(set, mode, Resize::None);
    }

    // A lower bound of the basic set's fitness distance for both resize candidates of \p mode.
    double basicFitnessBound(const NativeVideoMode& mode) const
    {
        const auto sizeBound = [&](Resize resize) {
            if (!basic_.hasSizeIdeal)
                return 0.0;
            double bound = 0;
            for (const VideoConstraint c :
                 {VideoConstraint::Width, VideoConstraint::Height, VideoConstraint::AspectRatio}) {
                const Reach reach = reachOf(c, mode, resize);
                bound += boundFitness(reach.min, reach.max, requirementOf(c, basic_));
            }
            return bound;
        };
        // Crop-and-scale reaches every size "none" does: "none" can be nearer only through a
        // smaller resizeMode fitness.
        double least = fitness::kInfinity;
        if (basic_.allows(Resize::CropAndScale))
            least = basic_.fitnessOf(Resize::CropAndScale) + sizeBound(Resize::CropAndScale);
        if (basic_.allows(Resize::None) && basic_.fitnessOf(Resize::None) < least)
            least = std::min(least, basic_.fitnessOf(Resize::None) + sizeBound(Resize::None));
        return least + basicDeviceFitness_ +
               boundFitness(kMinFrameRate, mode.maxFrameRate, basic_.frameRate);
    }

    // Whether both resize candidates of \p mode lose (true) or might win (false), judged on
    // the key positions before the mode-only tail; nullopt when those tie with the best.
    std::optional<bool> prefixDecides(std::size_t d, std::size_t m)
    {
        const NativeVideoMode& mode = devices_[d].modes[m];
        const std::size_t n = advanced_.size();
        for (std::size_t k = 0; k < n; ++k) {
            const bool reachable = deviceAllows_[k] != 0 && modeReaches(advanced_[k], mode);
            if (const int order = compareWithBest(k, reachable ? 0.0 : 1.0))
                return order > 0;
        }
        const double basicBound = modeBoundsDevice_ == d ? modeBounds_[m] : basicFitnessBound(mode);
        if (const int order = compareWithBest(n, basicBound))
            return order > 0;
        for (std::size_t k = 0; k < n; ++k) {
            // Position k tied with the best: the set is unreachable here exactly when the best
            // does not satisfy it either (see keyBoundLoses()).
            const double bound = bestKey_[k] == 0.0
                                         ? deviceFitness_[k] + leastResizeFitness(advanced_[k]) +
                                                   nativeDistance(advanced_[k], mode)
                                         : fitness::kInfinity;
            if (const int order = compareWithBest(n + 1 + k, bound))
                return order > 0;
        }
        return std::nullopt;
    }

    // The key parts that depend only on the native mode: native distance, device order,
    // defaults (key_[2n+1 .. 2n+4]), format preference and mode order (key_[2n+6 .. 2n+7]);
    // key_[2n+5] (none before crop-and-scale) at its best.
    void fillModeTail(std::size_t deviceIndex, std::size_t modeIndex)
    {
        const NativeVideoMode& mode = devices_[deviceIndex].modes[modeIndex];
        std::size_t i = 2 * advanced_.size() + 1;
        key_[i++] = nativeDistance(basic_, mode);
        key_[i++] = double(deviceIndex);
        const double dh = mode.height - kDefaultHeight;
        const double dw = mode.width - kDefaultWidth;
        key_[i++] = dh * dh + dw * dw;
        key_[i++] = fitness::relativeDistance(
                std::clamp(kDefaultFrameRate, mode.minFrameRate, mode.maxFrameRate),
                kDefaultFrameRate);
        key_[i++] = 0.0;
        key_[i++] = formatRank(mode);
        key_[i++] = double(modeIndex);
    }

    // Whether no candidate of \p mode can beat the best; otherwise leaves the mode-only tail
    // of the key in key_ for consider(). Explaining considers every mode.
    bool cannotWin(std::size_t deviceIndex, std::size_t modeIndex)
    {
        const std::optional<bool> decided = !recorder_ && found_
                                                    ? prefixDecides(deviceIndex, modeIndex)
                                                    : std::optional<bool>(false);
        if (decided && *decided)
            return true;
        fillModeTail(deviceIndex, modeIndex);
        if (decided)
            return false;
        const std::size_t tail = 2 * advanced_.size() + 1;
        return !fitness::lexicographicallyLess(key_.data() + tail, bestKey_.data() + tail,
                                               keySize_ - tail);
    }

    void consider(std::size_t deviceIndex, const NativeVideoMode& mode, Resize resize)
    {
        Window window = initialWindow(mode, resize == Resize::CropAndScale).narrowed(basic_);
        if (window.region.isEmpty() || !window.hasFrameRate()) {
            if (recorder_)
                recordExclusion(deviceIndex, mode, resize, windowExclusion(mode, resize, basic_));
            return;
        }
        const std::size_t n = advanced_.size();

        // Spec, SelectSettings: advanced sets in order; one that cannot hold together with the
        // basic set and the advanced sets kept so far is skipped. Keeping it narrows the window.
        for (std::size_t k = 0; k < n; ++k) {
            const PreparedSet& set = advanced_[k];
            bool satisfied = deviceAllows_[k] != 0 && set.allows(resize);
            if (satisfied) {
                const Window narrowed = window.narrowed(set);
                satisfied = !narrowed.region.isEmpty() && narrowed.hasFrameRate();
                if (satisfied)
                    window = narrowed;
            }
            satisfied_[k] = satisfied ? 1 : 0;
            key_[k] = satisfied ? 0.0 : 1.0;
        }

        // Without an ideal the track runs as fast as the window allows (no decimation unless
        // a max asks for it); with one, as close to it as the window allows.
        const double frameRate = basic_.frameRate.ideal
                                         ? std::clamp(*basic_.frameRate.ideal, window.minFrameRate,
                                                      window.maxFrameRate)
                                         : window.maxFrameRate;

        // First rank with lower bounds of the output-dependent fitness terms: most candidates
        // lose there, before their output size is computed.
        key_[n] = fitnessBound(basic_, basicDeviceFitness_, resize, window, frameRate);
        for (std::size_t k = 0; k < n; ++k) {
            nativeDistances_[k] = nativeDistance(advanced_[k], mode);
            key_[n + 1 + k] = satisfied_[k] != 0 ? fitnessBound(advanced_[k], deviceFitness_[k],
                                                                resize, window, frameRate) +
                                                           nativeDistances_[k]
                                                 : fitness::kInfinity;
        }
        // key_[2n+1 .. 2n+4] and key_[2n+6 .. 2n+7] (native distance, device, defaults, format
        // preference, mode order) are cannotWin()'s.
        key_[2 * n + 5] = resize == Resize::None ? 0.0 : 1.0;
        if (!recorder_ && found_ &&
            !fitness::lexicographicallyLess(key_.data(), bestKey_.data(), keySize_))
            return;

        Output output;
        output.frameRate = frameRate;
        if (resize == Resize::None) {
            output.width = mode.width;
            output.height = mode.height;
        } else {
            const ResolutionIdeals ideals{basic_.height.ideal, basic_.width.ideal,
                                          basic_.aspectRatio.ideal};
            const ResolutionPoint point =
                    window.region.closestPointToIdeal(ideals, mode.height, mode.width);
            output.width = roundDimension(point.width, mode.width);
            output.height = roundDimension(point.height, mode.height);
        }
        key_[n] = fitnessDistance(basic_, basicDeviceFitness_, resize, output);
        for (std::size_t k = 0; k < n; ++k) {
            if (satisfied_[k] != 0) {
                key_[n + 1 + k] = fitnessDistance(advanced_[k], deviceFitness_[k], resize, output) +
                                  nativeDistances_[k];
            }
        }
        if (recorder_)
            recordEligible(deviceIndex, mode, resize, output);
        if (found_ && !fitness::lexicographicallyLess(key_.data(), bestKey_.data(), keySize_))
            return;

        found_ = true;
        if (recorder_)
            recorder_->chooseLast();
        // The mode-only tail stays valid for the other resize mode of this native mode.
        std::copy(key_.begin(), key_.end(), bestKey_.begin());
        bestDevice_ = deviceIndex;
        bestMode_ = &mode;
        bestResize_ = resize;
        bestOutput_ = output;
    }

    MediaTrackSettings settingsOf(std::size_t deviceIndex, Resize resize,
                                  const Output& output) const
    {
        const VideoSourceCandidate& device = devices_[deviceIndex];
        MediaTrackSettings s;
        s.width = output.width;
        s.height = output.height;
        s.aspectRatio = double(output.width) / output.height;
        s.frameRate = output.frameRate;
        s.resizeMode = std::string(resizeName(resize));
        s.facingMode = device.facingMode;
        s.deviceId = device.deviceId;
        s.groupId = device.groupId;
        return s;
    }

    VideoSelection selection() const
    {
        VideoSelection result;
        result.deviceIndex = bestDevice_;
        result.nativeMode = *bestMode_;
        result.settings = settingsOf(bestDevice_, bestResize_, bestOutput_);
        return result;
    }

    // ---- Recording (only with a Recorder) ----

    CandidateReport report(std::size_t deviceIndex, const NativeVideoMode& mode,
                           std::optional<Resize> resize) const
    {
        CandidateReport r;
        r.deviceId = devices_[deviceIndex].deviceId;
        r.deviceIndex = deviceIndex;
        r.mode = explain::modeInfo(mode);
        if (resize)
            r.resizeMode = std::string(resizeName(*resize));
        return r;
    }

    void recordExclusion(std::size_t deviceIndex, const NativeVideoMode& mode,
                         std::optional<Resize> resize, CandidateExclusion exclusion)
    {
        CandidateReport r = report(deviceIndex, mode, resize);
        r.excluded = std::move(exclusion);
        recorder_->addExcluded(std::move(r));
    }

    // A device ruled out by deviceId, groupId or facingMode: one report per mode, whatever the
    // resize mode.
    void recordDeviceExclusion(std::size_t deviceIndex, VideoConstraint failure)
    {
        const VideoSourceCandidate& device = devices_[deviceIndex];
        for (const NativeVideoMode& mode : device.modes)
            recordExclusion(deviceIndex, mode, std::nullopt,
                            deviceExclusion(device, *basic_.set, failure));
    }

    void recordUnusable(std::size_t deviceIndex, const NativeVideoMode& mode)
    {
        CandidateExclusion exclusion;
        exclusion.required = "a usable native mode";
        exclusion.offered = "this mode has no size or no valid frame rate";
        recordExclusion(deviceIndex, mode, std::nullopt, std::move(exclusion));
    }

    void recordEligible(std::size_t deviceIndex, const NativeVideoMode& mode, Resize resize,
                        const Output& output)
    {
        CandidateReport r = report(deviceIndex, mode, resize);
        r.settings = settingsOf(deviceIndex, resize, output);
        r.fitnessDistance = key_[advanced_.size()];
        r.advancedSatisfied.reserve(advanced_.size());
        for (const char satisfied : satisfied_)
            r.advancedSatisfied.push_back(satisfied != 0);
        recorder_->addEligible(std::move(r), key_);
    }

    // ---- Failure ----

    // The required constraint an OverconstrainedError names.
    std::optional<VideoConstraint> namedFailure() const
    {
        // Whether any mode of a device reaches a value is whether its envelope does: each
        // property's reach grows with the mode's size and rate (see envelope()).
        std::array<bool, kConstraintNames.size()> satisfiable{};
        for (std::size_t d = 0; d < devices_.size(); ++d) {
            if (const NativeVideoMode* all = envelopeOf(d))
                recordSatisfiable(devices_[d], *all, basic_, satisfiable);
        }
        for (std::size_t i = 0; i < satisfiable.size(); ++i) {
            if (!satisfiable[i])
                return static_cast<VideoConstraint>(i);
        }
        // Every required constraint can be met on its own but not together: name the one the
        // last candidate failed, as Chromium does.
        for (auto device = devices_.rbegin(); device != devices_.rend(); ++device) {
            for (auto mode = device->modes.rbegin(); mode != device->modes.rend(); ++mode) {
                if (!isUsable(*mode))
                    continue;
                if (auto failure = modeFailure(*device, *mode, basic_))
                    return failure;
            }
        }
        return std::nullopt;
    }

    // The devices whose deviceId, groupId and facingMode hold.
    bool deviceMatches(const VideoSourceCandidate& device) const
    {
        return !deviceFailure(device, *basic_.set);
    }

    /**
     * One sentence on the nearest thing to \p named that the cameras offer: "no camera mode
     * reaches width >= 4000; the widest is 3840x2160 i420 @ 20 fps". Device ids only when
     * \p withDeviceIds (an Error is seen before permission; an explanation after).
     */
    std::string nearestText(VideoConstraint named, bool withDeviceIds) const
    {
        const MediaTrackConstraintSet& s = *basic_.set;
        switch (named) {
        case VideoConstraint::DeviceId:
        case VideoConstraint::GroupId: {
            const bool id = named == VideoConstraint::DeviceId;
            const auto& constraint = id ? s.deviceId : s.groupId;
            std::string text = std::string("no camera has ") + (id ? "deviceId " : "groupId ") +
                               explain::quotedList(*constraint->exact);
            if (withDeviceIds) {
                std::vector<std::string> values;
                for (const auto& device : devices_)
                    values.push_back(id ? device.deviceId : device.groupId);
                text += std::string("; the cameras' ") + (id ? "deviceIds" : "groupIds") + " are " +
                        explain::quotedList(values);
            }
            return text;
        }
        case VideoConstraint::FacingMode: {
            std::vector<std::string> values;
            for (const auto& device : devices_)
                values.push_back(device.facingMode.value_or("(none)"));
            return "no camera faces " + explain::quotedList(*s.facingMode->exact) +
                   "; the cameras face " + explain::quotedList(values);
        }
        case VideoConstraint::ResizeMode:
            return "resizeMode " + explain::quotedList(*s.resizeMode->exact) +
                   " allows neither \"none\" nor \"crop-and-scale\"";
        default:
            break;
        }
        return nearestRangeText(named, withDeviceIds);
    }

    std::string nearestRangeText(VideoConstraint named, bool withDeviceIds) const
    {
        const NumberRequirement& requirement = requirementOf(named, basic_);
        const std::string required = explain::requirementText(
                kConstraintNames[static_cast<std::size_t>(named)], requirement);
        // The candidate nearest the requirement on this property alone.
        const NativeVideoMode* bestMode = nullptr;
        std::size_t bestDevice = 0;
        Reach bestReach{0, 0};
        double bestShortfall = fitness::kInfinity;
        for (std::size_t d = 0; d < devices_.size(); ++d) {
            if (!deviceMatches(devices_[d]))
                continue;
            // The envelope reaches what every mode reaches, so its shortfall bounds theirs.
            const NativeVideoMode* all = envelopeOf(d);
            if (!all)
                continue;
            const Reach most = reachOf(named, *all, Resize::CropAndScale);
            if (!(explain::shortfall(requirement, most.min, most.max) < bestShortfall))
                continue;
            for (const NativeVideoMode& mode : devices_[d].modes) {
                if (!isUsable(mode))
                    continue;
                for (const Resize resize : {Resize::None, Resize::CropAndScale}) {
                    if (!basic_.allows(resize))
                        continue;
                    const Reach reach = reachOf(named, mode, resize);
                    const double shortfall = explain::shortfall(requirement, reach.min, reach.max);
                    if (shortfall < bestShortfall) {
                        bestShortfall = shortfall;
                        bestMode = &mode;
                        bestDevice = d;
                        bestReach = reach;
                    }
                }
            }
        }
        if (!bestMode)
            return "no camera mode satisfies " + required;
        if (requirement.isEmpty())
            return "no value satisfies " + required;
        const std::string on = withDeviceIds ? " on " + devices_[bestDevice].deviceId : "";
        if (bestShortfall > 0) {
            const bool tooSmall = bestReach.max < requirement.lo;
            static constexpr std::array<std::array<std::string_view, 2>, 4> kWords{
                    {{"widest", "narrowest"},
                     {"tallest", "shortest"},
                     {"widest", "narrowest"},
                     {"fastest", "slowest"}}};
            const auto row = static_cast<std::size_t>(named) -
                             static_cast<std::size_t>(VideoConstraint::Width);
            std::string text = "no camera mode reaches " + required + "; the " +
                               std::string(kWords[row][tooSmall ? 0 : 1]) + " is " +
                               explain::modeText(*bestMode);
            if (named == VideoConstraint::AspectRatio)
                text += " (aspect ratio " +
                        explain::number(tooSmall ? bestReach.max : bestReach.min) + ")";
            return text + on;
        }
        // Each constraint can be met alone: show the candidate that misses the least.
        const NativeVideoMode* nearMode = nullptr;
        std::size_t nearDevice = 0;
        Resize nearResize = Resize::None;
        double nearShortfall = fitness::kInfinity;
        for (std::size_t d = 0; d < devices_.size(); ++d) {
            if (!deviceMatches(devices_[d]))
                continue;
            for (const NativeVideoMode& mode : devices_[d].modes) {
                if (!isUsable(mode))
                    continue;
                for (const Resize resize : {Resize::None, Resize::CropAndScale}) {
                    if (!basic_.allows(resize))
                        continue;
                    const double shortfall = windowMiss(mode, resize, basic_).shortfall;
                    if (shortfall < nearShortfall) {
                        nearShortfall = shortfall;
                        nearMode = &mode;
                        nearDevice = d;
                        nearResize = resize;
                    }
                }
            }
        }
        std::string text =
                "no camera mode satisfies " + required + " together with the other constraints";
        if (nearMode) {
            text += "; the nearest is " + explain::modeText(*nearMode) + " (" +
                    std::string(resizeName(nearResize)) + ")" +
                    (withDeviceIds ? " on " + devices_[nearDevice].deviceId : "") + ", " +
                    windowExclusion(*nearMode, nearResize, basic_).message();
        }
        return text;
    }

    // Only when nothing was selected: a second pass finds the constraint to name.
    Error overconstrained() const
    {
        const std::optional<VideoConstraint> named = namedFailure();
        if (!named) {
            return Error{ErrorName::OverconstrainedError,
                         "no camera mode satisfies the constraints",
                         {},
                         0};
        }
        // The message names the nearest alternative, without device ids: the application may
        // not have permission yet.
        const std::string name(kConstraintNames[static_cast<std::size_t>(*named)]);
        return Error{ErrorName::OverconstrainedError, name + ": " + nearestText(*named, false),
                     name, 0};
    }

    std::span<const VideoSourceCandidate> devices_;
    PreparedSet basic_;
    std::vector<PreparedSet> advanced_;
    std::size_t keySize_ = 0;
    std::vector<double> key_;
    std::vector<double> bestKey_;
    std::vector<char> satisfied_;
    std::vector<double> nativeDistances_;
    // Per device: not computed yet, or its envelope (none without a usable mode).
    mutable std::vector<std::optional<std::optional<NativeVideoMode>>> envelopes_;
    // basicFitnessBound() of each mode of device modeBoundsDevice_, when computed.
    std::vector<double> modeBounds_;
    std::size_t modeBoundsDevice_ = std::numeric_limits<std::size_t>::max();
    // Per device, filled once: whether each advanced set's device-level constraints hold, and
    // the device-level fitness of each set.
    std::vector<char> deviceAllows_;
    std::vector<double> deviceFitness_;
    double basicDeviceFitness_ = 0;
    explain::Recorder* recorder_ = nullptr; // only when explaining
    bool found_ = false;
    std::size_t bestDevice_ = 0;
    const NativeVideoMode* bestMode_ = nullptr;
    Resize bestResize_ = Resize::None;
    Output bestOutput_;
};

} // namespace

Result<VideoSelection> selectVideoSettings(const MediaTrackConstraints& constraints,
                                           std::span<const VideoSourceCandidate> candidates)
{
    if (candidates.empty())
        return Error{ErrorName::NotFoundError, "no camera is available", {}, 0};
    return VideoSelector(constraints, candidates).run();
}

Result<VideoSelection> selectVideoSettings(const MediaTrackConstraints& constraints,
                                           std::span<const VideoSourceCandidate> candidates,
                                           SelectionExplanation* explanation)
{
    if (!explanation)
        return selectVideoSettings(constraints, candidates);
    explain::Recorder recorder(MediaDeviceKind::VideoInput);
    Result<VideoSelection> result = selectVideoSettings(constraints, {});
    std::vector<std::string> alternatives;
    if (!candidates.empty()) {
        VideoSelector selector(constraints, candidates, &recorder);
        result = selector.run();
        if (!result && result.error().name == ErrorName::OverconstrainedError)
            alternatives = selector.alternatives(constraints);
    }
    *explanation = recorder.finish(std::move(alternatives), {});
    explanation->summary = result ? explain::chosenSummary(*explanation) : result.error().message;
    return result;
}

} // namespace usermedia
