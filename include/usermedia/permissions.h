// SPDX-License-Identifier: MIT
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <usermedia/export.h>
#include <usermedia/media_device_info.h>

namespace usermedia {

/** \brief The permission names of the Permissions API that getUserMedia uses. */
enum class PermissionName
{
    Camera,     ///< "camera"
    Microphone, ///< "microphone"
};

/** \brief PermissionState: "granted", "denied", "prompt". */
enum class PermissionState
{
    Granted,
    Denied,
    Prompt,
};

UM_EXPORT std::string_view toString(PermissionName name);
UM_EXPORT std::string_view toString(PermissionState state);

/** \brief What one getUserMedia call asks the user for. */
struct PermissionRequest
{
    std::string origin; ///< the application's identity
    bool camera = false;
    bool microphone = false;
    /// The devices that would be used, with their real labels.
    std::vector<MediaDeviceInfo> devices;
};

/** \brief The user's answer to a prompt. */
enum class PermissionAnswer
{
    AllowOnce,   ///< this call and the rest of this MediaDevices' life
    AllowAlways, ///< remembered in the user's permission store
    DenyOnce,
    DenyAlways,
    Dismiss, ///< closed without answering: NotAllowedError, never a grant
};

/**
 * \brief An application's prompt: show \p request, then call \p respond exactly once, from any
 * thread, at any later time (a GUI can answer from its own event loop).
 * Thread: called on the MediaDevices control thread; must not block for long.
 */
using PermissionPrompt = std::function<void(const PermissionRequest& request,
                                            std::function<void(PermissionAnswer)> respond)>;

/** \brief How a MediaDevices decides when nothing was remembered. */
enum class PermissionPolicy
{
    Prompt,   ///< ask the PermissionPrompt; without one, NotAllowedError
    AllowAll, ///< grant every request (tests, trusted tools: `usermedia --allow`)
    DenyAll,  ///< refuse every request (`usermedia --deny`)
};

} // namespace usermedia
