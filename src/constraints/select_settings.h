// SPDX-License-Identifier: MIT
// The spec's SelectSettings algorithm with fitness distance: pure functions, no I/O.
// https://w3c.github.io/mediacapture-main/#dfn-selectsettings
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <usermedia/capabilities.h>
#include <usermedia/constraints.h>
#include <usermedia/result.h>
#include <usermedia/settings.h>

#include "backends/backend.h"

namespace usermedia {

/** A camera as the engine sees it: the application-visible ids and the native modes. */
struct VideoSourceCandidate
{
    std::string deviceId;
    std::string groupId;
    std::optional<std::string> facingMode;
    std::vector<NativeVideoMode> modes;
};

/** A microphone as the engine sees it. */
struct AudioSourceCandidate
{
    std::string deviceId;
    std::string groupId;
    std::vector<NativeAudioMode> modes;
};

/** The outcome for video: which device, which native mode, and the track's settings. */
struct VideoSelection
{
    std::size_t deviceIndex = 0;
    NativeVideoMode nativeMode;
    /// width, height, frameRate, aspectRatio, resizeMode, deviceId, groupId (facingMode if any)
    MediaTrackSettings settings;
};

/** The outcome for audio. */
struct AudioSelection
{
    std::size_t deviceIndex = 0;
    NativeAudioMode nativeMode;
    /// sampleRate, channelCount, sampleSize, latency, echoCancellation, autoGainControl,
    /// noiseSuppression, deviceId, groupId
    MediaTrackSettings settings;
};

/**
 * Picks the device and settings that fit \p constraints best, in candidate order for ties.
 * For video, `nativeMode` is the device's mode as given (a frame-rate range stays a range);
 * the settings' size may be smaller (crop-and-scale) and their frame rate lower (decimation)
 * than the mode's. Audio settings are a native mode as is, plus the processing switches.
 * Errors: OverconstrainedError naming the constraint; NotFoundError when there is no candidate
 * (or no usable mode). Thread: any (pure).
 */
Result<VideoSelection> selectVideoSettings(const MediaTrackConstraints& constraints,
                                           std::span<const VideoSourceCandidate> candidates);
Result<AudioSelection> selectAudioSettings(const MediaTrackConstraints& constraints,
                                           std::span<const AudioSourceCandidate> candidates);

/**
 * The audio formats a microphone's tracks can have besides its native modes (see
 * audio_selection.cpp): the audio processing delivers 48000 Hz, and conversion reaches
 * kMinConvertedAudioRate up to maxConvertedAudioRate() and mono or stereo.
 */
inline constexpr int kAudioProcessingRate = 48000;
inline constexpr int kMinConvertedAudioRate = 8000;
inline int maxConvertedAudioRate(const NativeAudioMode& mode)
{
    return mode.sampleRate > kAudioProcessingRate ? mode.sampleRate : kAudioProcessingRate;
}

/** getCapabilities() of a track on this device. Thread: any (pure). */
MediaTrackCapabilities videoCapabilities(const VideoSourceCandidate& candidate);
MediaTrackCapabilities audioCapabilities(const AudioSourceCandidate& candidate);

} // namespace usermedia
