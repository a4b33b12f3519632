// SPDX-License-Identifier: MIT
// The options every command takes (which devices, which permission policy, which origin), the
// MediaDevices they set up, and how a command reports a failure.
#pragma once

#include <string>
#include <string_view>

#include <usermedia/error.h>
#include <usermedia/media_devices.h>
#include <usermedia/result.h>

#include "terminal_prompt.h"

namespace CLI {
class App;
} // namespace CLI

namespace usermedia::cli {

/** Exit codes: 0 success, 1 the request failed, 2 the command line was wrong. */
constexpr int kExitSuccess = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

/** \brief --fake, --fake-devices, --allow, --deny, --origin, --prompt-timeout. */
struct CommonOptions
{
    bool fake = false;
    std::string fakeDevicesFile;
    bool allow = false;
    bool deny = false;
    std::string origin;
    /// --prompt-timeout: seconds a terminal prompt waits for an answer; 0: no limit.
    double promptTimeoutSeconds = 0;
};

/** \brief Adds the common options to one command (each command lists them in its --help). */
void addCommonOptions(CLI::App& command, CommonOptions& options);

/** \brief Prints "usermedia: <ErrorName>: <message>" (and the constraint) to stderr. */
void printError(const Error& error);
/** \brief Prints "usermedia: <text>" to stderr. */
void printNote(std::string_view text);

/**
 * \brief What a command works with: the MediaDevices made from the common options, and what it
 * needs to explain a failure to the user.
 * Thread: the main thread.
 */
class Session
{
public:
    /**
     * \brief Creates the MediaDevices: fake devices as asked, the permission policy from
     * --allow/--deny, or else a prompt on the controlling terminal.
     * Errors: TypeError when the fake-device description cannot be read (names the file and the
     * position).
     */
    static Result<Session> open(const CommonOptions& options);

    MediaDevices& devices() { return devices_; }
    const MediaDevices& devices() const { return devices_; }
    PermissionPolicy policy() const { return policy_; }

    /**
     * \brief printError(), plus a hint when the cause is likely outside the request: no terminal
     * to ask for permission, or no devices at all.
     */
    void reportError(const Error& error);

    /** \brief True when a permission prompt found no terminal to ask on. */
    bool noTerminal() const { return prompt_.noTerminal(); }
    /** \brief Printed when a request was refused because there was no terminal. */
    static constexpr std::string_view kNoTerminalHint =
            "no terminal to ask for permission: pass --allow or --deny";
    /** \brief Printed when there are no devices at all. */
    static constexpr std::string_view kNoDevicesHint =
            "no devices found: no camera or microphone backend is available; pass --fake or "
            "--fake-devices FILE to use fake devices";

private:
    Session(MediaDevices devices, PermissionPolicy policy, TerminalPrompt prompt)
        : devices_(std::move(devices)),
          policy_(policy),
          prompt_(std::move(prompt))
    {}

    MediaDevices devices_;
    PermissionPolicy policy_;
    TerminalPrompt prompt_;
};

} // namespace usermedia::cli
