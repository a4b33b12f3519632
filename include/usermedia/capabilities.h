// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <usermedia/export.h>

namespace usermedia {

/** \brief ULongRange / DoubleRange of the spec: an inclusive range. */
struct NumberRange
{
    double min = 0;
    double max = 0;

    bool operator==(const NumberRange&) const = default;
};

/**
 * \brief MediaTrackCapabilities: what a track's source can do (getCapabilities()).
 * \see https://w3c.github.io/mediacapture-main/#dom-mediatrackcapabilities
 */
struct MediaTrackCapabilities
{
    std::optional<NumberRange> width;
    std::optional<NumberRange> height;
    std::optional<NumberRange> aspectRatio;
    std::optional<NumberRange> frameRate;
    std::vector<std::string> facingMode;
    std::vector<std::string> resizeMode;
    std::optional<NumberRange> sampleRate;
    std::optional<NumberRange> sampleSize;
    std::vector<bool> echoCancellation;
    std::vector<bool> autoGainControl;
    std::vector<bool> noiseSuppression;
    std::optional<NumberRange> latency;
    std::optional<NumberRange> channelCount;
    std::string deviceId;
    std::string groupId;

    bool operator==(const MediaTrackCapabilities&) const = default;
};

/** \brief JSON object of the capabilities that are set. Thread: any. */
UM_EXPORT std::string toJson(const MediaTrackCapabilities& capabilities);

/**
 * \brief MediaTrackSupportedConstraints: the constraint names this implementation understands.
 * \see https://w3c.github.io/mediacapture-main/#dom-mediatracksupportedconstraints
 */
struct MediaTrackSupportedConstraints
{
    bool width = true;
    bool height = true;
    bool aspectRatio = true;
    bool frameRate = true;
    bool facingMode = true;
    bool resizeMode = true;
    bool sampleRate = true;
    bool sampleSize = true;
    bool echoCancellation = true;
    bool autoGainControl = true;
    bool noiseSuppression = true;
    bool latency = true;
    bool channelCount = true;
    bool deviceId = true;
    bool groupId = true;
};

} // namespace usermedia
