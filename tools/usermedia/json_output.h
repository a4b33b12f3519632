// SPDX-License-Identifier: MIT
// The JSON (and the text derived from it) that the commands print for devices, settings and
// errors: one definition of each shape, shared by every command.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include <usermedia/error.h>
#include <usermedia/explain.h>
#include <usermedia/media_device_info.h>
#include <usermedia/settings.h>

namespace usermedia::cli {

using OrderedJson = nlohmann::ordered_json;

/** \brief `{"deviceId", "kind", "label", "groupId"}` in that order (MediaDeviceInfo.toJSON()). */
OrderedJson deviceJson(const MediaDeviceInfo& device);

/** \brief The members of \p settings that are set, named as in the spec. */
OrderedJson settingsJson(const MediaTrackSettings& settings);

/** \brief `{"name", "constraint", "message"}`; constraint is null when the error names none. */
OrderedJson errorJson(const Error& error);

/** \brief A number for a terminal, without float noise: 1.33333, 30, 0.01. */
std::string number(double value);

/** \brief Whether \p mode is a camera mode (it has a pixel format). */
bool isVideo(const NativeModeInfo& mode);

/** \brief "3840x2160 i420 @ 20 fps" (a range as "1-30 fps") or "48000 Hz 2ch 16 bit". */
std::string modeText(const NativeModeInfo& mode);

/**
 * \brief `{"format", "width", "height", "frameRate": {"min", "max"}}` for a camera mode,
 * `{"sampleRate", "channelCount", "sampleSize", "latency"}` for a microphone mode.
 */
OrderedJson modeJson(const NativeModeInfo& mode);

/**
 * \brief The settings for a terminal: "width=640 height=480 frameRate=30 ...", the members of
 * settingsJson() except the ids (printed on their own line), numbers without float noise.
 */
std::string settingsText(const MediaTrackSettings& settings);

} // namespace usermedia::cli
