// SPDX-License-Identifier: MIT
// `usermedia devices`.
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <map>
#include <string>
#include <tuple>
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

using ModesById = std::map<std::string, std::vector<NativeModeInfo>, std::less<>>;

// Camera modes by format, then largest first; microphone modes by rate, channels, sample size.
bool listedBefore(const NativeModeInfo& a, const NativeModeInfo& b)
{
    return std::tuple(a.format, -a.width, -a.height, -a.maxFrameRate, -a.minFrameRate,
                      -a.sampleRate, -a.channelCount, -a.sampleSize, a.latency) <
           std::tuple(b.format, -b.width, -b.height, -b.maxFrameRate, -b.minFrameRate,
                      -b.sampleRate, -b.channelCount, -b.sampleSize, b.latency);
}

// The native modes of each visible device, as SelectSettings sees them: explain() of a request
// for any camera and any microphone reports every (device, mode) candidate.
ModesById nativeModes(Session& session, const std::vector<MediaDeviceInfo>& devices)
{
    MediaStreamConstraints any;
    for (const auto& device : devices) {
        if (hidden(device))
            continue;
        if (device.kind == MediaDeviceKind::VideoInput) {
            any.video.emplace();
        } else if (device.kind == MediaDeviceKind::AudioInput) {
            any.audio.emplace();
        }
    }
    ModesById modes;
    if (!any.video && !any.audio)
        return modes;
    auto report = session.devices().explain(any).wait();
    if (!report) {
        session.reportError(report.error());
        return modes;
    }
    for (const auto* explanation : {&report->video, &report->audio}) {
        if (!*explanation)
            continue;
        for (const CandidateReport& candidate : (*explanation)->candidates) {
            auto& list = modes[candidate.deviceId];
            if (std::find(list.begin(), list.end(), candidate.mode) == list.end())
                list.push_back(candidate.mode);
        }
    }
    for (auto& entry : modes)
        std::sort(entry.second.begin(), entry.second.end(), listedBefore);
    return modes;
}

void printText(const std::vector<MediaDeviceInfo>& devices, const ModesById& modes)
{
    for (const auto& device : devices) {
        std::cout << std::left << std::setw(12) << toString(device.kind);
        if (hidden(device)) {
            std::cout << "(hidden until permission is granted)\n";
            continue;
        }
        std::cout << device.label << "  deviceId=" << device.deviceId
                  << "  groupId=" << device.groupId << '\n';
        if (const auto it = modes.find(device.deviceId); it != modes.end()) {
            for (const auto& mode : it->second)
                std::cout << std::setw(12) << "" << modeText(mode) << '\n';
        }
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
    devices->add_flag("--modes", command.modes,
                      "Also list each device's native modes (cameras: format, size, frame "
                      "rates; microphones: rate, channels, sample size), as a line each under "
                      "the device, or a \"modes\" array with --json");
    addCommonOptions(*devices, command.common);
    devices->footer(details + "\n\n" + devices->get_footer() +
                    "\n\nExamples:\n"
                    "  usermedia devices --fake --allow\n"
                    "  usermedia devices --allow --modes\n"
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

    const ModesById modes = command.modes ? nativeModes(*session, *devices) : ModesById{};
    if (command.json) {
        OrderedJson list = OrderedJson::array();
        for (const auto& device : *devices) {
            OrderedJson entry = deviceJson(device);
            if (command.modes && !hidden(device)) {
                entry["modes"] = OrderedJson::array();
                if (const auto it = modes.find(device.deviceId); it != modes.end()) {
                    for (const auto& mode : it->second)
                        entry["modes"].push_back(modeJson(mode));
                }
            }
            list.push_back(std::move(entry));
        }
        std::cout << list.dump(2) << '\n';
    } else {
        printText(*devices, modes);
    }
    if (devices->empty())
        printNote(Session::kNoDevicesHint);
    return kExitSuccess;
}

} // namespace usermedia::cli
