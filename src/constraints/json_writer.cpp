// SPDX-License-Identifier: MIT
// JSON text for constraints, settings and capabilities, in the JavaScript shape and with the
// spec's member names. Constraints are written in their explicit object form ({"ideal": 640},
// {"exact": [...]}) so that parsing the text gives back the same constraints, also inside
// `advanced`, where a bare value would mean exact.
#include <nlohmann/json.hpp>

#include <usermedia/capabilities.h>
#include <usermedia/constraints.h>
#include <usermedia/settings.h>

namespace usermedia {

namespace {

using Json = nlohmann::json;

// A non-finite double has no JSON form; nlohmann writes null, which reads back as "absent".
Json number(const ConstrainNumber& c)
{
    Json out = Json::object();
    if (c.exact)
        out["exact"] = *c.exact;
    if (c.ideal)
        out["ideal"] = *c.ideal;
    if (c.min)
        out["min"] = *c.min;
    if (c.max)
        out["max"] = *c.max;
    return out;
}

Json boolean(const ConstrainBoolean& c)
{
    Json out = Json::object();
    if (c.exact)
        out["exact"] = *c.exact;
    if (c.ideal)
        out["ideal"] = *c.ideal;
    return out;
}

Json stringList(const std::vector<std::string>& list)
{
    if (list.size() == 1)
        return list.front();
    return list;
}

Json string(const ConstrainString& c)
{
    Json out = Json::object();
    if (c.exact)
        out["exact"] = stringList(*c.exact);
    if (c.ideal)
        out["ideal"] = stringList(*c.ideal);
    return out;
}

template <typename T, typename Writer>
void put(Json& out, const char* name, const std::optional<T>& value, Writer writer)
{
    if (value)
        out[name] = writer(*value);
}

Json constraintSet(const MediaTrackConstraintSet& set)
{
    Json out = Json::object();
    put(out, "width", set.width, number);
    put(out, "height", set.height, number);
    put(out, "aspectRatio", set.aspectRatio, number);
    put(out, "frameRate", set.frameRate, number);
    put(out, "facingMode", set.facingMode, string);
    put(out, "resizeMode", set.resizeMode, string);
    put(out, "sampleRate", set.sampleRate, number);
    put(out, "sampleSize", set.sampleSize, number);
    put(out, "echoCancellation", set.echoCancellation, boolean);
    put(out, "autoGainControl", set.autoGainControl, boolean);
    put(out, "noiseSuppression", set.noiseSuppression, boolean);
    put(out, "latency", set.latency, number);
    put(out, "channelCount", set.channelCount, number);
    put(out, "deviceId", set.deviceId, string);
    put(out, "groupId", set.groupId, string);
    return out;
}

// Device ids and labels may hold invalid UTF-8; replace it rather than let nlohmann throw.
std::string dumpJson(const Json& value)
{
    return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json range(const NumberRange& r)
{
    return Json{{"min", r.min}, {"max", r.max}};
}

template <typename T>
T same(const T& value)
{
    return value;
}

} // namespace

std::string toJson(const MediaTrackConstraints& constraints)
{
    Json out = constraintSet(constraints);
    if (!constraints.advanced.empty()) {
        Json advanced = Json::array();
        for (const auto& set : constraints.advanced)
            advanced.push_back(constraintSet(set));
        out["advanced"] = std::move(advanced);
    }
    return dumpJson(out);
}

std::string toJson(const MediaTrackSettings& settings)
{
    Json out = Json::object();
    put(out, "width", settings.width, same<int>);
    put(out, "height", settings.height, same<int>);
    put(out, "aspectRatio", settings.aspectRatio, same<double>);
    put(out, "frameRate", settings.frameRate, same<double>);
    put(out, "facingMode", settings.facingMode, same<std::string>);
    put(out, "resizeMode", settings.resizeMode, same<std::string>);
    put(out, "sampleRate", settings.sampleRate, same<int>);
    put(out, "sampleSize", settings.sampleSize, same<int>);
    put(out, "echoCancellation", settings.echoCancellation, same<bool>);
    put(out, "autoGainControl", settings.autoGainControl, same<bool>);
    put(out, "noiseSuppression", settings.noiseSuppression, same<bool>);
    put(out, "latency", settings.latency, same<double>);
    put(out, "channelCount", settings.channelCount, same<int>);
    if (!settings.deviceId.empty())
        out["deviceId"] = settings.deviceId;
    if (!settings.groupId.empty())
        out["groupId"] = settings.groupId;
    return dumpJson(out);
}

std::string toJson(const MediaTrackCapabilities& capabilities)
{
    const auto& c = capabilities;
    Json out = Json::object();
    put(out, "width", c.width, range);
    put(out, "height", c.height, range);
    put(out, "aspectRatio", c.aspectRatio, range);
    put(out, "frameRate", c.frameRate, range);
    if (!c.facingMode.empty())
        out["facingMode"] = c.facingMode;
    if (!c.resizeMode.empty())
        out["resizeMode"] = c.resizeMode;
    put(out, "sampleRate", c.sampleRate, range);
    put(out, "sampleSize", c.sampleSize, range);
    if (!c.echoCancellation.empty())
        out["echoCancellation"] = c.echoCancellation;
    if (!c.autoGainControl.empty())
        out["autoGainControl"] = c.autoGainControl;
    if (!c.noiseSuppression.empty())
        out["noiseSuppression"] = c.noiseSuppression;
    put(out, "latency", c.latency, range);
    put(out, "channelCount", c.channelCount, range);
    if (!c.deviceId.empty())
        out["deviceId"] = c.deviceId;
    if (!c.groupId.empty())
        out["groupId"] = c.groupId;
    return dumpJson(out);
}

} // namespace usermedia
