// SPDX-License-Identifier: MIT
#include "constraints/explain.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <utility>

namespace usermedia {

namespace explain {

namespace {

// NaN never reaches a key in practice (ideals are clamped, NaN ideals dropped), but a NaN would
// break the ordering std::stable_sort needs, so it sorts last.
bool keyLess(const std::vector<double>& a, const std::vector<double>& b)
{
    const std::size_t size = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < size; ++i) {
        const double x = std::isnan(a[i]) ? fitness::kInfinity : a[i];
        const double y = std::isnan(b[i]) ? fitness::kInfinity : b[i];
        if (x != y)
            return x < y;
    }
    return a.size() < b.size();
}

std::string rateText(double minRate, double maxRate)
{
    if (minRate == maxRate)
        return number(maxRate) + " fps";
    return number(minRate) + "-" + number(maxRate) + " fps";
}

} // namespace

void Recorder::addExcluded(CandidateReport report)
{
    out_.candidates.push_back(std::move(report));
    keys_.emplace_back();
}

void Recorder::addEligible(CandidateReport report, std::span<const double> key)
{
    out_.candidates.push_back(std::move(report));
    keys_.emplace_back(key.begin(), key.end());
}

SelectionExplanation Recorder::finish(std::vector<std::string> alternatives, std::string summary)
{
    std::vector<std::size_t> eligible;
    std::vector<std::size_t> excluded;
    for (std::size_t i = 0; i < out_.candidates.size(); ++i) {
        if (chosen_ && i == *chosen_)
            continue;
        (out_.candidates[i].excluded ? excluded : eligible).push_back(i);
    }
    // Stable sorts: equal keys keep enumeration order, the order SelectSettings breaks ties in.
    std::stable_sort(eligible.begin(), eligible.end(),
                     [&](std::size_t a, std::size_t b) { return keyLess(keys_[a], keys_[b]); });
    std::stable_sort(excluded.begin(), excluded.end(), [&](std::size_t a, std::size_t b) {
        return out_.candidates[a].excluded->shortfall < out_.candidates[b].excluded->shortfall;
    });

    SelectionExplanation result;
    result.kind = out_.kind;
    result.candidates.reserve(out_.candidates.size());
    std::size_t rank = 0;
    if (chosen_) {
        result.candidates.push_back(std::move(out_.candidates[*chosen_]));
        result.candidates.back().chosen = true;
        result.candidates.back().rank = ++rank;
    }
    for (const std::size_t i : eligible) {
        result.candidates.push_back(std::move(out_.candidates[i]));
        result.candidates.back().rank = ++rank;
    }
    for (const std::size_t i : excluded)
        result.candidates.push_back(std::move(out_.candidates[i]));
    result.alternatives = std::move(alternatives);
    result.summary = std::move(summary);
    out_.candidates.clear();
    keys_.clear();
    chosen_.reset();
    return result;
}

std::string number(double value)
{
    if (std::isinf(value))
        return value > 0 ? "infinity" : "-infinity";
    char text[32];
    (void)std::snprintf(text, sizeof text, "%.6g", value);
    return text;
}

std::string requirementText(std::string_view name, const fitness::NumberRequirement& requirement)
{
    const std::string n(name);
    if (requirement.isEmpty()) {
        if (std::isinf(requirement.lo) && std::isinf(requirement.hi))
            return n + " in an empty range (a bound is not a number)";
        return n + " in an empty range (min " + number(requirement.lo) + " > max " +
               number(requirement.hi) + ")";
    }
    const bool hasLo = std::isfinite(requirement.lo);
    const bool hasHi = std::isfinite(requirement.hi);
    if (hasLo && hasHi) {
        if (requirement.lo == requirement.hi)
            return n + " exactly " + number(requirement.lo);
        return n + " in " + number(requirement.lo) + ".." + number(requirement.hi);
    }
    if (hasLo)
        return n + " >= " + number(requirement.lo);
    if (hasHi)
        return n + " <= " + number(requirement.hi);
    return n + " (any)";
}

double shortfall(const fitness::NumberRequirement& requirement, double reachMin, double reachMax)
{
    if (requirement.isEmpty())
        return 1;
    if (reachMax < requirement.lo)
        return fitness::relativeDistance(reachMax, requirement.lo);
    if (reachMin > requirement.hi)
        return fitness::relativeDistance(reachMin, requirement.hi);
    return 0;
}

CandidateExclusion numberExclusion(std::string_view name,
                                   const fitness::NumberRequirement& requirement, double reachMin,
                                   double reachMax, std::string_view unit)
{
    CandidateExclusion exclusion;
    exclusion.constraint = std::string(name);
    exclusion.required = requirementText(name, requirement);
    exclusion.shortfall = shortfall(requirement, reachMin, reachMax);
    const std::string u(unit);
    if (requirement.isEmpty()) {
        exclusion.offered = "no value can satisfy it";
    } else if (reachMax < requirement.lo) {
        exclusion.offered = reachMin == reachMax
                                    ? "this mode has exactly " + number(reachMax) + u
                                    : "this mode reaches at most " + number(reachMax) + u;
    } else if (reachMin > requirement.hi) {
        exclusion.offered = reachMin == reachMax
                                    ? "this mode has exactly " + number(reachMin) + u
                                    : "this mode reaches at least " + number(reachMin) + u;
    } else {
        // The ranges overlap: another constraint narrowed what this candidate can reach.
        exclusion.offered = "this mode reaches only " + number(reachMin) + ".." + number(reachMax) +
                            u + " together with the other constraints";
    }
    return exclusion;
}

std::string quotedList(const std::vector<std::string>& values)
{
    std::string text = "[";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0)
            text += ", ";
        text += "\"" + values[i] + "\"";
    }
    return text + "]";
}

