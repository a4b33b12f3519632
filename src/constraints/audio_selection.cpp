// SPDX-License-Identifier: MIT
// SelectSettings for microphones. https://w3c.github.io/mediacapture-main/#dfn-selectsettings
//
// Candidates. The spec lets the UA decide which settings a source can take; usermedia offers
// Chromium's, since those are what web developers meet, plus conversions:
//   - processed: the audio processing (echoCancellation, autoGainControl, noiseSuppression,
//     at least one on) runs at 48000 Hz and is what the track gets, mono or in the native
//     channel count (Chromium's audio-processing path);
//   - native: the device's own rate and channels with every switch off (Chromium's path
//     without processing);
//   - converted: either of the above resampled (8000 Hz up to 48000 Hz or the native rate,
//     if higher) or mixed to mono or stereo, with the value the required constraints leave
//     nearest the ideal. Chromium has no such path; usermedia offers it so that a required
//     sampleRate or channelCount is met on hardware that cannot do it (issue 7), and ranks it
//     after every unconverted candidate that satisfies the same advanced sets: conversion is
//     used to meet a requirement, never for an ideal, so that answers to ideals stay
//     Chromium's (ideal 8000 Hz on a 44100 Hz device: the native 44100 Hz).
// sampleSize and latency are the device's (Chromium converts neither).
//
// Ranking, compared lexicographically:
//   1. for each advanced set in order: satisfied (0) or not (1)   (spec: advanced sets)
//   2. converted (1) or not (0)                                    (see above)
//   3. fitness distance of the basic set                           (spec: smallest distance)
//   4. for each advanced set: its fitness distance                 (Chromium)
//   5. device order; remaining ties go to the earlier candidate: modes in order, and within a
//      mode processed mono, processed native channels, native, converted, so that with nothing
//      asked the result is Chromium's (48000 Hz mono, processing on).
// Unconstrained switches default to on, and autoGainControl/noiseSuppression follow
// echoCancellation when only that is given, as in Chromium, where turning echo cancellation off
// turns the whole processing off (case default/legacy-audio-mand-echo).
//
// One implementation serves selectAudioSettings() and its explaining overload (explain.h): with a
// Recorder it also reports every candidate; there is no pruning to skip.
#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <string_view>
#include <tuple>
#include <vector>

#include "constraints/explain.h"
#include "constraints/fitness.h"
#include "constraints/select_settings.h"

namespace usermedia {

namespace {

using fitness::Domain;
using fitness::NumberRequirement;

enum class AudioConstraint
{
    DeviceId,
    GroupId,
    SampleRate,
    ChannelCount,
    SampleSize,
    Latency,
    EchoCancellation,
    AutoGainControl,
    NoiseSuppression,
    Count
};

constexpr std::array<std::string_view, static_cast<std::size_t>(AudioConstraint::Count)>
        kConstraintNames{"deviceId",         "groupId",         "sampleRate",
                         "channelCount",     "sampleSize",      "latency",
                         "echoCancellation", "autoGainControl", "noiseSuppression"};

// The rate the audio processing runs at and delivers (Chromium's
// media::kAudioProcessingSampleRate).
constexpr int kProcessingRate = kAudioProcessingRate;
// The lowest rate a converted candidate offers (the lowest the processing runs at), and the
// highest: 48000 Hz, or the device's own rate if higher.
constexpr int kMinConvertedRate = kMinConvertedAudioRate;
int maxConvertedRate(const NativeAudioMode& mode)
{
    return maxConvertedAudioRate(mode);
}

// The channel counts candidates of \p mode can have: mono and stereo by mixing, and its own.
std::array<int, 3> channelChoices(const NativeAudioMode& mode)
{
    return {1, 2, mode.channels};
}

// What one candidate delivers.
struct Format
{
    int sampleRate = 0;
    int channels = 0;
    int sampleSize = 0;
    double latency = 0;
    bool processed = false; // the switches may be on (else all are off)
    bool converted = false;

