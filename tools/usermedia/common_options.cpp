// SPDX-License-Identifier: MIT
#include "common_options.h"

#include <chrono>
#include <iostream>

#include <CLI/CLI.hpp>

namespace usermedia::cli {
namespace {

// MediaDevicesOptions::fakeDevices reads text starting with '{' or '[' as JSON: keep a file
// named like that a file.
std::string fakeDevicesPath(const std::string& path)
{
    if (path.starts_with('{') || path.starts_with('['))
        return "./" + path;
    return path;
}

} // namespace

void addCommonOptions(CLI::App& command, CommonOptions& options)
{
    auto* fake = command.add_flag("--fake", options.fake,
                                  "Use the built-in fake devices (a camera and a microphone) "
                                  "instead of real hardware");
    auto* fakeFile = command.add_option("--fake-devices", options.fakeDevicesFile,
                                        "Use the fake devices described in this JSON file "
                                        "(see src/backends/fake/README.md)")
                             ->type_name("FILE");
    fake->excludes(fakeFile);
    auto* allow = command.add_flag("--allow", options.allow,
                                   "Grant camera and microphone permission without asking");
    auto* deny = command.add_flag("--deny", options.deny,
                                  "Refuse camera and microphone permission without asking");
    allow->excludes(deny);
    command.add_option("--origin", options.origin,
                       "The application identity that permissions and device ids belong to "
                       "(default: this program's path)")
            ->type_name("ID");
    command.add_option("--prompt-timeout", options.promptTimeoutSeconds,
                       "Seconds the permission question waits for an answer before the request "
                       "is refused and the question withdrawn (default: no limit)")
            ->type_name("SECONDS")
            ->check(CLI::Range(0.0, 86'400.0));
    command.footer(
            "Devices: without --fake or --fake-devices, the USERMEDIA_FAKE_DEVICES environment "
            "variable\n"
            "selects fake devices; otherwise only real devices are used.\n"
            "Permission: without --allow or --deny, usermedia asks on the terminal (/dev/tty);\n"
            "with no terminal (scripts, CI) the request is refused: pass --allow or --deny.");
}

void printError(const Error& error)
{
    std::cerr << "usermedia: " << toString(error.name) << ": " << error.message;
    if (!error.constraint.empty())
        std::cerr << " (constraint: " << error.constraint << ")";
    std::cerr << '\n';
}

void printNote(std::string_view text)
{
    std::cerr << "usermedia: " << text << '\n';
}

Result<Session> Session::open(const CommonOptions& options)
{
    MediaDevicesOptions setup;
    setup.origin = options.origin;
    if (options.fake) {
        setup.fakeDevices = "default";
    } else if (!options.fakeDevicesFile.empty()) {
        setup.fakeDevices = fakeDevicesPath(options.fakeDevicesFile);
    }
    setup.permissionPolicy = options.allow  ? PermissionPolicy::AllowAll
                             : options.deny ? PermissionPolicy::DenyAll
                                            : PermissionPolicy::Prompt;
    TerminalPrompt prompt;
    if (setup.permissionPolicy == PermissionPolicy::Prompt)
        setup.prompt = prompt.callback();
    setup.promptTimeout = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::duration<double>(options.promptTimeoutSeconds));
    const PermissionPolicy policy = setup.permissionPolicy;
    auto devices = MediaDevices::create(std::move(setup));
    if (!devices)
        return devices.error();
    return Session(std::move(*devices), policy, std::move(prompt));
}

void Session::reportError(const Error& error)
{
    printError(error);
    if (error.name == ErrorName::NotAllowedError && noTerminal()) {
        printNote(kNoTerminalHint);
    } else if (error.name == ErrorName::NotFoundError) {
        const auto listed = devices_.enumerateDevices().wait();
        if (listed && listed->empty())
            printNote(kNoDevicesHint);
    }
}

} // namespace usermedia::cli
