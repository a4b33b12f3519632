// SPDX-License-Identifier: MIT
// `usermedia probe`, and `usermedia probe --explain`: every candidate SelectSettings considered.
#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <string_view>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "json_output.h"

namespace usermedia::cli {
namespace {

constexpr std::size_t kDefaultExplainLimit = 10;

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

// ---- --explain ----

// How many candidates to list per kind: 0 for all.
std::size_t explainLimit(const std::string& value)
{
    if (value == "all")
        return 0;
    return static_cast<std::size_t>(std::stoul(value)); // validated when parsed
}

// The short form of a candidate's settings for the table: "640x480 @ 20 fps" or "48000 Hz 1ch
// ec=on agc=on ns=on".
std::string outcomeText(const MediaTrackSettings& s)
{
    if (s.width && s.height) {
        return std::to_string(*s.width) + "x" + std::to_string(*s.height) + " @ " +
               number(s.frameRate.value_or(0)) + " fps";
    }
    auto onOff = [](const std::optional<bool>& v) {
        return v.value_or(false) ? "on" : "off";
    };
    return std::to_string(s.sampleRate.value_or(0)) + " Hz " +
           std::to_string(s.channelCount.value_or(0)) + "ch ec=" + onOff(s.echoCancellation) +
           " agc=" + onOff(s.autoGainControl) + " ns=" + onOff(s.noiseSuppression);
}

using Labels = std::map<std::string, std::string, std::less<>>;

std::string labelOf(const Labels& labels, const std::string& deviceId)
{
    const auto it = labels.find(deviceId);
    return it == labels.end() || it->second.empty() ? deviceId : it->second;
}

// The engine's sentences name devices by id; people know them by label.
std::string withLabels(std::string text, const Labels& labels)
{
    for (const auto& [id, label] : labels) {
        if (id.empty() || label.empty())
            continue;
        for (auto at = text.find(id); at != std::string::npos;
             at = text.find(id, at + label.size()))
            text.replace(at, id.size(), label);
    }
    return text;
}

// The candidates beyond the limit, counted: "and 40 more: 12 eligible, 28 excluded (20 by width,
// 8 by resizeMode)".
std::string omittedText(const SelectionExplanation& e, std::size_t shown)
{
    std::size_t eligible = 0;
    std::map<std::string, std::size_t> byConstraint;
    for (std::size_t i = shown; i < e.candidates.size(); ++i) {
        const auto& c = e.candidates[i];
        if (c.excluded) {
            ++byConstraint[c.excluded->constraint.empty() ? "unusable mode"
                                                          : c.excluded->constraint];
        } else {
            ++eligible;
        }
    }
    std::string text = "... and " + std::to_string(e.candidates.size() - shown) +
                       " more: " + std::to_string(eligible) + " eligible";
    std::size_t excluded = 0;
    std::string reasons;
    for (const auto& [name, count] : byConstraint) {
        excluded += count;
        reasons += (reasons.empty() ? "" : ", ") + std::to_string(count) + " by " + name;
    }
    if (excluded > 0)
        text += ", " + std::to_string(excluded) + " excluded (" + reasons + ")";
    return text + "; --explain=all lists every candidate";
}

void printExplanation(std::string_view kind, const SelectionExplanation& e, const Labels& labels,
                      std::size_t limit)
{
    std::size_t excluded = 0;
    for (const auto& c : e.candidates)
        excluded += c.excluded ? 1 : 0;
    std::cout << '\n'
              << kind << " selection: " << e.candidates.size() << " candidates, "
              << e.candidates.size() - excluded << " eligible, " << excluded << " excluded\n";
    std::cout << "  " << withLabels(e.summary, labels) << '\n';
    const std::size_t shown =
            limit == 0 ? e.candidates.size() : std::min(limit, e.candidates.size());
    if (shown > 0) {
        // Column widths from the rows shown, so the table lines up without wasting space.
        std::size_t deviceWidth = 6;
        std::size_t modeWidth = 11;
        for (std::size_t i = 0; i < shown; ++i) {
            deviceWidth = std::max(deviceWidth, labelOf(labels, e.candidates[i].deviceId).size());
            modeWidth = std::max(modeWidth, modeText(e.candidates[i].mode).size());
        }
        const bool video = e.kind == MediaDeviceKind::VideoInput;
        std::cout << "  " << std::left << std::setw(6) << "rank" << std::setw(deviceWidth + 2)
                  << "device" << std::setw(modeWidth + 2) << "native mode";
        if (video)
            std::cout << std::setw(16) << "resize";
        std::cout << "outcome\n";
        for (std::size_t i = 0; i < shown; ++i) {
            const CandidateReport& c = e.candidates[i];
            const std::string rank =
                    c.excluded ? "-" : (c.chosen ? "*" : "") + std::to_string(c.rank);
            std::cout << "  " << std::setw(6) << rank << std::setw(deviceWidth + 2)
                      << labelOf(labels, c.deviceId) << std::setw(modeWidth + 2)
                      << modeText(c.mode);
            if (video)
                std::cout << std::setw(16) << (c.resizeMode.empty() ? "any" : c.resizeMode);
            if (c.excluded) {
                std::cout << "excluded: " << c.excluded->message();
            } else {
                std::cout << outcomeText(c.settings) << ", fitness distance "
                          << number(c.fitnessDistance);
                if (!c.advancedSatisfied.empty()) {
                    std::string sets;
                    for (const bool satisfied : c.advancedSatisfied)
                        sets += satisfied ? 'y' : 'n';
                    std::cout << ", advanced " << sets;
                }
                if (c.chosen)
                    std::cout << "  <- chosen";
            }
            std::cout << '\n';
        }
        if (shown < e.candidates.size())
            std::cout << "  " << omittedText(e, shown) << '\n';
    }
    if (!e.alternatives.empty()) {
        std::cout << "  nearest alternatives:\n";
        for (const auto& alternative : e.alternatives)
            std::cout << "    - " << withLabels(alternative, labels) << '\n';
    }
}

OrderedJson candidateJson(const CandidateReport& c)
{
    OrderedJson json;
    json["deviceId"] = c.deviceId;
    json["mode"] = modeJson(c.mode);
    if (isVideo(c.mode))
        json["resizeMode"] =
                c.resizeMode.empty() ? OrderedJson(nullptr) : OrderedJson(c.resizeMode);
    json["chosen"] = c.chosen;
    if (c.excluded) {
        json["rank"] = nullptr;
        OrderedJson excluded;
        excluded["constraint"] = c.excluded->constraint.empty()
                                         ? OrderedJson(nullptr)
                                         : OrderedJson(c.excluded->constraint);
        excluded["required"] = c.excluded->required;
        excluded["offered"] = c.excluded->offered;
        excluded["shortfall"] = c.excluded->shortfall;
        excluded["message"] = c.excluded->message();
        json["excluded"] = std::move(excluded);
    } else {
        json["rank"] = c.rank;
        json["settings"] = settingsJson(c.settings);
        json["fitnessDistance"] = c.fitnessDistance;
        json["advancedSatisfied"] = c.advancedSatisfied;
    }
    return json;
}

OrderedJson explanationJson(const SelectionExplanation& e, std::size_t limit)
{
    const std::size_t shown =
            limit == 0 ? e.candidates.size() : std::min(limit, e.candidates.size());
    std::size_t excluded = 0;
    for (const auto& c : e.candidates)
        excluded += c.excluded ? 1 : 0;
    OrderedJson json;
    json["summary"] = e.summary;
    json["candidateCount"] = e.candidates.size();
    json["excludedCount"] = excluded;
    json["omitted"] = e.candidates.size() - shown;
    OrderedJson list = OrderedJson::array();
    for (std::size_t i = 0; i < shown; ++i)
        list.push_back(candidateJson(e.candidates[i]));
    json["candidates"] = std::move(list);
    json["alternatives"] = e.alternatives;
    return json;
}

int runExplain(const ProbeCommand& command, const MediaStreamConstraints& constraints,
               Session& session)
{
    const auto report = session.devices().explain(constraints).wait();
    if (!report)
        return fail(report.error(), command.json, &session);
    const std::size_t limit = explainLimit(command.explain);
    const ProbeResult& result = report->result;

    if (command.json) {
        OrderedJson out = OrderedJson::object();
        if (report->error) {
            out["error"] = errorJson(*report->error);
        } else {
            if (result.video)
                out["video"] = trackJson(*result.video);
            if (result.audio)
                out["audio"] = trackJson(*result.audio);
        }
        OrderedJson explain = OrderedJson::object();
        if (report->video)
            explain["video"] = explanationJson(*report->video, limit);
        if (report->audio)
            explain["audio"] = explanationJson(*report->audio, limit);
        out["explain"] = std::move(explain);
        std::cout << out.dump(2) << '\n';
    } else {
        // Labels read better than ids in the table; permission was granted for explain().
        Labels labels;
        if (auto devices = session.devices().enumerateDevices().wait()) {
            for (const auto& device : *devices)
                labels[device.deviceId] = device.label;
        }
        if (result.video)
            printText("video", *result.video);
        if (result.audio)
            printText("audio", *result.audio);
        if (report->video)
            printExplanation("video", *report->video, labels, limit);
        if (report->audio)
            printExplanation("audio", *report->audio, labels, limit);
    }
    if (report->error) {
        session.reportError(*report->error);
        return kExitFailure;
    }
    return kExitSuccess;
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
            "opening any device. Without --constraints, --video or --audio: video and audio.\n"
            "\n"
            "--explain shows why, per kind: every candidate the selection considered (a device\n"
            "with one native mode and, for cameras, one resize mode), ranked: the chosen one\n"
            "first (marked *1), then the other eligible ones with their settings and fitness\n"
            "distance, then the excluded ones with the constraint that excluded them and by how\n"
            "much, nearest first. When nothing fits it lists the nearest alternatives: the\n"
            "closest mode the devices have, and the requests that succeed with one required\n"
            "constraint relaxed to an ideal. Only the first 10 candidates per kind are listed,\n"
            "with a count of the rest by reason; --explain=N lists N, --explain=all every one.\n"
            "With --json, an \"explain\" member holds {\"video\": {summary, candidateCount,\n"
            "excludedCount, omitted, candidates: [...], alternatives: [...]}, \"audio\": ...},\n"
            "next to the usual members; a request that cannot be satisfied still exits 1.";
    addConstraintOptions(*probe, command.constraints);
    probe->add_flag("--json", command.json,
                    "Print {\"video\": {deviceId, label, settings}, \"audio\": {...}}, or "
                    "{\"error\": {name, constraint, message}}");
    probe->add_option("--explain", command.explain,
                      "Also show every candidate considered and why it was chosen or excluded "
                      "(the first N per kind; default 10; 'all' for every one)")
            ->expected(0, 1)
            ->default_str(std::to_string(kDefaultExplainLimit))
            ->type_name("[N|all]")
            ->check([](const std::string& value) -> std::string {
                if (value == "all")
                    return {};
                const bool digits = !value.empty() && value.size() < 10 &&
                                    std::all_of(value.begin(), value.end(),
                                                [](char c) { return c >= '0' && c <= '9'; });
                if (!digits || std::stoul(value) == 0)
                    return "--explain takes a positive number or 'all'";
                return {};
            });
    addCommonOptions(*probe, command.common);
    probe->footer(details + "\n\n" + probe->get_footer() +
                  "\n\nExit status: 0 when the request can be satisfied, 1 when it fails, 2 for "
                  "usage errors.\n\nExamples:\n"
                  "  usermedia probe --fake --allow --video 1280x720@30\n"
                  "  usermedia probe --fake --allow --json --constraints "
                  "'{\"video\": {\"width\": {\"exact\": 640}}}'\n"
                  "  usermedia probe --fake --allow --explain --constraints "
                  "'{\"video\": {\"width\": {\"min\": 4000}}}'");
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
    if (!command.explain.empty())
        return runExplain(command, *constraints, *session);
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
