// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>

#include <usermedia/export.h>

namespace usermedia {

/**
 * \brief MediaTrackSettings: the values a track actually uses (getSettings()).
 * Video tracks fill the video members, audio tracks the audio ones; deviceId and groupId are
 * the ids the application sees.
 * \see https://w3c.github.io/mediacapture-main/#dom-mediatracksettings
 */
struct MediaTrackSettings
{
    std::optional<int> width;
    std::optional<int> height;
    std::optional<double> aspectRatio;
    std::optional<double> frameRate;
    std::optional<std::string> facingMode;
    std::optional<std::string> resizeMode;
    std::optional<int> sampleRate;
    std::optional<int> sampleSize;
    std::optional<bool> echoCancellation;
    std::optional<bool> autoGainControl;
    std::optional<bool> noiseSuppression;
    std::optional<double> latency;
    std::optional<int> channelCount;
    std::string deviceId;
    std::string groupId;

    bool operator==(const MediaTrackSettings&) const = default;
};

/** \brief JSON object with the members that are set, named as in the spec. Thread: any. */
UM_EXPORT std::string toJson(const MediaTrackSettings& settings);

} // namespace usermedia
