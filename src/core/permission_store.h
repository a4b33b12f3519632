// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <string>

#include <usermedia/permissions.h>
#include <usermedia/result.h>

namespace usermedia {

/** What the store remembers for one origin. Kinds not remembered are Prompt. */
struct OriginPermissions
{
    PermissionState camera = PermissionState::Prompt;
    PermissionState microphone = PermissionState::Prompt;
    /// Random hex that salts the device and group ids this origin sees; empty until first use.
    std::string salt;

    PermissionState& operator[](PermissionName name)
    {
        return name == PermissionName::Camera ? camera : microphone;
    }
    PermissionState operator[](PermissionName name) const
    {
        return name == PermissionName::Camera ? camera : microphone;
    }
    bool operator==(const OriginPermissions&) const = default;
};

using PermissionMap = std::map<std::string, OriginPermissions>;

/**
 * The remembered permission decisions of every origin: one file, `permissions.json`, in
 * $XDG_CONFIG_HOME/usermedia/ (default ~/.config/usermedia/):
 *
 *     {"version": 1,
 *      "origins": {"com.example.app": {"camera": "granted", "microphone": "denied",
 *                                      "salt": "3f1c..."}}}
 *
 * Why a small versioned JSON file rather than SQLite: the data is a few lines per application,
 * written only when a user decides; a user (or an administrator) can read and fix it with any
 * editor; and the three properties that matter are easy to get right with plain POSIX calls:
 * - one writer at a time: every read-modify-write holds an exclusive flock() on
 *   `permissions.json.lock` beside the file, so two processes deciding at once both land
 *   (no lost update);
 * - crash safety: the new content goes to a temporary file in the same directory, is fsync'd,
 *   renamed over the old file (atomic), and the directory is fsync'd; readers never see half a
 *   file and need no lock;
 * - privacy: the directory is created 0700 and the files 0600.
 * SQLite would give the same guarantees with a dependency and a binary file; "version" lets a
 * later format migrate.
 *
 * A damaged store (not JSON, another version, wrong types) is never read as a grant: it reads as
 * "prompt", is reported once through \p warn, and is left untouched until the user decides
 * again; then it is renamed aside (`permissions.json.damaged-<unix time>`) and a fresh store is
 * written. Nothing here throws.
 *
 * This class has no dependency on the rest of the core so that the `usermedia permissions`
 * command can link it alone.
 * Thread: all members may be called from any thread; an instance serialises nothing itself
 * beyond the file lock (the lock also orders writers within one process).
 */
class PermissionStore
{
public:
    using Warn = std::function<void(const std::string& message)>;

    /** \p directory empty: the XDG default. \p warn receives problems (unwritable, damaged). */
    explicit PermissionStore(std::string directory = {}, Warn warn = {});

    /** $XDG_CONFIG_HOME/usermedia, else $HOME/.config/usermedia (empty when neither is set). */
    static std::string defaultDirectory();

    const std::string& directory() const { return directory_; }
    /** The store file's path. */
    std::string path() const;

    /**
     * Every origin's entry. Errors: NotReadableError when the store is damaged or unreadable
     * (the message says why); a store that does not exist yet is an empty map.
     */
    Result<PermissionMap> readAll() const;
    /** One origin's entry: all Prompt and no salt when absent, damaged or unreadable. */
    OriginPermissions read(const std::string& origin) const;

    /**
     * Read-modify-write of the whole store under the lock. \p change edits the map; origins left
     * with no decision and no salt are dropped. A damaged store is renamed aside first when
     * \p userDecision is true; otherwise (e.g. creating a salt) it is left alone and this fails.
     * Returns the map as written.
     * Errors: NotReadableError (damaged and not a user decision), NotAllowedError (the directory
     * or file cannot be created or written; osError set).
     */
    Result<PermissionMap> update(const std::function<void(PermissionMap&)>& change,
                                 bool userDecision = true);

    /** Creates the directory (0700) if missing. Errors: NotAllowedError with osError. */
    Result<void> ensureDirectory() const;

    /** A new random salt (32 hex digits from the kernel's random source). */
    static std::string newSalt();

private:
    void warnOnce(const std::string& message) const;

    std::string directory_;
    Warn warn_;
    mutable std::atomic<bool> damageReported_{false};
};

} // namespace usermedia