    bool operator==(const Format&) const = default;
};

struct PreparedSet
{
    const MediaTrackConstraintSet* set = nullptr;
    NumberRequirement sampleRate;
    NumberRequirement channelCount;
    NumberRequirement sampleSize;
    NumberRequirement latency;
};

PreparedSet prepare(const MediaTrackConstraintSet& set)
{
    return {&set, fitness::numberRequirement(set.sampleRate, Domain::Integer),
            fitness::numberRequirement(set.channelCount, Domain::Integer),
            fitness::numberRequirement(set.sampleSize, Domain::Integer),
            fitness::numberRequirement(set.latency, Domain::Real)};
}

bool isUsable(const NativeAudioMode& mode)
{
    return mode.sampleRate > 0 && mode.channels > 0 && std::isfinite(mode.latency);
}

// The three processing switches: each either fixed by a required value or still free.
struct Switches
{
    std::array<std::optional<bool>, 3> fixed;

    static constexpr std::array kMembers{&MediaTrackConstraintSet::echoCancellation,
                                         &MediaTrackConstraintSet::autoGainControl,
                                         &MediaTrackConstraintSet::noiseSuppression};

    // Fixes the switches \p set requires; false (and no change) if they conflict.
    bool apply(const MediaTrackConstraintSet& set)
    {
        Switches next = *this;
        for (std::size_t i = 0; i < kMembers.size(); ++i) {
            const auto& constraint = set.*kMembers[i];
            if (!constraint || !constraint->exact)
                continue;
            if (next.fixed[i] && *next.fixed[i] != *constraint->exact)
                return false;
            next.fixed[i] = *constraint->exact;
        }
        *this = next;
        return true;
    }

    // The values the track uses: required ones, else the basic set's ideals, else on, with
    // autoGainControl and noiseSuppression following echoCancellation.
    std::array<bool, 3> resolve(const MediaTrackConstraintSet& basic) const
    {
        std::array<bool, 3> values{};
        for (std::size_t i = 0; i < kMembers.size(); ++i) {
            const auto& constraint = basic.*kMembers[i];
            if (fixed[i]) {
                values[i] = *fixed[i];
            } else if (constraint && constraint->ideal) {
                values[i] = *constraint->ideal;
            } else {
                values[i] = i == 0 ? true : values[0];
            }
        }
        return values;
    }

