// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <usermedia/clock.h>
#include <usermedia/permissions.h>
#include <usermedia/result.h>

#include "base/directory_watcher.h"
#include "core/permission_store.h"

namespace usermedia {

/** How a PermissionBroker is set up. */
struct PermissionBrokerOptions
{
    std::string origin;
    PermissionPolicy policy = PermissionPolicy::Prompt;
    PermissionPrompt prompt;
    /// A prompt not answered in this time is NotAllowedError; 0: wait for ever.
    std::chrono::milliseconds promptTimeout{0};
    /// Times the prompt; the system clock when empty.
    std::shared_ptr<Clock> clock;
    /// Remember AllowAlways/DenyAlways in the PermissionStore (else in memory, for this broker).
    bool useStore = false;
    /// The store's directory; empty: $XDG_CONFIG_HOME/usermedia.
    std::string storeDirectory;
    /// Problems worth a user's attention (unwritable or damaged store); default: a warn log.
    std::function<void(const std::string&)> warn;
};

/**
 * Decides whether a getUserMedia call may use the camera and/or microphone, per origin and kind:
 *
 * - a fixed policy (AllowAll/DenyAll) decides alone and never reads or writes decisions (only
 *   the origin's id salt): those are for tests and trusted tools, and runs must not depend on
 *   each other;
 * - otherwise the state is the session's decision if there is one (AllowOnce: granted for the
 *   rest of this context; a decision the store could not keep), else the store's;
 * - AllowAlways/DenyAlways persist; DenyOnce and Dismiss ask again next time; a prompt not
 *   answered within promptTimeout is NotAllowedError, never a grant, and the prompt is told
 *   to withdraw its question (PermissionRequest::cancellation), as it is when the broker goes.
 *
 * The answer of one prompt applies to every kind it asked for. When a kind leaves `granted` (by
 * setState() or because another process changed the store, seen through inotify), the
 * revocation handler runs so that the owner ends that kind's live tracks.
 *
 * Thread: state(), setState() and salt() from any thread; request() on the control thread;
 * \p done runs on whatever thread the prompt answers from (or the timeout thread); the
 * revocation handler runs on the thread of setState() or on the watcher thread. The destructor
 * joins the watcher and timeout threads.
 */
class PermissionBroker
{
public:
    /** A broker that remembers in memory only (no store, no timeout). */
    PermissionBroker(std::string origin, PermissionPolicy policy, PermissionPrompt prompt);
    explicit PermissionBroker(PermissionBrokerOptions options);
    ~PermissionBroker();
    PermissionBroker(const PermissionBroker&) = delete;
    PermissionBroker& operator=(const PermissionBroker&) = delete;

    PermissionState state(PermissionName name) const;
    /**
     * Asks for the kinds \p request names (with the devices it would use).
     * Errors (to \p done): NotAllowedError with a message saying why (denied, dismissed, timed
     * out, no prompt available).
     */
    void request(const PermissionRequest& request, std::function<void(Result<void>)> done);

    /**
     * Grants, denies (both remembered) or resets to prompt (which also draws a new salt, so the
     * origin gets new device ids). A store that cannot be written keeps the decision in memory,
     * with a warning. Errors: InvalidStateError under a fixed policy.
     */
    Result<void> setState(PermissionName name, PermissionState state);

    /**
     * The salt for this origin's device and group ids: from the store (created there on first
     * use, under every policy); in memory for this context when the store is damaged or
     * unwritable.
     */
    std::string salt();

    /**
     * Sets the revocation handler and, with a store, starts watching it for other processes'
     * changes. Call once, before the broker is shared.
     */
    void watch(std::function<void(PermissionName)> onRevoked);
    /** Stops and joins the watcher: no revocation handler runs from it afterwards. Idempotent. */
    void stopWatching();

private:
    struct Timer;
    // Whether the broker still exists, for prompt answers that arrive later from an
    // application's thread: they hold this, never the broker itself.
    struct Liveness
    {
        std::mutex mutex;
        bool alive = true; // guarded by mutex
    };

    static constexpr std::array<PermissionName, 2> kNames = {PermissionName::Camera,
                                                             PermissionName::Microphone};

    PermissionState effective(PermissionName name) const; // requires mutex_
    void remember(const PermissionRequest& request, PermissionAnswer answer);
    // Writes \p state for \p names (Prompt: a reset with a new salt); memory on failure.
    void persist(const std::vector<PermissionName>& names, PermissionState state);
    void reload();
    std::string saltLocked(); // requires mutex_
    void notifyRevoked(const std::array<PermissionState, 2>& before);
    void startTimer(std::function<void()> onTimeout, std::shared_ptr<Clock::Sleeper>& sleeper);
    void warn(const std::string& message) const;

    const std::string origin_;
    const PermissionPolicy policy_;
    const PermissionPrompt prompt_;
    const std::chrono::milliseconds promptTimeout_;
    const std::shared_ptr<Clock> clock_;
    const std::function<void(const std::string&)> warn_;
    std::optional<PermissionStore> store_;
    std::function<void(PermissionName)> onRevoked_; // set once by watch()

    // Also held around store I/O, so the in-memory copy and the file change together.
    mutable std::mutex mutex_;
    OriginPermissions persisted_;                           // guarded by mutex_
    std::array<std::optional<PermissionState>, 2> session_; // guarded by mutex_
    std::string memorySalt_;                                // guarded by mutex_
    std::vector<std::unique_ptr<Timer>> timers_;            // guarded by mutex_
    // The prompts shown and not yet over, withdrawn by the destructor. Weak: a prompt that was
    // answered lets go of its cancellation.
    std::vector<std::weak_ptr<PermissionPromptCancellation>> prompts_; // guarded by mutex_

    // Runs reload() on its own thread when the store's file changes (set once by watch()).
    std::unique_ptr<DirectoryWatcher> watcher_;
    const std::shared_ptr<Liveness> liveness_ = std::make_shared<Liveness>();
};

} // namespace usermedia
