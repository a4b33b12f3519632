// SPDX-License-Identifier: MIT
#pragma once

#include <functional>
#include <memory>
#include <mutex>
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

/**
 * \brief Tells a prompt that its question is no longer wanted: it timed out, or the MediaDevices
 * that asked is going away. The prompt should then withdraw the question (close its dialog,
 * clear its terminal line); an answer it still gives is ignored, never taken as a grant.
 * Thread: every member from any thread.
 */
class PermissionPromptCancellation
{
public:
    /** \brief True once cancel() ran. */
    bool cancelled() const
    {
        std::lock_guard lock(mutex_);
        return cancelled_;
    }

    /**
     * \brief Runs \p handler once when the prompt is cancelled, on the cancelling thread; at
     * once, on this thread, when that already happened. A later call replaces the handler.
     * The handler must not block (it runs on a timer thread or in a destructor).
     */
    void onCancel(std::function<void()> handler)
    {
        {
            std::lock_guard lock(mutex_);
            if (!cancelled_) {
                handler_ = std::move(handler);
                return;
            }
        }
        if (handler)
            handler();
    }

    /** \brief Cancels (the library calls this); idempotent. */
    void cancel()
    {
        std::function<void()> handler;
        {
            std::lock_guard lock(mutex_);
            if (cancelled_)
                return;
            cancelled_ = true;
            handler.swap(handler_);
        }
        if (handler)
            handler();
    }

private:
    mutable std::mutex mutex_;
    bool cancelled_ = false;        // guarded by mutex_
    std::function<void()> handler_; // guarded by mutex_
};

/** \brief What one getUserMedia call asks the user for. */
struct PermissionRequest
{
    std::string origin; ///< the application's identity
    bool camera = false;
    bool microphone = false;
    /// The devices that would be used, with their real labels.
    std::vector<MediaDeviceInfo> devices;
    /// Set by MediaDevices for every prompt it shows: fires when the answer is no longer
    /// wanted (promptTimeout passed, or the context is being destroyed). May be null for a
    /// request made by hand.
    std::shared_ptr<PermissionPromptCancellation> cancellation;
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
 * thread, at any later time (a GUI can answer from its own event loop). When
 * request.cancellation fires, withdraw the question: the request has already failed with
 * NotAllowedError.
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
