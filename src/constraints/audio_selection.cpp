// SPDX-License-Identifier: MIT
// SelectSettings for microphones. https://w3c.github.io/mediacapture-main/#dfn-selectsettings
//
// Candidates are device x native mode (no resampling yet), and the audio-processing switches
// (echoCancellation, autoGainControl, noiseSuppression), which the core implements for every
// source and so can take either value. Ranking, compared lexicographically:
//   1. for each advanced set in order: satisfied (0) or not (1)   (spec: advanced sets)
//   2. fitness distance of the basic set                           (spec: smallest distance)
//   3. for each advanced set: its fitness distance                 (Chromium)
//   4. device order; remaining ties go to the earlier mode.
// Unconstrained switches default to on, and autoGainControl/noiseSuppression follow
// echoCancellation when only that is given, as in Chromium, where turning echo cancellation off
// turns the whole processing off (case default/legacy-audio-mand-echo).
//
// One implementation serves selectAudioSettings() and its explaining overload (explain.h): with a
// Recorder it also reports every candidate; there is no pruning to skip.
#include <array>
#include <cmath>
#include <string_view>
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
    Count
};

constexpr std::array<std::string_view, static_cast<std::size_t>(AudioConstraint::Count)>
        kConstraintNames{"deviceId",     "groupId",    "sampleRate",
                         "channelCount", "sampleSize", "latency"};

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

// The first required constraint that the device and mode fail, in check order.
std::optional<AudioConstraint> failure(const AudioSourceCandidate& device,
                                       const NativeAudioMode& mode, const PreparedSet& set)
{
    if (!fitness::stringSatisfies(set.set->deviceId, device.deviceId))
        return AudioConstraint::DeviceId;
    if (!fitness::stringSatisfies(set.set->groupId, device.groupId))
        return AudioConstraint::GroupId;
    if (!set.sampleRate.allows(mode.sampleRate))
        return AudioConstraint::SampleRate;
    if (!set.channelCount.allows(mode.channels))
        return AudioConstraint::ChannelCount;
    if (!set.sampleSize.allows(mode.sampleSize))
        return AudioConstraint::SampleSize;
    if (!set.latency.allows(mode.latency))
        return AudioConstraint::Latency;
    return std::nullopt;
}

void recordSatisfiable(const AudioSourceCandidate& device, const NativeAudioMode& mode,
                       const PreparedSet& basic, std::array<bool, kConstraintNames.size()>& ok)
{
    const bool results[] = {fitness::stringSatisfies(basic.set->deviceId, device.deviceId),
                            fitness::stringSatisfies(basic.set->groupId, device.groupId),
                            basic.sampleRate.allows(mode.sampleRate),
                            basic.channelCount.allows(mode.channels),
                            basic.sampleSize.allows(mode.sampleSize),
                            basic.latency.allows(mode.latency)};
    for (std::size_t i = 0; i < ok.size(); ++i)
        ok[i] = ok[i] || results[i];
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
};

double fitnessDistance(const PreparedSet& set, const AudioSourceCandidate& device,
                       const NativeAudioMode& mode, const std::array<bool, 3>& switches)
{
    const MediaTrackConstraintSet& s = *set.set;
    double distance = fitness::numberFitness(mode.sampleRate, set.sampleRate) +
                      fitness::numberFitness(mode.channels, set.channelCount) +
                      fitness::numberFitness(mode.sampleSize, set.sampleSize) +
                      fitness::numberFitness(mode.latency, set.latency) +
                      fitness::stringFitness(s.deviceId, device.deviceId) +
                      fitness::stringFitness(s.groupId, device.groupId);
    for (std::size_t i = 0; i < Switches::kMembers.size(); ++i)
        distance += fitness::booleanFitness(s.*Switches::kMembers[i], switches[i]);
    return distance;
}

