// SPDX-License-Identifier: MIT
#include "conformance/public_api_runner.h"

#include <chrono>
#include <future>
#include <memory>
#include <optional>

#include <usermedia/usermedia.h>

namespace usermedia::testing {
namespace {

// A hang guard, not a timing assumption: the promises settle on the control thread at once.
constexpr auto kPromiseGuard = std::chrono::seconds(10);

template <typename T>
Result<T> await(const Promise<T>& promise)
{
    auto result = promise.waitFor(kPromiseGuard);
    if (!result)
        return Error{ErrorName::AbortError, "timed out waiting for a promise", {}, 0};
    return *result;
}

Result<MediaDevices> createDevices(const std::filesystem::path& deviceFile)
{
    MediaDevicesOptions options;
    options.fakeDevices = deviceFile.string();
    options.ignoreEnvironment = true;
    options.origin = "conformance.usermedia";
    options.permissionPolicy = PermissionPolicy::AllowAll;
    options.clock = std::make_shared<ManualClock>();
    return MediaDevices::create(options);
}

Json errorJson(const Error& error)
{
    Json out{{"name", std::string(toString(error.name))}, {"message", error.message}};
    if (!error.constraint.empty())
        out["constraint"] = error.constraint;
    return out;
}

Json trackJson(const MediaStreamTrack& track)
{
    return {{"kind", track.kind()},
            {"label", track.label()},
            {"settings", Json::parse(toJson(track.getSettings()))}};
}

Json tracksJson(const MediaStream& stream)
{
    Json tracks = Json::array();
    for (const auto& track : stream.getTracks())
        tracks.push_back(trackJson(track));
    return tracks;
}

// getUserMedia in the promise form or the legacy callback form.
Result<MediaStream> open(MediaDevices& devices, const std::string& constraints, bool legacy,
                         std::optional<std::string>& legacyCode)
{
    if (!legacy)
        return await(devices.getUserMedia(constraints));
    auto settled = std::make_shared<std::promise<Result<MediaStream>>>();
    auto future = settled->get_future();
    auto code = std::make_shared<std::string>();
    devices.getUserMedia(
            constraints, [settled](LocalMediaStream stream) { settled->set_value(stream); },
            [settled, code](const NavigatorUserMediaError& error) {
                *code = std::string(error.codeName());
                settled->set_value(error.error);
            });
    if (future.wait_for(kPromiseGuard) != std::future_status::ready)
        return Error{ErrorName::AbortError, "no legacy callback ran", {}, 0};
    Result<MediaStream> result = future.get();
    if (!code->empty())
        legacyCode = *code;
    return result;
}

} // namespace

CaseRequest CaseRequest::fromJson(const Json& request)
{
    CaseRequest out;
    out.constraints = request.at("constraints");
    if (request.contains("constraintsText"))
        out.constraintsText = request.at("constraintsText").get<std::string>();
    out.legacy = request.value("legacy", false);
    if (request.contains("apply"))
        out.apply = request.at("apply");
    out.applyKind = request.value("applyKind", std::string("video"));
    return out;
}

Placeholders placeholdersFor(const std::filesystem::path& deviceFile, std::string* failure)
{
    Placeholders map;
    auto devices = createDevices(deviceFile);
    if (!devices) {
        if (failure)
            *failure = "MediaDevices::create: " + devices.error().toString();
        return map;
    }
    auto list = await(devices->enumerateDevices());
    if (!list) {
        if (failure)
            *failure = "enumerateDevices: " + list.error().toString();
        return map;
    }
    int cameras = 0;
    int microphones = 0;
    for (const MediaDeviceInfo& info : *list) {
        if (info.kind == MediaDeviceKind::VideoInput) {
            map["$video" + std::to_string(cameras)] = info.deviceId;
            map["$vgroup" + std::to_string(cameras++)] = info.groupId;
        } else if (info.kind == MediaDeviceKind::AudioInput) {
            map["$audio" + std::to_string(microphones)] = info.deviceId;
            map["$agroup" + std::to_string(microphones++)] = info.groupId;
        }
    }
    return map;
}

CaseAnswer runThroughPublicApi(const std::filesystem::path& deviceFile, const CaseRequest& request)
{
    CaseAnswer out;
    out.placeholders = placeholdersFor(deviceFile, &out.setupFailure);
    if (!out.setupFailure.empty())
        return out;
    const Placeholders& map = out.placeholders;
    auto devices = createDevices(deviceFile);
    if (!devices) {
        out.setupFailure = devices.error().toString();
        return out;
    }

    Json constraints = request.constraints;
    substitute(constraints, map);
    const std::string constraintsText =
            request.constraintsText ? *request.constraintsText : constraints.dump();
    std::optional<std::string> legacyCode;
    auto stream = open(*devices, constraintsText, request.legacy, legacyCode);
    if (!stream) {
        out.answer["error"] = errorJson(stream.error());
        if (legacyCode)
            out.answer["error"]["legacyCode"] = *legacyCode;
        return out;
    }
    out.answer["tracks"] = tracksJson(*stream);

    // Invariant: each track's getConstraints() is what the request asked of its kind.
    const auto parsed = parseMediaStreamConstraints(constraintsText);
    for (const auto& track : stream->getTracks()) {
        const bool video = track.kind() == "video";
        const auto& asked = video ? parsed->video : parsed->audio;
        if (!asked || track.getConstraints() != *asked) {
            out.invariantFailures.push_back(
                    track.kind() +
                    " getConstraints() after getUserMedia: " + toJson(track.getConstraints()));
        }
    }

    if (!request.apply.is_null()) {
        Json apply = request.apply;
        substitute(apply, map);
        const auto tracks =
                request.applyKind == "audio" ? stream->getAudioTracks() : stream->getVideoTracks();
        if (tracks.empty()) {
            out.answer["apply"] = {{"error", {{"name", "NoTrack"}}}};
        } else {
            MediaStreamTrack track = tracks.front();
            const MediaTrackSettings before = track.getSettings();
            const MediaTrackConstraints constraintsBefore = track.getConstraints();
            const auto applied = parseMediaTrackConstraints(apply.dump());
            Result<void> result = applied ? await(track.applyConstraints(*applied))
                                          : Result<void>(applied.error());
            if (result) {
                out.answer["apply"] = {{"ok", true}};
                if (track.getConstraints() != *applied)
                    out.invariantFailures.push_back(
                            "getConstraints() after a successful applyConstraints: " +
                            toJson(track.getConstraints()) + ", applied " + toJson(*applied));
            } else {
                out.answer["apply"] = {{"error", errorJson(result.error())}};
                if (track.getSettings() != before)
                    out.invariantFailures.push_back(
                            "a failed applyConstraints changed getSettings(): " +
                            toJson(track.getSettings()));
                if (track.getConstraints() != constraintsBefore)
                    out.invariantFailures.push_back(
                            "a failed applyConstraints changed getConstraints(): " +
                            toJson(track.getConstraints()));
            }
        }
        out.answer["afterApply"] = tracksJson(*stream);
    }
    for (auto& track : stream->getTracks())
        track.stop();
    return out;
}

} // namespace usermedia::testing
