// SPDX-License-Identifier: MIT
// getCapabilities() of a source: what the track could be constrained to on this device.
// https://w3c.github.io/mediacapture-main/#dom-mediastreamtrack-getcapabilities
#include <algorithm>
#include <cmath>

#include "constraints/select_settings.h"

namespace usermedia {

MediaTrackCapabilities videoCapabilities(const VideoSourceCandidate& candidate)
{
    MediaTrackCapabilities caps;
    caps.deviceId = candidate.deviceId;
    caps.groupId = candidate.groupId;
    if (candidate.facingMode)
        caps.facingMode.push_back(*candidate.facingMode);
    int maxWidth = 0;
    int maxHeight = 0;
    double maxFrameRate = 0;
    for (const NativeVideoMode& mode : candidate.modes) {
        if (mode.width <= 0 || mode.height <= 0 || !std::isfinite(mode.maxFrameRate))
            continue;
        maxWidth = std::max(maxWidth, mode.width);
        maxHeight = std::max(maxHeight, mode.height);
        maxFrameRate = std::max(maxFrameRate, mode.maxFrameRate);
    }
    if (maxWidth == 0)
        return caps;
    // Crop-and-scale reaches every size from 1x1 up to the largest native one, and frame-rate
    // decimation every rate below the fastest (Chromium reports the same ranges).
    caps.width = NumberRange{1, double(maxWidth)};
    caps.height = NumberRange{1, double(maxHeight)};
    caps.aspectRatio = NumberRange{1.0 / maxHeight, double(maxWidth)};
    caps.frameRate = NumberRange{0, maxFrameRate};
    caps.resizeMode = {"none", "crop-and-scale"};
    return caps;
}

MediaTrackCapabilities audioCapabilities(const AudioSourceCandidate& candidate)
{
    MediaTrackCapabilities caps;
    caps.deviceId = candidate.deviceId;
    caps.groupId = candidate.groupId;
    bool any = false;
    NumberRange rate;
    NumberRange channels;
    NumberRange size;
    NumberRange latency;
    auto widen = [&any](NumberRange& range, double lo, double hi) {
        range.min = any ? std::min(range.min, lo) : lo;
        range.max = any ? std::max(range.max, hi) : hi;
    };
    for (const NativeAudioMode& mode : candidate.modes) {
        if (mode.sampleRate <= 0 || mode.channels <= 0 || !std::isfinite(mode.latency))
            continue;
        // What selection offers (audio_selection.cpp): resampled rates, and mono or stereo by
        // mixing besides the native channels. sampleSize and latency are the device's.
        widen(rate, kMinConvertedAudioRate, maxConvertedAudioRate(mode));
        widen(channels, 1, std::max(2, mode.channels));
        widen(size, mode.sampleSize, mode.sampleSize);
        widen(latency, mode.latency, mode.latency);
        any = true;
    }
    if (any) {
        caps.sampleRate = rate;
        caps.channelCount = channels;
        caps.sampleSize = size;
        caps.latency = latency;
    }
    // The core's audio processing can be switched either way on any source.
    caps.echoCancellation = {true, false};
    caps.autoGainControl = {true, false};
    caps.noiseSuppression = {true, false};
    return caps;
}

} // namespace usermedia
