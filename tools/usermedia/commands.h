// SPDX-License-Identifier: MIT
// The subcommands of `usermedia`: each has its options, a function that declares them on the
// command line, and one that runs it and returns the exit code.
#pragma once

#include <cstdint>
#include <string>

#include "common_options.h"
#include "constraint_options.h"

namespace CLI {
class App;
} // namespace CLI

namespace usermedia::cli {

struct DevicesCommand
{
    CommonOptions common;
    bool json = false;
    bool modes = false;
};

struct ProbeCommand
{
    CommonOptions common;
    ConstraintOptions constraints;
    bool json = false;
    /// --explain[=N|all]: empty when not given; else how many candidates to list per kind.
    std::string explain;
};

struct CaptureCommand
{
    CommonOptions common;
    ConstraintOptions constraints;
    double durationSeconds = 5;
    std::string outputPrefix = "capture";
    std::uint64_t maxFrames = 0; ///< 0: no limit
};

struct PermissionsCommand
{
    std::string action; ///< list, grant, deny or reset: the subcommand given
    std::string origin; ///< --origin; empty when not given
    bool originGiven = false;
    std::string kind; ///< --kind: camera, microphone, or empty for both
    bool all = false; ///< reset --all
    bool json = false;
};

/** \brief `usermedia devices`: lists the devices (enumerateDevices()). */
CLI::App* addDevicesCommand(CLI::App& app, DevicesCommand& command);
int runDevices(const DevicesCommand& command);

/** \brief `usermedia probe`: which device and settings a request would get; opens nothing. */
CLI::App* addProbeCommand(CLI::App& app, ProbeCommand& command);
int runProbe(const ProbeCommand& command);

/** \brief `usermedia capture`: records video to PREFIX.y4m and audio to PREFIX.wav. */
CLI::App* addCaptureCommand(CLI::App& app, CaptureCommand& command);
int runCapture(const CaptureCommand& command);

/**
 * \brief `usermedia permissions list|grant|deny|reset`: the remembered decisions. grant and deny
 * without --origin act for usermedia's own origin (its path: what the other commands use without
 * --origin); reset needs --origin or --all.
 */
CLI::App* addPermissionsCommand(CLI::App& app, PermissionsCommand& command);
int runPermissions(PermissionsCommand& command);

} // namespace usermedia::cli
