// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <usermedia/capabilities.h>
#include <usermedia/clock.h>
#include <usermedia/constraints.h>
#include <usermedia/devices_in_use.h>
#include <usermedia/error.h>
#include <usermedia/explain.h>
#include <usermedia/export.h>
#include <usermedia/media_device_info.h>
#include <usermedia/media_stream.h>
#include <usermedia/permissions.h>
#include <usermedia/promise.h>
#include <usermedia/result.h>
#include <usermedia/settings.h>

namespace usermedia {

/** \brief How a MediaDevices context is set up. */
struct MediaDevicesOptions
{
    /// The application's identity for permissions; empty means the executable's path.
    std::string origin;
    /// Fake devices: "" reads USERMEDIA_FAKE_DEVICES; "default" is the built-in set; text that
    /// starts with '{' or '[' is a device description; anything else is the path of one.
    /// When fake devices are selected, real backends are not used.
    std::string fakeDevices;
    /// Ignore USERMEDIA_FAKE_DEVICES (tests that must not depend on the environment).
    bool ignoreEnvironment = false;
    PermissionPolicy permissionPolicy = PermissionPolicy::Prompt;
    /// Asked when permissionPolicy is Prompt; without one such requests get NotAllowedError.
    PermissionPrompt prompt;
    /// Paces fake devices and stamps frames; the system clock when empty. Also times
    /// promptTimeout.
    std::shared_ptr<Clock> clock;
    /// A permission prompt not answered within this time is NotAllowedError ("the permission
    /// prompt timed out"), never a grant. 0: wait for the answer however long it takes.
    std::chrono::milliseconds promptTimeout{0};
    /// The directory of the remembered decisions (permissions.json); empty:
    /// $XDG_CONFIG_HOME/usermedia, else ~/.config/usermedia. The AllowAll and DenyAll
    /// policies neither read nor write decisions there, only the origin's device-id salt.
    std::string permissionStoreDirectory;
};

/** \brief What probe() found for one kind: the device and the settings a track would get. */
struct ProbedTrack
{
    MediaDeviceInfo device;
    MediaTrackSettings settings;
};

/** \brief The outcome of probe(): what getUserMedia would open, without opening it. */
struct ProbeResult
{
    std::optional<ProbedTrack> video;
    std::optional<ProbedTrack> audio;
};

/**
 * \brief The outcome of explain(): what probe() would answer, and why, kind by kind.
 * \see usermedia/explain.h for the candidates and alternatives.
 */
struct ProbeReport
{
    /// What probe() would resolve with: the kinds that could be satisfied.
    ProbeResult result;
    /// What probe() would reject with (OverconstrainedError, NotFoundError): the first failing
    /// kind's error, audio before video as probe() checks them. Empty when probe() resolves.
    std::optional<Error> error;
    /// For each requested kind: every candidate considered, the chosen one first; when nothing
    /// fits, the nearest satisfiable alternatives.
    std::optional<SelectionExplanation> video;
    std::optional<SelectionExplanation> audio;
};

/**
 * \brief MediaDevices: the entry point, like `navigator.mediaDevices`.
 *
 * Owns one control thread that runs permission prompts, device selection and events. A handle:
 * copies share the context, which lives while a copy or one of its tracks does.
 * Thread: every member is thread-safe. Promises settle on the control thread.
 * \see https://w3c.github.io/mediacapture-main/#mediadevices
 */
class UM_EXPORT MediaDevices
{
public:
    class Impl;

    /**
     * \brief Creates a context.
     * Errors: TypeError when the fake-device description cannot be read or is invalid (the
     * message names the file, the member and the position).
     */
    static Result<MediaDevices> create(MediaDevicesOptions options = {});

    /**
     * \brief Asks for a stream: permission, then SelectSettings, then opening the devices.
     * Errors: TypeError (no media requested), NotAllowedError, NotFoundError,
     * OverconstrainedError (naming the constraint), NotReadableError, AbortError.
     * \see https://w3c.github.io/mediacapture-main/#dom-mediadevices-getusermedia
     */
    Promise<MediaStream> getUserMedia(const MediaStreamConstraints& constraints);
    /** \brief getUserMedia() with constraints as JSON text (TypeError if malformed). */
    Promise<MediaStream> getUserMedia(std::string_view constraintsJson);