CandidateExclusion stringExclusion(std::string_view name, const ConstrainString& constraint,
                                   std::optional<std::string_view> actual, std::string_view subject)
{
    CandidateExclusion exclusion;
    exclusion.constraint = std::string(name);
    exclusion.required = std::string(name) + " one of " +
                         quotedList(constraint.exact.value_or(std::vector<std::string>{}));
    exclusion.offered = actual ? std::string(subject) + " has \"" + std::string(*actual) + "\""
                               : std::string(subject) + " has none";
    exclusion.shortfall = 1;
    return exclusion;
}

NativeModeInfo modeInfo(const NativeVideoMode& mode)
{
    NativeModeInfo info;
    info.format = std::string(toString(mode.format));
    info.width = mode.width;
    info.height = mode.height;
    info.minFrameRate = mode.minFrameRate;
    info.maxFrameRate = mode.maxFrameRate;
    return info;
}

NativeModeInfo modeInfo(const NativeAudioMode& mode)
{
    NativeModeInfo info;
    info.sampleRate = mode.sampleRate;
    info.channelCount = mode.channels;
    info.sampleSize = mode.sampleSize;
    info.latency = mode.latency;
    return info;
}

std::string modeText(const NativeModeInfo& mode)
{
    if (!mode.format.empty()) {
        return std::to_string(mode.width) + "x" + std::to_string(mode.height) + " " + mode.format +
               " @ " + rateText(mode.minFrameRate, mode.maxFrameRate);
    }
    return std::to_string(mode.sampleRate) + " Hz, " + std::to_string(mode.channelCount) +
           (mode.channelCount == 1 ? " channel, " : " channels, ") +
           std::to_string(mode.sampleSize) + " bit";
}

std::string modeText(const NativeVideoMode& mode)
{
    return modeText(modeInfo(mode));
}

std::string modeText(const NativeAudioMode& mode)
{
    return modeText(modeInfo(mode));
}

std::string chosenSummary(const SelectionExplanation& explanation)
{
    std::size_t excluded = 0;
    for (const auto& candidate : explanation.candidates)
        excluded += candidate.excluded ? 1 : 0;
    const std::string counts = std::to_string(explanation.candidates.size()) + " candidates, " +
                               std::to_string(excluded) + " excluded";
    if (explanation.candidates.empty() || !explanation.candidates.front().chosen)
        return "nothing chosen; " + counts;
    const CandidateReport& chosen = explanation.candidates.front();
    return "chose " + chosen.deviceId + ": native " + modeText(chosen.mode) + " -> " +
           settingsText(chosen.settings) + " (fitness distance " + number(chosen.fitnessDistance) +
           "); " + counts;
}

