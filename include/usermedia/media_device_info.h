// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <usermedia/export.h>

namespace usermedia {

/** \brief MediaDeviceKind: "audioinput", "audiooutput", "videoinput". */
enum class MediaDeviceKind
{
    AudioInput,
    AudioOutput,
    VideoInput,
};

/** \brief The spec string, e.g. "videoinput". Thread: any. */
UM_EXPORT std::string_view toString(MediaDeviceKind kind);
/** \brief Parses the spec string; empty for anything else. Thread: any. */
UM_EXPORT std::optional<MediaDeviceKind> mediaDeviceKindFromString(std::string_view text);

/**
 * \brief MediaDeviceInfo: one entry of enumerateDevices().
 * Before permission for its kind is granted, label, deviceId and groupId are empty.
 * \see https://w3c.github.io/mediacapture-main/#device-info
 */
struct MediaDeviceInfo
{
    std::string deviceId;
    MediaDeviceKind kind = MediaDeviceKind::VideoInput;
    std::string label;
    std::string groupId;

    bool operator==(const MediaDeviceInfo&) const = default;
};

/** \brief `{"deviceId", "kind", "label", "groupId"}`, as MediaDeviceInfo.toJSON(). */
UM_EXPORT std::string toJson(const MediaDeviceInfo& info);

} // namespace usermedia