    // A native (unprocessed) candidate: every switch off.
    static Switches allOff() { return {{false, false, false}}; }
};

// Whether some candidate of \p mode reaches a rate \p rate allows: conversion covers
// kMinConvertedRate up to maxConvertedRate().
bool reachesRate(const NativeAudioMode& mode, const NumberRequirement& rate)
{
    return rate.overlaps(kMinConvertedRate, maxConvertedRate(mode));
}

// Whether one of \p mode's channel choices is one \p channels allows.
bool reachesChannels(const NativeAudioMode& mode, const NumberRequirement& channels)
{
    const auto choices = channelChoices(mode);
    return std::any_of(choices.begin(), choices.end(),
                       [&channels](int count) { return channels.allows(count); });
}

// Whether some candidate of \p mode on \p device can satisfy constraint \p c of \p set, judged
// on what the mode reaches with conversion and either processing path (which together serve
// any combination of switches).
bool modeReaches(AudioConstraint c, const AudioSourceCandidate& device, const NativeAudioMode& mode,
                 const PreparedSet& set)
{
    switch (c) {
    case AudioConstraint::DeviceId:
        return fitness::stringSatisfies(set.set->deviceId, device.deviceId);
    case AudioConstraint::GroupId:
        return fitness::stringSatisfies(set.set->groupId, device.groupId);
    case AudioConstraint::SampleRate:
        return reachesRate(mode, set.sampleRate);
    case AudioConstraint::ChannelCount:
        return reachesChannels(mode, set.channelCount);
    case AudioConstraint::SampleSize:
        return set.sampleSize.allows(mode.sampleSize);
    case AudioConstraint::Latency:
        return set.latency.allows(mode.latency);
    default:
        return true;
    }
}

// The first constraint of \p set that no candidate of \p mode can satisfy, in check order.
std::optional<AudioConstraint> modeFailure(const AudioSourceCandidate& device,
                                           const NativeAudioMode& mode, const PreparedSet& set)
{
    for (std::size_t i = 0; i < kConstraintNames.size(); ++i) {
        const auto c = static_cast<AudioConstraint>(i);
        if (!modeReaches(c, device, mode, set))
            return c;
    }
    return std::nullopt;
}

// The first required constraint of \p set that \p format fails, in check order; the device's
// ids only with \p checkIds (the basic set's are checked once per mode, by modeFailure()).
std::optional<AudioConstraint> formatFailure(const AudioSourceCandidate& device,
                                             const Format& format, const PreparedSet& set,
                                             bool checkIds = true)
{
    if (checkIds && !fitness::stringSatisfies(set.set->deviceId, device.deviceId))
        return AudioConstraint::DeviceId;
    if (checkIds && !fitness::stringSatisfies(set.set->groupId, device.groupId))
        return AudioConstraint::GroupId;
    if (!set.sampleRate.allows(format.sampleRate))
        return AudioConstraint::SampleRate;
    if (!set.channelCount.allows(format.channels))
        return AudioConstraint::ChannelCount;
    if (!set.sampleSize.allows(format.sampleSize))
        return AudioConstraint::SampleSize;
    if (!set.latency.allows(format.latency))
        return AudioConstraint::Latency;
    if (!format.processed) {
        for (std::size_t i = 0; i < Switches::kMembers.size(); ++i) {
            if (!fitness::booleanSatisfies(set.set->*Switches::kMembers[i], false))
                return static_cast<AudioConstraint>(
                        static_cast<std::size_t>(AudioConstraint::EchoCancellation) + i);
        }
    }
    return std::nullopt;
}

void recordSatisfiable(const AudioSourceCandidate& device, const NativeAudioMode& mode,
                       const PreparedSet& basic, std::array<bool, kConstraintNames.size()>& ok)
{
    for (std::size_t i = 0; i < ok.size(); ++i)
        ok[i] = ok[i] || modeReaches(static_cast<AudioConstraint>(i), device, mode, basic);
}

/**
 * \p base resampled and mixed to the rate and channel count that \p rate and \p channels allow,
 * nearest the basic set's ideals (else \p base's own values); nothing when they allow nothing
 * \p mode reaches, or exactly \p base.
 */
std::optional<Format> convertedFormat(const Format& base, const NativeAudioMode& mode,
                                      const NumberRequirement& rate,
                                      const NumberRequirement& channels, const PreparedSet& basic)
{
    const double lo = std::ceil(std::max<double>(rate.lo, kMinConvertedRate));
    const double hi = std::floor(std::min<double>(rate.hi, maxConvertedRate(mode)));
    if (!(lo <= hi))
        return std::nullopt;
    const double wantedRate = basic.sampleRate.ideal.value_or(base.sampleRate);
    const double wantedChannels = basic.channelCount.ideal.value_or(base.channels);
    int bestChannels = 0;
    for (const int choice : channelChoices(mode)) {
        if (channels.allows(choice) &&
            (bestChannels == 0 ||
             std::abs(choice - wantedChannels) < std::abs(bestChannels - wantedChannels)))
            bestChannels = choice;
    }
    if (bestChannels == 0)
        return std::nullopt;
    Format format = base;
    format.sampleRate = static_cast<int>(std::clamp(std::round(wantedRate), lo, hi));
    format.channels = bestChannels;
    format.converted = true;
    if (format.sampleRate == base.sampleRate && format.channels == base.channels)
        return std::nullopt;
    return format;
}

/**
 * Every format a candidate of \p mode can take (see the top of the file), in tie-break order,
 * added to \p out. Converted formats are made for the basic set's rate and channel ranges
 * narrowed by the advanced sets in order (each kept if the mode still reaches something), so a
 * required value of either kind can be met.
 */
void formatsOf(const NativeAudioMode& mode, const PreparedSet& basic,
               std::span<const PreparedSet> advanced, std::vector<Format>& out)
{
    const std::size_t first = out.size();
    out.push_back({kProcessingRate, 1, mode.sampleSize, mode.latency, true, false});
    if (mode.channels != 1)
        out.push_back({kProcessingRate, mode.channels, mode.sampleSize, mode.latency, true, false});
    out.push_back({mode.sampleRate, mode.channels, mode.sampleSize, mode.latency, false, false});
    const std::size_t bases = out.size();

    NumberRequirement rate = basic.sampleRate;
    NumberRequirement channels = basic.channelCount;
    for (const PreparedSet& set : advanced) {
        const NumberRequirement narrowedRate = rate.intersect(set.sampleRate);
        const NumberRequirement narrowedChannels = channels.intersect(set.channelCount);
        if (reachesRate(mode, narrowedRate) && reachesChannels(mode, narrowedChannels)) {
            rate = narrowedRate;
            channels = narrowedChannels;
        }
    }
    for (std::size_t b = first; b < bases; ++b) {
        // One conversion per base, into the narrowed ranges: a value there satisfies every
        // advanced set that any value within reach could together with the sets before it, so
        // no other conversion ranks above it (a set it misses cannot be met without missing an
        // earlier one). A base already inside them needs none: a conversion would rank after it.
        if (rate.allows(out[b].sampleRate) && channels.allows(out[b].channels))
            continue;
        if (const auto converted = convertedFormat(out[b], mode, rate, channels, basic))
            out.push_back(*converted);
    }
}

double fitnessDistance(const PreparedSet& set, const AudioSourceCandidate& device,
                       const Format& format, const std::array<bool, 3>& switches)
{
    const MediaTrackConstraintSet& s = *set.set;
    double distance = fitness::numberFitness(format.sampleRate, set.sampleRate) +
                      fitness::numberFitness(format.channels, set.channelCount) +
                      fitness::numberFitness(format.sampleSize, set.sampleSize) +
                      fitness::numberFitness(format.latency, set.latency) +
                      fitness::stringFitness(s.deviceId, device.deviceId) +
                      fitness::stringFitness(s.groupId, device.groupId);
    for (std::size_t i = 0; i < Switches::kMembers.size(); ++i)
        distance += fitness::booleanFitness(s.*Switches::kMembers[i], switches[i]);
    return distance;
}

MediaTrackSettings settingsOf(const AudioSourceCandidate& device, const Format& format,
                              const std::array<bool, 3>& switches)
{
    MediaTrackSettings s;
    s.sampleRate = format.sampleRate;
    s.channelCount = format.channels;
    s.sampleSize = format.sampleSize;
    s.latency = format.latency;
    s.echoCancellation = switches[0];
    s.autoGainControl = switches[1];
    s.noiseSuppression = switches[2];
    s.deviceId = device.deviceId;
    s.groupId = device.groupId;
    return s;
}

// ---- Explaining ----

const NumberRequirement& requirementOf(AudioConstraint c, const PreparedSet& set)
{
    switch (c) {
    case AudioConstraint::SampleRate:
        return set.sampleRate;
    case AudioConstraint::ChannelCount:
        return set.channelCount;
    case AudioConstraint::SampleSize:
        return set.sampleSize;
    default:
        return set.latency;
    }
}

// What \p mode reaches of the numeric constraint \p c, nearest \p requirement: a range of
// rates, the nearest channel choice, the native sample size and latency.
std::pair<double, double> reachOf(AudioConstraint c, const NativeAudioMode& mode,
                                  const NumberRequirement& requirement)
{
    switch (c) {
    case AudioConstraint::SampleRate:
        return {kMinConvertedRate, maxConvertedRate(mode)};
    case AudioConstraint::ChannelCount: {
        double nearest = mode.channels;
        for (const int choice : channelChoices(mode)) {
            if (explain::shortfall(requirement, choice, choice) <
                explain::shortfall(requirement, nearest, nearest))
                nearest = choice;
        }
        return {nearest, nearest};
    }
    case AudioConstraint::SampleSize:
        return {mode.sampleSize, mode.sampleSize};
    default:
        return {mode.latency, mode.latency};
    }
}

std::string_view unitOf(AudioConstraint c)
{
    switch (c) {
    case AudioConstraint::SampleRate:
        return " Hz";
    case AudioConstraint::ChannelCount:
        return " channels";
    case AudioConstraint::SampleSize:
        return " bit";
    case AudioConstraint::Latency:
        return " s";
    default:
        return "";
    }
}

CandidateExclusion exclusionOf(AudioConstraint c, const AudioSourceCandidate& device,
                               const NativeAudioMode& mode, const PreparedSet& set)
{
    if (c == AudioConstraint::DeviceId) {
        return explain::stringExclusion("deviceId", *set.set->deviceId, device.deviceId,
                                        "this microphone");
    }
    if (c == AudioConstraint::GroupId) {
        return explain::stringExclusion("groupId", *set.set->groupId, device.groupId,
                                        "this microphone");
    }
    const NumberRequirement& requirement = requirementOf(c, set);
    const auto [lo, hi] = reachOf(c, mode, requirement);
    return explain::numberExclusion(kConstraintNames[static_cast<std::size_t>(c)], requirement, lo,
                                    hi, unitOf(c));
}

CandidateReport reportOf(std::size_t deviceIndex, const AudioSourceCandidate& device,
                         const NativeAudioMode& mode)
{
    CandidateReport r;
    r.deviceId = device.deviceId;
    r.deviceIndex = deviceIndex;
    r.mode = explain::modeInfo(mode);
    return r;
}

/**
 * The nearest thing to \p named the microphones offer: "no microphone reaches sampleRate
 * >= 200000; the highest is 48000 Hz". Device ids only with \p withDeviceIds.
 */
std::string nearestText(AudioConstraint named, const PreparedSet& basic,
                        std::span<const AudioSourceCandidate> devices, bool withDeviceIds)
{
    if (named == AudioConstraint::DeviceId || named == AudioConstraint::GroupId) {
        const bool id = named == AudioConstraint::DeviceId;
        const auto& constraint = id ? basic.set->deviceId : basic.set->groupId;
        std::string text = std::string("no microphone has ") + (id ? "deviceId " : "groupId ") +
                           explain::quotedList(*constraint->exact);
        if (withDeviceIds) {
            std::vector<std::string> values;
            for (const auto& device : devices)
                values.push_back(id ? device.deviceId : device.groupId);
            text += std::string("; the microphones' ") + (id ? "deviceIds" : "groupIds") + " are " +
                    explain::quotedList(values);
        }
        return text;
    }
    const NumberRequirement& requirement = requirementOf(named, basic);
    const std::string required = explain::requirementText(
            kConstraintNames[static_cast<std::size_t>(named)], requirement);
    if (requirement.isEmpty())
        return "no value satisfies " + required;
    std::optional<std::pair<double, double>> best;
    const AudioSourceCandidate* bestDevice = nullptr;
    double bestShortfall = fitness::kInfinity;
    for (const auto& device : devices) {
        if (!fitness::stringSatisfies(basic.set->deviceId, device.deviceId) ||
            !fitness::stringSatisfies(basic.set->groupId, device.groupId))
            continue;
        for (const NativeAudioMode& mode : device.modes) {
            if (!isUsable(mode))
                continue;
            const auto reach = reachOf(named, mode, requirement);
            const double shortfall = explain::shortfall(requirement, reach.first, reach.second);
            if (shortfall < bestShortfall) {
                bestShortfall = shortfall;
                best = reach;
                bestDevice = &device;
            }
        }
    }
    if (!best)
        return "no microphone satisfies " + required;
    const std::string on = withDeviceIds ? " on " + bestDevice->deviceId : "";
    if (bestShortfall > 0) {
        const bool tooSmall = best->second < requirement.lo;
        const double value = tooSmall ? best->second : best->first;
        return "no microphone reaches " + required + "; the " + (tooSmall ? "highest" : "lowest") +
               " is " + explain::number(value) + std::string(unitOf(named)) + on;
    }
    return "no microphone satisfies " + required + " together with the other constraints";
}

constexpr std::string_view kRelaxable[] = {"deviceId",     "groupId",    "sampleRate",
                                           "channelCount", "sampleSize", "latency"};

// SelectSettings itself; \p recorder (optional) hears of every candidate.
Result<AudioSelection> selectAudio(const MediaTrackConstraints& constraints,
                                   std::span<const AudioSourceCandidate> candidates,
                                   explain::Recorder* recorder)
{
    if (candidates.empty())
        return Error{ErrorName::NotFoundError, "no microphone is available", {}, 0};

    const PreparedSet basic = prepare(constraints);
    std::vector<PreparedSet> advanced;
    advanced.reserve(constraints.advanced.size());
    for (const auto& set : constraints.advanced)
        advanced.push_back(prepare(set));
    const std::size_t n = advanced.size();
    const std::size_t keySize = 2 * n + 3;
    std::vector<double> key(keySize, 0.0);
    std::vector<double> bestKey(keySize, fitness::kInfinity);
    std::vector<bool> satisfied(n, false);

    std::array<bool, kConstraintNames.size()> ok{};
    std::optional<AudioConstraint> lastFailure;
    bool anyMode = false;
    bool found = false;
    std::size_t bestDevice = 0;
    const NativeAudioMode* bestMode = nullptr;
    Format bestFormat;
    std::array<bool, 3> bestSwitches{};
    std::vector<Format> formats;
    // Per device, the processed and converted formats already evaluated: many modes share
    // them (every mode's processed path is 48000 Hz), and a repeat cannot win (ties go to the
    // earlier candidate). Native formats are each mode's own: never repeated.
    std::vector<Format> seen;

    for (std::size_t d = 0; d < candidates.size(); ++d) {
        const AudioSourceCandidate& device = candidates[d];
        seen.clear();
        for (const NativeAudioMode& mode : device.modes) {
            if (!isUsable(mode)) {
                if (recorder) {
                    CandidateReport r = reportOf(d, device, mode);
                    r.excluded = CandidateExclusion{
                            {}, "a usable native mode", "this mode has no rate or no channels", 1};
                    recorder->addExcluded(std::move(r));
                }
                continue;
            }
            anyMode = true;
            if (auto failed = modeFailure(device, mode, basic)) {
                lastFailure = failed;
                if (recorder) {
                    CandidateReport r = reportOf(d, device, mode);
                    r.excluded = exclusionOf(*failed, device, mode, basic);
                    recorder->addExcluded(std::move(r));
                }
                continue;
            }
            formats.clear();
            formatsOf(mode, basic, advanced, formats);
            for (const Format& format : formats) {
                if (format.processed || format.converted) {
                    if (std::find(seen.begin(), seen.end(), format) != seen.end())
                        continue;
                    seen.push_back(format);
                }
                if (formatFailure(device, format, basic, false))
                    continue;
                Switches switches = format.processed ? Switches{} : Switches::allOff();
                if (!switches.apply(constraints))
                    continue; // cannot happen: one set never requires both values
                // Spec, SelectSettings: advanced sets in order, each kept if it can hold with
                // those before.
                for (std::size_t k = 0; k < n; ++k) {
                    satisfied[k] = !formatFailure(device, format, advanced[k]) &&
                                   switches.apply(*advanced[k].set);
                    key[k] = satisfied[k] ? 0.0 : 1.0;
                }
                const std::array<bool, 3> values =
                        format.processed ? switches.resolve(constraints) : std::array<bool, 3>{};
                // Processing with every switch off is the native path (listed separately).
                if (format.processed && !(values[0] || values[1] || values[2]))
                    continue;
                key[n] = format.converted ? 1.0 : 0.0;
                key[n + 1] = fitnessDistance(basic, device, format, values);
                for (std::size_t k = 0; k < n; ++k) {
                    key[n + 2 + k] = satisfied[k]
                                             ? fitnessDistance(advanced[k], device, format, values)
                                             : fitness::kInfinity;
                }
                key[2 * n + 2] = double(d);
                if (recorder) {
                    CandidateReport r = reportOf(d, device, mode);
                    r.settings = settingsOf(device, format, values);
                    r.fitnessDistance = key[n + 1];
                    for (std::size_t k = 0; k < n; ++k)
                        r.advancedSatisfied.push_back(satisfied[k]);
                    recorder->addEligible(std::move(r), key);
                }
                if (found && !fitness::lexicographicallyLess(key.data(), bestKey.data(), keySize))
                    continue;
                found = true;
                if (recorder)
                    recorder->chooseLast();
                bestKey.swap(key);
                bestDevice = d;
                bestMode = &mode;
                bestFormat = format;
                bestSwitches = values;
            }
        }
    }

    if (!found && !anyMode) {
        return Error{
                ErrorName::NotFoundError, "no microphone with a usable mode is available", {}, 0};
    }
    if (!found) {
        // Spec, OverconstrainedError: name a constraint no candidate satisfies on its own.
        for (const AudioSourceCandidate& device : candidates) {
            for (const NativeAudioMode& mode : device.modes) {
                if (isUsable(mode))
                    recordSatisfiable(device, mode, basic, ok);
            }
        }
        std::optional<AudioConstraint> named;
        for (std::size_t i = 0; i < ok.size() && !named; ++i) {
            if (!ok[i])
                named = static_cast<AudioConstraint>(i);
        }
        if (!named)
            named = lastFailure;
        if (!named) {
            return Error{ErrorName::OverconstrainedError,
                         "no microphone mode satisfies the constraints",
                         {},
                         0};
        }
        // The message names the nearest alternative, without device ids: the application may
        // not have permission yet.
        const std::string name(kConstraintNames[static_cast<std::size_t>(*named)]);
        Error error{ErrorName::OverconstrainedError,
                    name + ": " + nearestText(*named, basic, candidates, false), name, 0};
        if (recorder) {
            // The explaining overload below lists it first among the alternatives.
            recorder->setNearest(nearestText(*named, basic, candidates, true));
        }
        return error;
    }

    AudioSelection result;
    result.deviceIndex = bestDevice;
    result.nativeMode = *bestMode;
    result.settings = settingsOf(candidates[bestDevice], bestFormat, bestSwitches);
    return result;
}

} // namespace

Result<AudioSelection> selectAudioSettings(const MediaTrackConstraints& constraints,
                                           std::span<const AudioSourceCandidate> candidates)
{
    return selectAudio(constraints, candidates, nullptr);
}

Result<AudioSelection> selectAudioSettings(const MediaTrackConstraints& constraints,
                                           std::span<const AudioSourceCandidate> candidates,
                                           SelectionExplanation* explanation)
{
    if (!explanation)
        return selectAudio(constraints, candidates, nullptr);
    explain::Recorder recorder(MediaDeviceKind::AudioInput);
    auto result = selectAudio(constraints, candidates, &recorder);
    std::vector<std::string> alternatives;
    if (!result && result.error().name == ErrorName::OverconstrainedError) {
        if (!recorder.nearest().empty())
            alternatives.push_back(recorder.nearest());
        for (const auto& relaxation : explain::relaxations(constraints, kRelaxable)) {
            auto relaxed = selectAudio(relaxation.constraints, candidates, nullptr);
            if (!relaxed)
                continue;
            alternatives.push_back("with " + relaxation.description + ": " +
                                   explain::settingsText(relaxed->settings) + " on " +
                                   relaxed->settings.deviceId + " (native " +
                                   explain::modeText(relaxed->nativeMode) + ")");
        }
    }
    *explanation = recorder.finish(std::move(alternatives), {});
    explanation->summary = result ? explain::chosenSummary(*explanation) : result.error().message;
    return result;
}

} // namespace usermedia
