// SPDX-License-Identifier: MIT
#pragma once

#include <functional>
#include <mutex>
#include <string>

#include <usermedia/permissions.h>
#include <usermedia/result.h>

namespace usermedia {

/**
 * Decides whether a getUserMedia call may use the camera and/or microphone: from a decision
 * remembered in this context, the fixed policy, or the application's prompt. The answer of a
 * prompt applies to every kind it asked for. (Issue 4 adds the persistent store.)
 * Thread: state() from any thread; request() on the control thread; \p done runs on whatever
 * thread the prompt answers from (the caller posts back to its loop).
 */
class PermissionBroker
{
public:
    PermissionBroker(std::string origin, PermissionPolicy policy, PermissionPrompt prompt);

    PermissionState state(PermissionName name) const;
    /**
     * Asks for the kinds \p request names (with the devices it would use).
     * Errors (to \p done): NotAllowedError with a message saying why (denied, dismissed, no
     * prompt available).
     */
    void request(const PermissionRequest& request, std::function<void(Result<void>)> done);

private:
    void remember(const PermissionRequest& request, PermissionAnswer answer);

    const std::string origin_;
    const PermissionPolicy policy_;
    const PermissionPrompt prompt_;
    mutable std::mutex mutex_;
    PermissionState camera_ = PermissionState::Prompt;     // guarded by mutex_
    PermissionState microphone_ = PermissionState::Prompt; // guarded by mutex_
};

} // namespace usermedia
