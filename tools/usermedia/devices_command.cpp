// SPDX-License-Identifier: MIT
// `usermedia devices`.
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "json_output.h"

namespace usermedia::cli {
namespace {

bool hidden(const MediaDeviceInfo& device)
{
    return device.deviceId.empty();
}

// Devices are hidden until permission is granted, as in a browser. A user who asks for the list
// wants to see it, so ask once for the kinds that are hidden, the way a page would by calling
// getUserMedia: probe() runs the permission step without opening anything.
void askForLabels(Session& session, const std::vector<MediaDeviceInfo>& devices)
{
    MediaStreamConstraints ask;
    for (const auto& device : devices) {
        if (!hidden(device))
            continue;
        if (device.kind == MediaDeviceKind::VideoInput) {
            ask.video.emplace();
        } else if (device.kind == MediaDeviceKind::AudioInput) {
            ask.audio.emplace();
        }
    }
    if (!ask.video && !ask.audio)
        return;
    if (auto granted = session.devices().probe(ask).wait(); !granted) {
        session.reportError(granted.error());
        printNote("device labels and ids stay hidden until permission is granted");
    }
}

void printText(const std::vector<MediaDeviceInfo>& devices)
{
    for (const auto& device : devices) {
        std::cout << std::left << std::setw(12) << toString(device.kind);
        if (hidden(device)) {
            std::cout << "(hidden until permission is granted)\n";
            continue;
        }
        std::cout << device.label << "  deviceId=" << device.deviceId
                  << "  groupId=" << device.groupId << '\n';
    }
}

} // namespace

CLI::App* addDevicesCommand(CLI::App& app, DevicesCommand& command)
{
    auto* devices = app.add_subcommand("devices", "List the cameras and microphones");
    // The short description is listed by `usermedia --help`; the details go below the options.
    const std::string details =
            "List the cameras and microphones, one per line: kind, label, deviceId, groupId.\n"
            "As in a browser, labels and ids are hidden until permission is granted: with --allow\n"
            "everything is shown; with --deny only the kinds; otherwise usermedia asks on the\n"
            "terminal first (one question for the kinds present).";
    devices->add_flag("--json", command.json,
                      "Print a JSON array of {deviceId, kind, label, groupId}, in enumeration "
                      "order");
    addCommonOptions(*devices, command.common);
    devices->footer(details + "\n\n" + devices->get_footer() +
                    "\n\nExamples:\n"
                    "  usermedia devices --fake --allow\n"
                    "  usermedia devices --fake-devices cameras.json --allow --json");
    return devices;
}

int runDevices(const DevicesCommand& command)
{
    auto session = Session::open(command.common);
    if (!session) {
        printError(session.error());
        return kExitFailure;
    }
    auto devices = session->devices().enumerateDevices().wait();
    if (devices && session->policy() == PermissionPolicy::Prompt &&
        std::any_of(devices->begin(), devices->end(), hidden)) {
        askForLabels(*session, *devices);
        devices = session->devices().enumerateDevices().wait();
    }
    if (!devices) {
        session->reportError(devices.error());
        return kExitFailure;
    }

    if (command.json) {
        OrderedJson list = OrderedJson::array();
        for (const auto& device : *devices)
            list.push_back(deviceJson(device));
        std::cout << list.dump(2) << '\n';
    } else {
        printText(*devices);
    }
    if (devices->empty())
        printNote(Session::kNoDevicesHint);
    return kExitSuccess;
}

} // namespace usermedia::cli