MediaTrackSettings settingsOf(const AudioSourceCandidate& device, const NativeAudioMode& mode,
                              const std::array<bool, 3>& switches)
{
    MediaTrackSettings s;
    s.sampleRate = mode.sampleRate;
    s.channelCount = mode.channels;
    s.sampleSize = mode.sampleSize;
    s.latency = mode.latency;
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

double valueOf(AudioConstraint c, const NativeAudioMode& mode)
{
    switch (c) {
    case AudioConstraint::SampleRate:
        return mode.sampleRate;
    case AudioConstraint::ChannelCount:
        return mode.channels;
    case AudioConstraint::SampleSize:
        return mode.sampleSize;
    default:
        return mode.latency;
    }
}

std::string_view unitOf(AudioConstraint c)
{
    switch (c) {
    case AudioConstraint::SampleRate:
        return " Hz";
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
    const double value = valueOf(c, mode);
    return explain::numberExclusion(kConstraintNames[static_cast<std::size_t>(c)],
                                    requirementOf(c, set), value, value, unitOf(c));
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
 * The nearest thing to \p named the microphones offer: "no microphone mode reaches sampleRate
 * >= 96000; the highest is 48000 Hz, 1 channel, 16 bit". Device ids only with \p withDeviceIds.
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
    const NativeAudioMode* best = nullptr;
    const AudioSourceCandidate* bestDevice = nullptr;
    double bestShortfall = fitness::kInfinity;
    for (const auto& device : devices) {
        if (!fitness::stringSatisfies(basic.set->deviceId, device.deviceId) ||
            !fitness::stringSatisfies(basic.set->groupId, device.groupId))
            continue;
        for (const NativeAudioMode& mode : device.modes) {
            if (!isUsable(mode))
                continue;
            const double value = valueOf(named, mode);
            const double shortfall = explain::shortfall(requirement, value, value);
            if (shortfall < bestShortfall) {
                bestShortfall = shortfall;
                best = &mode;
                bestDevice = &device;
            }
        }
    }
    if (!best)
        return "no microphone mode satisfies " + required;
    const std::string on = withDeviceIds ? " on " + bestDevice->deviceId : "";
    if (bestShortfall > 0) {
        const bool tooSmall = valueOf(named, *best) < requirement.lo;
        return "no microphone mode reaches " + required + "; the " +
               (tooSmall ? "highest" : "lowest") + " is " + explain::modeText(*best) + on;
    }
    return "no microphone mode satisfies " + required + " together with the other constraints";
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
    const std::size_t keySize = 2 * n + 2;
    std::vector<double> key(keySize, 0.0);
    std::vector<double> bestKey(keySize, fitness::kInfinity);
    std::vector<bool> satisfied(n, false);

    std::array<bool, kConstraintNames.size()> ok{};
    std::optional<AudioConstraint> lastFailure;
    bool anyMode = false;
    bool found = false;
    std::size_t bestDevice = 0;
    const NativeAudioMode* bestMode = nullptr;
    std::array<bool, 3> bestSwitches{};

    for (std::size_t d = 0; d < candidates.size(); ++d) {
        const AudioSourceCandidate& device = candidates[d];
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
            recordSatisfiable(device, mode, basic, ok);
            if (auto failed = failure(device, mode, basic)) {
                lastFailure = failed;
                if (recorder) {
                    CandidateReport r = reportOf(d, device, mode);
                    r.excluded = exclusionOf(*failed, device, mode, basic);
                    recorder->addExcluded(std::move(r));
                }
                continue;
            }
            Switches switches;
            if (!switches.apply(constraints))
                continue; // cannot happen: one set never requires both values
            // Spec, SelectSettings: advanced sets in order, each kept if it can hold with those
            // before.
            for (std::size_t k = 0; k < n; ++k) {
                satisfied[k] =
                        !failure(device, mode, advanced[k]) && switches.apply(*advanced[k].set);
                key[k] = satisfied[k] ? 0.0 : 1.0;
            }
            const std::array<bool, 3> values = switches.resolve(constraints);
            key[n] = fitnessDistance(basic, device, mode, values);
            for (std::size_t k = 0; k < n; ++k) {
                key[n + 1 + k] = satisfied[k] ? fitnessDistance(advanced[k], device, mode, values)
                                              : fitness::kInfinity;
            }
            key[2 * n + 1] = double(d);
            if (recorder) {
                CandidateReport r = reportOf(d, device, mode);
                r.settings = settingsOf(device, mode, values);
                r.fitnessDistance = key[n];
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
            bestSwitches = values;
        }
    }

    if (!found && !anyMode) {
        return Error{
                ErrorName::NotFoundError, "no microphone with a usable mode is available", {}, 0};
    }
    if (!found) {
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
    result.settings = settingsOf(candidates[bestDevice], *bestMode, bestSwitches);
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
