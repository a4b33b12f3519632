// SPDX-License-Identifier: MIT
// `usermedia probe`.
#include <iostream>
#include <string_view>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "json_output.h"

namespace usermedia::cli {
namespace {

OrderedJson trackJson(const ProbedTrack& track)
{
    OrderedJson json;
    json["deviceId"] = track.device.deviceId;
    json["label"] = track.device.label;
    json["settings"] = settingsJson(track.settings);
    return json;
}

void printText(std::string_view kind, const ProbedTrack& track)
{
    std::cout << kind << ": " << track.device.label << " (deviceId " << track.device.deviceId
              << ")\n  " << settingsText(track.settings) << '\n';
}

// Every failure: the error line on stderr, and with --json the error object on stdout too, so
// a script reading stdout sees it.
int fail(const Error& error, bool json, Session* session)
{
    if (json) {
        OrderedJson out;
        out["error"] = errorJson(error);
        std::cout << out.dump(2) << '\n';
    }
    if (session) {
        session->reportError(error);
    } else {
        printError(error);
    }
    return kExitFailure;
}

} // namespace

CLI::App* addProbeCommand(CLI::App& app, ProbeCommand& command)
{
    auto* probe = app.add_subcommand(
            "probe", "Show which device and settings a request would get, without opening it");
    // The short description is listed by `usermedia --help`; the details go below the options.
    const std::string details =
            "Resolve constraints as getUserMedia would (permission, then device and settings\n"
            "selection) and print the chosen device and its settings, or the error, without\n"
            "opening any device. Without --constraints, --video or --audio: video and audio.";
    addConstraintOptions(*probe, command.constraints);
    probe->add_flag("--json", command.json,
                    "Print {\"video\": {deviceId, label, settings}, \"audio\": {...}}, or "
                    "{\"error\": {name, constraint, message}}");
    addCommonOptions(*probe, command.common);
    probe->footer(details + "\n\n" + probe->get_footer() +
                  "\n\nExit status: 0 when the request can be satisfied, 1 when it fails, 2 for "
                  "usage errors.\n\nExamples:\n"
                  "  usermedia probe --fake --allow --video 1280x720@30\n"
                  "  usermedia probe --fake --allow --json --constraints "
                  "'{\"video\": {\"width\": {\"exact\": 640}}}'");
    return probe;
}

int runProbe(const ProbeCommand& command)
{
    auto constraints = resolveConstraints(command.constraints);
    if (!constraints)
        return fail(constraints.error(), command.json, nullptr);
    auto session = Session::open(command.common);
    if (!session)
        return fail(session.error(), command.json, nullptr);
    const auto probed = session->devices().probe(*constraints).wait();
    if (!probed)
        return fail(probed.error(), command.json, &*session);

    if (command.json) {
        OrderedJson out = OrderedJson::object();
        if (probed->video)
            out["video"] = trackJson(*probed->video);
        if (probed->audio)
            out["audio"] = trackJson(*probed->audio);
        std::cout << out.dump(2) << '\n';
    } else {
        if (probed->video)
            printText("video", *probed->video);
        if (probed->audio)
            printText("audio", *probed->audio);
    }
    return kExitSuccess;
}

} // namespace usermedia::cli
