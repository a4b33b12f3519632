// SPDX-License-Identifier: MIT
#include "constraints/legacy_constraints.h"

#include <array>
#include <charconv>
#include <optional>
#include <string>

#include "constraints/json_reader.h"

namespace usermedia::constraints_json {

namespace {

using Json = nlohmann::json;
using NumberMember = std::optional<ConstrainNumber> MediaTrackConstraintSet::*;
using BooleanMember = std::optional<ConstrainBoolean> MediaTrackConstraintSet::*;

enum class Bound
{
    Min,
    Max
};

struct NumericName
{
    std::string_view name;
    NumberMember member;
    Bound bound;
};

constexpr std::array kNumericNames{
        NumericName{"minWidth", &MediaTrackConstraintSet::width, Bound::Min},
        NumericName{"maxWidth", &MediaTrackConstraintSet::width, Bound::Max},
        NumericName{"minHeight", &MediaTrackConstraintSet::height, Bound::Min},
        NumericName{"maxHeight", &MediaTrackConstraintSet::height, Bound::Max},
        NumericName{"minFrameRate", &MediaTrackConstraintSet::frameRate, Bound::Min},
        NumericName{"maxFrameRate", &MediaTrackConstraintSet::frameRate, Bound::Max},
        NumericName{"minAspectRatio", &MediaTrackConstraintSet::aspectRatio, Bound::Min},
        NumericName{"maxAspectRatio", &MediaTrackConstraintSet::aspectRatio, Bound::Max},
};

struct BooleanName
{
    std::string_view name;
    BooleanMember member;
};

constexpr std::array kBooleanNames{
        BooleanName{"echoCancellation", &MediaTrackConstraintSet::echoCancellation},
        BooleanName{"googEchoCancellation", &MediaTrackConstraintSet::echoCancellation},
        BooleanName{"googAutoGainControl", &MediaTrackConstraintSet::autoGainControl},
        BooleanName{"googNoiseSuppression", &MediaTrackConstraintSet::noiseSuppression},
};

// The modern members; a legacy object that also has one of these is rejected.
constexpr std::array<std::string_view, 16> kModernNames{
        "width",           "height",           "aspectRatio",
        "frameRate",       "facingMode",       "resizeMode",
        "sampleRate",      "sampleSize",       "echoCancellation",
        "autoGainControl", "noiseSuppression", "latency",
        "channelCount",    "deviceId",         "groupId",
        "advanced"};

// Legacy values were strings in the original API ({"minWidth": "640"}), so numeric strings are
// accepted besides numbers.
std::optional<double> legacyNumber(const Json& value)
{
    if (value.is_number())
        return value.get<double>();
    if (value.is_string()) {
        const auto& text = value.get_ref<const std::string&>();
        double parsed = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
        if (ec == std::errc() && end == text.data() + text.size() && !text.empty())
            return parsed;
    }
    return std::nullopt;
}

std::optional<bool> legacyBoolean(const Json& value)
{
    if (value.is_boolean())
        return value.get<bool>();
    if (value.is_string()) {
        const auto& text = value.get_ref<const std::string&>();
        if (text == "true")
            return true;
        if (text == "false")
            return false;
    }
    return std::nullopt;
}

enum class Section
{
    Mandatory,
    Optional
};

// Applies one legacy name/value to \p set. Legacy values are always required: mandatory ones
// belong to the basic set, optional ones to an advanced set, where bare values are exact.
Result<void> applyLegacyMember(MediaTrackConstraintSet& set, const std::string& name,
                               const Json& value, const std::string& path, Section section)
{
    for (const auto& numeric : kNumericNames) {
        if (numeric.name != name)
            continue;
        const auto number = legacyNumber(value);
        if (!number)
            return typeError(path, "a number", value);
        auto& constraint = set.*numeric.member;
        if (!constraint)
            constraint.emplace();
        (numeric.bound == Bound::Min ? constraint->min : constraint->max) = *number;
        return {};
    }
    for (const auto& boolean : kBooleanNames) {
        if (boolean.name != name)
            continue;
        const auto flag = legacyBoolean(value);
        if (!flag)
            return typeError(path, "a boolean", value);
        set.*boolean.member = ConstrainBoolean::exactly(*flag);
        return {};
    }
    if (name == "sourceId") {
        if (!value.is_string())
            return typeError(path, "a string", value);
        set.deviceId = ConstrainString::exactly({value.get<std::string>()});
        return {};
    }
    // A name we do not implement (googHighpassFilter, chromeMediaSource, a misspelling). An
    // optional entry is a preference, so it is ignored. A mandatory one must be satisfied, and
    // an unknown one cannot be: the old implementations failed the call with
    // ConstraintNotSatisfiedError naming it (MANDATORY_UNSATISFIED_ERROR in the legacy
    // callback), which is what the legacy API promises. Chromium 156 ignores it instead; a
    // program relying on a mandatory constraint must not be handed a device that ignores it.
    if (section == Section::Optional)
        return {};
    if (name.empty()) // no constraint to name: malformed rather than unsatisfiable
        return Error{ErrorName::TypeError, path + ": a constraint name must not be empty", {}, 0};
    return Error{ErrorName::OverconstrainedError,
                 path + ": unknown mandatory constraint \"" + name +
                         "\"; every mandatory constraint must be satisfied (move it to "
                         "\"optional\" to make it a preference)",
                 name, 0};
}

} // namespace

bool isLegacyShape(const Json& track)
{
    return track.is_object() && (track.contains("mandatory") || track.contains("optional"));
}

Result<MediaTrackConstraints> parseLegacyTrackConstraints(const Json& track, std::string_view path)
{
    for (const auto name : kModernNames) {
        if (track.contains(name)) {
            return Error{ErrorName::TypeError,
                         memberPath(path, name) +
                                 ": cannot mix legacy mandatory/optional constraints with "
                                 "modern ones",
                         {},
                         0};
        }
    }

    MediaTrackConstraints result;
    const std::string mandatoryPath = memberPath(path, "mandatory");
    if (auto it = track.find("mandatory"); it != track.end() && !it->is_null()) {
        if (!it->is_object())
            return typeError(mandatoryPath, "an object", *it);
        for (const auto& [name, value] : it->items()) {
            auto applied = applyLegacyMember(result, name, value, memberPath(mandatoryPath, name),
                                             Section::Mandatory);
            if (!applied)
                return applied.error();
        }
    }

    const std::string optionalPath = memberPath(path, "optional");
    if (auto it = track.find("optional"); it != track.end() && !it->is_null()) {
        if (!it->is_array())
            return typeError(optionalPath, "an array", *it);
        for (std::size_t i = 0; i < it->size(); ++i) {
            const Json& entry = (*it)[i];
            const std::string entryPath = indexPath(optionalPath, i);
            if (!entry.is_object())
                return typeError(entryPath, "an object", entry);
            MediaTrackConstraintSet set;
            for (const auto& [name, value] : entry.items()) {
                auto applied = applyLegacyMember(set, name, value, memberPath(entryPath, name),
                                                 Section::Optional);
                if (!applied)
                    return applied.error();
            }
            // Each optional entry is its own advanced set, so they are tried in order.
            result.advanced.push_back(std::move(set));
        }
    }
    return result;
}

} // namespace usermedia::constraints_json