    /**
     * \brief The legacy `navigator.getUserMedia(constraints, successCallback, errorCallback)`.
     * Exactly one callback runs, on the control thread. The error carries the legacy code:
     * PERMISSION_DENIED, NOT_SUPPORTED_ERROR or MANDATORY_UNSATISFIED_ERROR.
     */
    void getUserMedia(const MediaStreamConstraints& constraints,
                      std::function<void(LocalMediaStream)> successCallback,
                      std::function<void(const NavigatorUserMediaError&)> errorCallback);
    void getUserMedia(std::string_view constraintsJson,
                      std::function<void(LocalMediaStream)> successCallback,
                      std::function<void(const NavigatorUserMediaError&)> errorCallback);

    /**
     * \brief The devices, in enumeration order. Before permission for a kind is granted, that
     * kind shows one entry with empty label, deviceId and groupId.
     */
    Promise<std::vector<MediaDeviceInfo>> enumerateDevices();
    MediaTrackSupportedConstraints getSupportedConstraints() const;

    /**
     * \brief Resolves constraints as getUserMedia would (including the permission step), but
     * opens nothing. Not in the spec: for tools such as `usermedia probe`.
     */
    Promise<ProbeResult> probe(const MediaStreamConstraints& constraints);

    /**
     * \brief probe() that says why: every candidate SelectSettings considered for each
     * requested kind (device, native mode, settings, fitness distance, or the constraint that
     * excluded it and by how much) and, when nothing fits, the nearest alternatives. A request
     * that cannot be satisfied resolves, with ProbeReport::error set to what probe() would
     * reject with, and the other kind still explained. The report shows device ids and modes, so
     * it needs permission for the requested kinds, asked as probe() asks (even when selection
     * failed); opens nothing. Slower than probe(): every candidate's settings are computed. Not
     * in the spec: for tools such as `usermedia probe --explain`.
     * Errors: TypeError (no media requested), NotAllowedError (permission refused).
     * Thread: any; the promise settles on the control thread.
     */
    Promise<ProbeReport> explain(const MediaStreamConstraints& constraints);

    /**
     * \brief Listens for an event; returns 0 for an unknown type.
     * - "devicechange": a device was plugged in or removed (spec).
     * - "capturechange": devicesInUse() changed: a device started or stopped being captured from
     *   by this context (getUserMedia, stop(), a track dropped, a device lost, a permission
     *   revoked). Not in the spec: for a recording indicator. Read devicesInUse() in the
     *   listener; it already holds the new set.
     * Thread: any. Listeners run on the control thread, must not block, and may call any
     * member (they are not called under a lock).
     */
    ListenerId addEventListener(std::string_view type, std::function<void()> listener);
    /**
     * \brief Removes a listener of any type. Once it returns, the listener is not running and
     * will not run again (called from a listener itself, it returns at once: that listener
     * finishes its call). Thread: any; do not call it while holding a lock a listener takes.
     */
    void removeEventListener(ListenerId id);

    /**
     * \brief The devices this context is capturing from right now: one entry per device that
     * feeds at least one live track, cameras first, then microphones, each by label. What a
     * GUI's recording indicator shows ("Integrated Camera in use by com.example.app").
     * The set is updated on the control thread before getUserMedia() resolves, and after a
     * track stops or ends; "capturechange" fires after each change. So right after
     * MediaStreamTrack::stop() returns the device may still be listed until that event.
     * Thread: any.
     * \see usermedia/devices_in_use.h
     */
    std::vector<DeviceInUse> devicesInUse() const;

    /**
     * \brief The permission state of this origin for \p name, like
     * `navigator.permissions.query({name: "camera"})`: granted, denied or prompt.
     * Thread: any.
     * \see https://w3c.github.io/permissions/#dom-permissions-query
     */
    PermissionState queryPermission(PermissionName name) const;

    /**
     * \brief Grants or denies \p name for this origin (remembered, as "always"), or resets it to
     * prompt (which also gives the origin new device and group ids). When the state leaves
     * granted, every live track of that kind ends (`ended` fires on the control thread), as a
     * browser does when a site's permission is revoked. Decisions made by another process (e.g.
     * `usermedia permissions deny`) have the same effect. A store that cannot be written keeps
     * the decision for this context only, with a warning.
     * Errors: InvalidStateError under the AllowAll or DenyAll policy.
     * Thread: any.
     */
    Result<void> setPermission(PermissionName name, PermissionState state);

    /** \brief The application identity in use (options.origin or the executable path). */
    std::string origin() const;
    /** \brief The clock that stamps frames. */
    std::shared_ptr<Clock> clock() const;

private:
    explicit MediaDevices(std::shared_ptr<Impl> impl);
    std::shared_ptr<Impl> impl_;
};

} // namespace usermedia
