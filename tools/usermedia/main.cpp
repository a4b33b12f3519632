// SPDX-License-Identifier: MIT
// `usermedia`: getUserMedia from a terminal. Lists devices, shows what a request would get, and
// records from cameras and microphones, and
// manages the remembered permissions.
#include <CLI/CLI.hpp>

#include <usermedia/version.h>

#include "commands.h"

int main(int argc, char** argv)
{
    using namespace usermedia::cli; // NOLINT(google-build-using-namespace): the tool's own code

    CLI::App app("usermedia: the web's getUserMedia for the Linux command line.", "usermedia");
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string(UM_VERSION_STRING));
    app.footer("Run `usermedia <command> --help` for a command's options.\n\nExamples:\n"
               "  usermedia devices --fake --allow\n"
               "  usermedia probe --fake --allow --video 1280x720@30\n"
               "  usermedia capture --fake --allow --duration 3 --output /tmp/test\n"
               "  usermedia permissions list");

    DevicesCommand devices;
    ProbeCommand probe;
    CaptureCommand capture;
    PermissionsCommand permissions;
    CLI::App* devicesApp = addDevicesCommand(app, devices);
    CLI::App* probeApp = addProbeCommand(app, probe);
    CLI::App* captureApp = addCaptureCommand(app, capture);
    CLI::App* permissionsApp = addPermissionsCommand(app, permissions);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        // --help and --version are "errors" that exit 0; anything else is a usage error.
        const int code = app.exit(error);
        return code == 0 ? kExitSuccess : kExitUsage;
    }

    if (devicesApp->parsed())
        return runDevices(devices);
    if (probeApp->parsed())
        return runProbe(probe);
    if (captureApp->parsed())
        return runCapture(capture);
    if (permissionsApp->parsed())
        return runPermissions(permissions);
    return kExitUsage; // require_subcommand(1) makes this unreachable
}