std::string settingsText(const MediaTrackSettings& settings)
{
    std::string text;
    if (settings.width && settings.height)
        text = std::to_string(*settings.width) + "x" + std::to_string(*settings.height);
    if (settings.frameRate)
        text += " @ " + number(*settings.frameRate) + " fps";
    if (settings.resizeMode)
        text += ", " + *settings.resizeMode;
    if (settings.sampleRate)
        text += std::to_string(*settings.sampleRate) + " Hz";
    if (settings.channelCount) {
        text += ", " + std::to_string(*settings.channelCount) +
                (*settings.channelCount == 1 ? " channel" : " channels");
    }
    return text;
}

namespace {

struct NumberMember
{
    std::string_view name;
    std::optional<ConstrainNumber> MediaTrackConstraintSet::*member;
    fitness::Domain domain;
};

struct StringMember
{
    std::string_view name;
    std::optional<ConstrainString> MediaTrackConstraintSet::*member;
};

constexpr NumberMember kNumbers[] = {
        {"width", &MediaTrackConstraintSet::width, fitness::Domain::Integer},
        {"height", &MediaTrackConstraintSet::height, fitness::Domain::Integer},
        {"aspectRatio", &MediaTrackConstraintSet::aspectRatio, fitness::Domain::Real},
        {"frameRate", &MediaTrackConstraintSet::frameRate, fitness::Domain::Real},
        {"sampleRate", &MediaTrackConstraintSet::sampleRate, fitness::Domain::Integer},
        {"sampleSize", &MediaTrackConstraintSet::sampleSize, fitness::Domain::Integer},
        {"latency", &MediaTrackConstraintSet::latency, fitness::Domain::Real},
        {"channelCount", &MediaTrackConstraintSet::channelCount, fitness::Domain::Integer},
};

constexpr StringMember kStrings[] = {
        {"deviceId", &MediaTrackConstraintSet::deviceId},
        {"groupId", &MediaTrackConstraintSet::groupId},
        {"facingMode", &MediaTrackConstraintSet::facingMode},
        {"resizeMode", &MediaTrackConstraintSet::resizeMode},
};

} // namespace

std::vector<Relaxation> relaxations(const MediaTrackConstraints& constraints,
                                    std::span<const std::string_view> names)
{
    std::vector<Relaxation> out;
    for (const std::string_view name : names) {
        for (const NumberMember& m : kNumbers) {
            const auto& constraint = constraints.*m.member;
            if (m.name != name || !constraint)
                continue;
            if (!constraint->exact && !constraint->min && !constraint->max)
                continue;
            ConstrainNumber relaxed;
            // The ideal to keep: the one given, else the value the required part aimed at.
            relaxed.ideal = constraint->ideal   ? constraint->ideal
                            : constraint->exact ? constraint->exact
                            : constraint->min   ? constraint->min
                                                : constraint->max;
            Relaxation r;
            r.constraint = std::string(name);
            r.description =
                    requirementText(name, fitness::numberRequirement(constraint, m.domain)) +
                    " relaxed to ideal " + number(*relaxed.ideal);
            r.constraints = constraints;
            r.constraints.*m.member = relaxed;
            out.push_back(std::move(r));
        }
        for (const StringMember& m : kStrings) {
            const auto& constraint = constraints.*m.member;
            if (m.name != name || !constraint || !constraint->exact || constraint->exact->empty())
                continue;
            ConstrainString relaxed;
            relaxed.ideal = constraint->ideal ? constraint->ideal : constraint->exact;
            Relaxation r;
            r.constraint = std::string(name);
            r.description = std::string(name) + " " + quotedList(*constraint->exact) +
                            " relaxed to an ideal";
            r.constraints = constraints;
            r.constraints.*m.member = relaxed;
            out.push_back(std::move(r));
        }
    }
    return out;
}

} // namespace explain

SelectionExplanation explainVideoSelection(const MediaTrackConstraints& constraints,
                                           std::span<const VideoSourceCandidate> candidates)
{
    SelectionExplanation explanation;
    (void)selectVideoSettings(constraints, candidates, &explanation);
    return explanation;
}

SelectionExplanation explainAudioSelection(const MediaTrackConstraints& constraints,
                                           std::span<const AudioSourceCandidate> candidates)
{
    SelectionExplanation explanation;
    (void)selectAudioSettings(constraints, candidates, &explanation);
    return explanation;
}

} // namespace usermedia
