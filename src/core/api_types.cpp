// SPDX-License-Identifier: MIT
// String forms of the public enums, and the legacy error mapping.
#include <nlohmann/json.hpp>

#include <usermedia/audio_buffer.h>
#include <usermedia/error.h>
#include <usermedia/media_device_info.h>
#include <usermedia/media_stream_track.h>
#include <usermedia/permissions.h>
#include <usermedia/video_frame.h>

namespace usermedia {

std::string_view toString(ErrorName name)
{
    switch (name) {
    case ErrorName::NotAllowedError:
        return "NotAllowedError";
    case ErrorName::NotFoundError:
        return "NotFoundError";
    case ErrorName::NotReadableError:
        return "NotReadableError";
    case ErrorName::OverconstrainedError:
        return "OverconstrainedError";
    case ErrorName::AbortError:
        return "AbortError";
    case ErrorName::InvalidStateError:
        return "InvalidStateError";
    case ErrorName::NotSupportedError:
        return "NotSupportedError";
    case ErrorName::SecurityError:
        return "SecurityError";
    case ErrorName::TypeError:
        return "TypeError";
    }
    return "UnknownError";
}

std::string_view toString(LegacyErrorCode code)
{
    switch (code) {
    case LegacyErrorCode::PermissionDenied:
        return "PERMISSION_DENIED";
    case LegacyErrorCode::NotSupportedError:
        return "NOT_SUPPORTED_ERROR";
    case LegacyErrorCode::MandatoryUnsatisfiedError:
        return "MANDATORY_UNSATISFIED_ERROR";
    }
    return "NOT_SUPPORTED_ERROR";
}

// The legacy API knew three codes. Refusals map to PERMISSION_DENIED and unmet requirements to
// MANDATORY_UNSATISFIED_ERROR (design.md); everything else (bad requests, devices that cannot
// be used) is the user agent not supporting the request: NOT_SUPPORTED_ERROR.
LegacyErrorCode legacyErrorCode(ErrorName name)
{
    switch (name) {
    case ErrorName::NotAllowedError:
    case ErrorName::SecurityError:
        return LegacyErrorCode::PermissionDenied;
    case ErrorName::OverconstrainedError:
    case ErrorName::NotFoundError:
        return LegacyErrorCode::MandatoryUnsatisfiedError;
    case ErrorName::TypeError:
    case ErrorName::NotSupportedError:
    case ErrorName::NotReadableError:
    case ErrorName::AbortError:
    case ErrorName::InvalidStateError:
        return LegacyErrorCode::NotSupportedError;
    }
    return LegacyErrorCode::NotSupportedError;
}

std::string Error::toString() const
{
    std::string text(usermedia::toString(name));
    if (!constraint.empty())
        text += " (constraint: " + constraint + ")";
    if (!message.empty())
        text += ": " + message;
    return text;
}

std::string_view toString(MediaDeviceKind kind)
{
    switch (kind) {
    case MediaDeviceKind::AudioInput:
        return "audioinput";
    case MediaDeviceKind::AudioOutput:
        return "audiooutput";
    case MediaDeviceKind::VideoInput:
        return "videoinput";
    }
    return "videoinput";
}

std::optional<MediaDeviceKind> mediaDeviceKindFromString(std::string_view text)
{
    for (auto kind :
         {MediaDeviceKind::AudioInput, MediaDeviceKind::AudioOutput, MediaDeviceKind::VideoInput}) {
        if (toString(kind) == text)
            return kind;
    }
    return std::nullopt;
}

std::string toJson(const MediaDeviceInfo& info)
{
    const nlohmann::ordered_json json = {{"deviceId", info.deviceId},
                                         {"kind", toString(info.kind)},
                                         {"label", info.label},
                                         {"groupId", info.groupId}};
    return json.dump();
}

std::string_view toString(VideoPixelFormat format)
{
    switch (format) {
    case VideoPixelFormat::I420:
        break;
    case VideoPixelFormat::NV12:
        return "NV12";
    case VideoPixelFormat::Native:
        return "native";
    }
    return "I420";
}

std::string_view toString(SampleFormat format)
{
    return format == SampleFormat::S16 ? "s16" : "f32";
}

std::string_view toString(PermissionName name)
{
    return name == PermissionName::Camera ? "camera" : "microphone";
}

std::string_view toString(PermissionState state)
{
    switch (state) {
    case PermissionState::Granted:
        return "granted";
    case PermissionState::Denied:
        return "denied";
    case PermissionState::Prompt:
        return "prompt";
    }
    return "prompt";
}

std::string_view toString(MediaStreamTrackState state)
{
    return state == MediaStreamTrackState::Live ? "live" : "ended";
}

} // namespace usermedia
