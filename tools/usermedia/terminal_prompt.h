// SPDX-License-Identifier: MIT
// The permission prompt of the command-line tool: asks on the controlling terminal.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>

#include <usermedia/permissions.h>

namespace usermedia::cli {

/**
 * \brief "Allow <origin> to use your camera (Fake Camera) and microphone (Fake Microphone)?
 * [y]es once / [a]lways / [n]o / [d]eny always: " for \p request. Thread: any (pure).
 */
std::string permissionQuestion(const PermissionRequest& request);

/**
 * \brief Maps a typed answer to PermissionAnswer: y/yes, a/always, n/no, d/deny (any case,
 * surrounding blanks ignored); anything else is Dismiss. Thread: any (pure).
 */
PermissionAnswer parsePermissionAnswer(std::string_view line);

/**
 * \brief A PermissionPrompt that asks on the controlling terminal (/dev/tty), not on stdin,
 * which may be a pipe carrying data.
 *
 * Without a controlling terminal (a CI job, a daemon) it answers Dismiss at once instead of
 * waiting, so the request fails with NotAllowedError; noTerminal() then tells the caller why.
 *
 * Input typed before the question appears is discarded, so an answer meant for an earlier
 * prompt is never taken for this one. When the request's cancellation fires (the prompt timed
 * out), the question is erased from the terminal, a half-typed answer discarded, and the prompt
 * returns.
 */
class TerminalPrompt
{
public:
    explicit TerminalPrompt(std::string terminalPath = "/dev/tty");

    /**
     * \brief The callback for MediaDevicesOptions::prompt. It shares state with this object.
     * Thread: the callback runs on the MediaDevices control thread and blocks it while the
     * user types; that is fine for a command-line tool, which waits for the answer anyway.
     */
    PermissionPrompt callback() const;

    /** \brief True once a prompt found no terminal to ask on. Thread: any. */
    bool noTerminal() const { return state_->noTerminal.load(); }

private:
    struct State
    {
        std::string terminalPath;
        std::atomic<bool> noTerminal{false};
    };
    std::shared_ptr<State> state_;
};

} // namespace usermedia::cli
