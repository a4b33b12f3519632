// SPDX-License-Identifier: MIT
#include "json_output.h"

#include <cstdio>
#include <string>

namespace usermedia::cli {
namespace {

// Doubles such as aspectRatio 1.3333333333333333 read better as 1.33333 on a terminal.
std::string valueText(const OrderedJson& value)
{
    if (value.is_number_float())
        return number(value.get<double>());
    if (value.is_string())
        return value.get<std::string>();
    return value.dump();
}

} // namespace

std::string number(double value)
{
    char text[32];
    (void)std::snprintf(text, sizeof text, "%.6g", value);
    return text;
}

bool isVideo(const NativeModeInfo& mode)
{
    return !mode.format.empty();
}

std::string modeText(const NativeModeInfo& mode)
{
    if (isVideo(mode)) {
        const std::string rate =
                mode.minFrameRate == mode.maxFrameRate
                        ? number(mode.maxFrameRate)
                        : number(mode.minFrameRate) + "-" + number(mode.maxFrameRate);
        return std::to_string(mode.width) + "x" + std::to_string(mode.height) + " " + mode.format +
               " @ " + rate + " fps";
    }
    return std::to_string(mode.sampleRate) + " Hz " + std::to_string(mode.channelCount) + "ch " +
           std::to_string(mode.sampleSize) + " bit";
}

OrderedJson modeJson(const NativeModeInfo& mode)
{
    OrderedJson json;
    if (isVideo(mode)) {
        json["format"] = mode.format;
        json["width"] = mode.width;
        json["height"] = mode.height;
        json["frameRate"] = {{"min", mode.minFrameRate}, {"max", mode.maxFrameRate}};
    } else {
        json["sampleRate"] = mode.sampleRate;
        json["channelCount"] = mode.channelCount;
        json["sampleSize"] = mode.sampleSize;
        json["latency"] = mode.latency;
    }
    return json;
}

// The library owns these shapes (toJson); parsing its text back keeps one definition of them.
// ordered_json keeps the library's member order.
OrderedJson deviceJson(const MediaDeviceInfo& device)
{
    return OrderedJson::parse(toJson(device));
}

OrderedJson settingsJson(const MediaTrackSettings& settings)
{
    return OrderedJson::parse(toJson(settings));
}

OrderedJson errorJson(const Error& error)
{
    OrderedJson json;
    json["name"] = std::string(toString(error.name));
    json["constraint"] =
            error.constraint.empty() ? OrderedJson(nullptr) : OrderedJson(error.constraint);
    json["message"] = error.message;
    return json;
}

std::string settingsText(const MediaTrackSettings& settings)
{
    std::string text;
    const OrderedJson json = settingsJson(settings); // items() does not keep a temporary alive
    for (const auto& [name, value] : json.items()) {
        if (name == "deviceId" || name == "groupId")
            continue;
        if (!text.empty())
            text += ' ';
        text += name + "=" + valueText(value);
    }
    return text;
}

} // namespace usermedia::cli
