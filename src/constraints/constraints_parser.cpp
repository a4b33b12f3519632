// SPDX-License-Identifier: MIT
// JSON -> MediaStreamConstraints / MediaTrackConstraints, following the WebIDL dictionaries of
// https://w3c.github.io/mediacapture-main/#dom-mediastreamconstraints. Unknown members are
// ignored (WebIDL dictionaries do); values of the wrong type are a TypeError naming the JSON
// path. Unlike JavaScript, JSON text is not coerced: "640" is not a number and "yes" is not
// `true`, which catches mistakes such as {"video": "false"}.
#include <array>
#include <string>

#include <nlohmann/json.hpp>

#include <usermedia/constraints.h>

#include "constraints/json_reader.h"
#include "constraints/legacy_constraints.h"

namespace usermedia {

namespace {

using constraints_json::indexPath;
using constraints_json::memberPath;
using constraints_json::typeError;
using Json = nlohmann::json;

// The spec: "a bare value ... is an ideal in the basic set and exact in advanced sets".
enum class SetKind
{
    Basic,
    Advanced
};

Result<std::optional<double>> readNumber(const Json& object, std::string_view name,
                                         const std::string& path)
{
    auto it = object.find(name);
    if (it == object.end() || it->is_null())
        return std::optional<double>();
    if (!it->is_number())
        return typeError(memberPath(path, name), "a number", *it);
    return std::optional<double>(it->get<double>());
}

Result<ConstrainNumber> parseNumberConstraint(const Json& value, const std::string& path,
                                              SetKind kind)
{
    if (value.is_number()) {
        const double v = value.get<double>();
        return kind == SetKind::Basic ? ConstrainNumber::idealOf(v) : ConstrainNumber::exactly(v);
    }
    if (!value.is_object())
        return typeError(path, "a number or an object with exact/ideal/min/max", value);
    ConstrainNumber result;
    struct Member
    {
        std::string_view name;
        std::optional<double> ConstrainNumber::*field;
    };
    constexpr std::array kMembers{
            Member{"exact", &ConstrainNumber::exact}, Member{"ideal", &ConstrainNumber::ideal},
            Member{"min", &ConstrainNumber::min}, Member{"max", &ConstrainNumber::max}};
    for (const auto& member : kMembers) {
        auto number = readNumber(value, member.name, path);
        if (!number)
            return number.error();
        result.*member.field = *number;
    }
    return result;
}

Result<ConstrainBoolean> parseBooleanConstraint(const Json& value, const std::string& path,
                                                SetKind kind)
{
    if (value.is_boolean()) {
        const bool v = value.get<bool>();
        return kind == SetKind::Basic ? ConstrainBoolean::idealOf(v) : ConstrainBoolean::exactly(v);
    }
    if (!value.is_object())
        return typeError(path, "a boolean or an object with exact/ideal", value);
    ConstrainBoolean result;
    for (const auto name : {std::string_view("exact"), std::string_view("ideal")}) {
        auto it = value.find(name);
        if (it == value.end() || it->is_null())
            continue;
        if (!it->is_boolean())
            return typeError(memberPath(path, name), "a boolean", *it);
        (name == "exact" ? result.exact : result.ideal) = it->get<bool>();
    }
    return result;
}

// DOMString or sequence<DOMString>.
Result<std::vector<std::string>> parseStringList(const Json& value, const std::string& path)
{
    if (value.is_string())
        return std::vector<std::string>{value.get<std::string>()};
    if (!value.is_array())
        return typeError(path, "a string or an array of strings", value);
    std::vector<std::string> list;
    list.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (!value[i].is_string())
            return typeError(indexPath(path, i), "a string", value[i]);
        list.push_back(value[i].get<std::string>());
    }
    return list;
}

Result<ConstrainString> parseStringConstraint(const Json& value, const std::string& path,
                                              SetKind kind)
{
    if (value.is_string() || value.is_array()) {
        auto list = parseStringList(value, path);
        if (!list)
            return list.error();
        return kind == SetKind::Basic ? ConstrainString::idealOf(std::move(*list))
                                      : ConstrainString::exactly(std::move(*list));
    }
    if (!value.is_object()) {
        return typeError(path, "a string, an array of strings or an object with exact/ideal",
                         value);
    }
    ConstrainString result;
    for (const auto name : {std::string_view("exact"), std::string_view("ideal")}) {
        auto it = value.find(name);
        if (it == value.end() || it->is_null())
            continue;
        auto list = parseStringList(*it, memberPath(path, name));
        if (!list)
            return list.error();
        (name == "exact" ? result.exact : result.ideal) = std::move(*list);
    }
    return result;
}

template <typename Constraint, typename Parser>
Result<void> parseMember(const Json& object, std::string_view name, const std::string& path,
                         SetKind kind, std::optional<Constraint>& out, Parser parser)
{
    auto it = object.find(name);
    if (it == object.end() || it->is_null())
        return {};
    auto parsed = parser(*it, memberPath(path, name), kind);
    if (!parsed)
        return parsed.error();
    out = std::move(*parsed);
    return {};
}

Result<MediaTrackConstraintSet> parseConstraintSet(const Json& object, const std::string& path,
                                                   SetKind kind)
{
    MediaTrackConstraintSet set;
    using S = MediaTrackConstraintSet;
    struct NumberName
    {
        std::string_view name;
        std::optional<ConstrainNumber> S::*member;
    };
    constexpr std::array kNumbers{NumberName{"width", &S::width},
                                  NumberName{"height", &S::height},
                                  NumberName{"aspectRatio", &S::aspectRatio},
                                  NumberName{"frameRate", &S::frameRate},
                                  NumberName{"sampleRate", &S::sampleRate},
                                  NumberName{"sampleSize", &S::sampleSize},
                                  NumberName{"latency", &S::latency},
                                  NumberName{"channelCount", &S::channelCount}};
    for (const auto& n : kNumbers) {
        if (auto r = parseMember(object, n.name, path, kind, set.*n.member, parseNumberConstraint);
            !r)
            return r.error();
    }
    struct BooleanName
    {
        std::string_view name;
        std::optional<ConstrainBoolean> S::*member;
    };
    constexpr std::array kBooleans{BooleanName{"echoCancellation", &S::echoCancellation},
                                   BooleanName{"autoGainControl", &S::autoGainControl},
                                   BooleanName{"noiseSuppression", &S::noiseSuppression}};
    for (const auto& b : kBooleans) {
        if (auto r = parseMember(object, b.name, path, kind, set.*b.member, parseBooleanConstraint);
            !r)
            return r.error();
    }
    struct StringName
    {
        std::string_view name;
        std::optional<ConstrainString> S::*member;
    };
    constexpr std::array kStrings{
            StringName{"facingMode", &S::facingMode}, StringName{"resizeMode", &S::resizeMode},
            StringName{"deviceId", &S::deviceId}, StringName{"groupId", &S::groupId}};
    for (const auto& s : kStrings) {
        if (auto r = parseMember(object, s.name, path, kind, set.*s.member, parseStringConstraint);
            !r)
            return r.error();
    }
    return set;
}

Result<MediaTrackConstraints> parseTrackObject(const Json& object, const std::string& path)
{
    if (!object.is_object())
        return typeError(path, "an object", object);
    if (constraints_json::isLegacyShape(object))
        return constraints_json::parseLegacyTrackConstraints(object, path);

    auto basic = parseConstraintSet(object, path, SetKind::Basic);
    if (!basic)
        return basic.error();
    MediaTrackConstraints result;
    static_cast<MediaTrackConstraintSet&>(result) = std::move(*basic);

    auto advanced = object.find("advanced");
    if (advanced == object.end() || advanced->is_null())
        return result;
    const std::string advancedPath = memberPath(path, "advanced");
    if (!advanced->is_array())
        return typeError(advancedPath, "an array of constraint sets", *advanced);
    result.advanced.reserve(advanced->size());
    for (std::size_t i = 0; i < advanced->size(); ++i) {
        const Json& entry = (*advanced)[i];
        const std::string entryPath = indexPath(advancedPath, i);
        if (!entry.is_object())
            return typeError(entryPath, "an object", entry);
        auto set = parseConstraintSet(entry, entryPath, SetKind::Advanced);
        if (!set)
            return set.error();
        result.advanced.push_back(std::move(*set));
    }
    return result;
}

// `(boolean or MediaTrackConstraints) video = false`: absent/false -> not requested;
// true -> requested without constraints; null -> WebIDL converts it to the default
// dictionary, i.e. requested (Chromium agrees: case default/video-null).
Result<std::optional<MediaTrackConstraints>> parseKind(const Json& root, std::string_view name)
{
    auto it = root.find(name);
    if (it == root.end())
        return std::optional<MediaTrackConstraints>();
    if (it->is_boolean()) {
        return it->get<bool>() ? std::optional<MediaTrackConstraints>(MediaTrackConstraints{})
                               : std::optional<MediaTrackConstraints>();
    }
    if (it->is_null())
        return std::optional<MediaTrackConstraints>(MediaTrackConstraints{});
    if (!it->is_object())
        return typeError(name, "a boolean or a MediaTrackConstraints object", *it);
    auto track = parseTrackObject(*it, std::string(name));
    if (!track)
        return track.error();
    return std::optional<MediaTrackConstraints>(std::move(*track));
}

} // namespace

Result<MediaStreamConstraints> parseMediaStreamConstraints(std::string_view json)
{
    auto root = constraints_json::parseJsonText(json);
    if (!root)
        return root.error();
    if (!root->is_object())
        return typeError("", "a MediaStreamConstraints object", *root);
    MediaStreamConstraints result;
    auto video = parseKind(*root, "video");
    if (!video)
        return video.error();
    auto audio = parseKind(*root, "audio");
    if (!audio)
        return audio.error();
    result.video = std::move(*video);
    result.audio = std::move(*audio);
    return result;
}

Result<MediaTrackConstraints> parseMediaTrackConstraints(std::string_view json)
{
    auto root = constraints_json::parseJsonText(json);
    if (!root)
        return root.error();
    return parseTrackObject(*root, "");
}

} // namespace usermedia
