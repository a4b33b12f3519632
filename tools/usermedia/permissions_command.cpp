// SPDX-License-Identifier: MIT
// `usermedia permissions list | grant | deny | reset`: the user's view of the remembered
// decisions, and the way to change them from a shell.
//
// It edits the permission store itself (core/permission_store.h, linked alone) rather than
// going through a MediaDevices: a MediaDevices acts for one origin and would keep a decision it
// cannot write in memory, whereas this command acts for any origin and must fail loudly when
// the store cannot be written. Running processes follow the store (they watch it), so a deny or
// reset here ends their live tracks of that kind, as revoking a site's permission does in a
// browser.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <vector>

#include <CLI/CLI.hpp>

#include <usermedia/permissions.h>

#include "core/permission_store.h"

#include "commands.h"
#include "json_output.h"

namespace usermedia::cli {
namespace {

std::vector<PermissionName> kindsOf(const PermissionsCommand& command)
{
    if (command.kind == "camera")
        return {PermissionName::Camera};
    if (command.kind == "microphone")
        return {PermissionName::Microphone};
    return {PermissionName::Camera, PermissionName::Microphone};
}

// "camera", "microphone" or "camera and microphone".
std::string kindsText(const std::vector<PermissionName>& kinds)
{
    std::string text;
    for (const auto name : kinds) {
        if (!text.empty())
            text += " and ";
        text += toString(name);
    }
    return text;
}

// The origin `usermedia capture` and the other commands use without --origin: this program's
// path, as MediaDevices picks it (see MediaDevicesOptions::origin).
std::string ownOrigin()
{
    std::error_code error;
    auto path = std::filesystem::read_symlink("/proc/self/exe", error);
    return error ? std::string("unknown-application") : path.string();
}

PermissionStore openStore()
{
    return PermissionStore({}, [](const std::string& message) { printNote(message); });
}

// The rows to show: every origin in the store, or only --origin (which reads as "prompt" when
// the store has nothing for it).
PermissionMap rowsFor(const PermissionMap& map, const PermissionsCommand& command)
{
    if (!command.originGiven)
        return map;
    const auto it = map.find(command.origin);
    return {{command.origin, it == map.end() ? OriginPermissions{} : it->second}};
}

void printJson(const PermissionStore& store, const PermissionMap& rows,
               const std::vector<PermissionName>& kinds)
{
    OrderedJson origins = OrderedJson::array();
    for (const auto& [origin, entry] : rows) {
        OrderedJson row;
        row["origin"] = origin;
        for (const auto name : kinds)
            row[std::string(toString(name))] = std::string(toString(entry[name]));
        origins.push_back(std::move(row));
    }
    OrderedJson out;
    out["store"] = store.path();
    out["origins"] = std::move(origins);
    std::cout << out.dump(2) << '\n';
}

// ORIGIN  CAMERA  MICROPHONE, one origin a line, the first column as wide as the longest origin;
// no blanks at the ends of lines.
void printTable(const PermissionMap& rows, const std::vector<PermissionName>& kinds)
{
    std::size_t width = std::string_view("ORIGIN").size();
    for (const auto& row : rows)
        width = std::max(width, row.first.size());
    constexpr std::size_t kStateWidth = 12;
    const auto cell = [](std::string text, std::size_t cellWidth, bool last) {
        if (!last && text.size() < cellWidth)
            text.append(cellWidth - text.size(), ' ');
        return text;
    };
    std::string line = cell("ORIGIN", width + 2, false);
    for (std::size_t i = 0; i < kinds.size(); ++i) {
        std::string title(toString(kinds[i]));
        std::transform(title.begin(), title.end(), title.begin(),
                       [](char c) { return static_cast<char>(c - 'a' + 'A'); });
        line += cell(title, kStateWidth, i + 1 == kinds.size());
    }
    std::cout << line << '\n';
    for (const auto& [origin, entry] : rows) {
        line = cell(origin, width + 2, false);
        for (std::size_t i = 0; i < kinds.size(); ++i)
            line += cell(std::string(toString(entry[kinds[i]])), kStateWidth,
                         i + 1 == kinds.size());
        std::cout << line << '\n';
    }
}

void show(const PermissionStore& store, const PermissionMap& rows,
          const PermissionsCommand& command)
{
    if (command.json) {
        printJson(store, rows, kindsOf(command));
    } else {
        printTable(rows, kindsOf(command));
    }
}

int runList(const PermissionsCommand& command)
{
    const PermissionStore store = openStore();
    auto map = store.readAll();
    if (!map) {
        printError(map.error());
        printNote("the store is left as it is: the next grant, deny or reset keeps it aside and "
                  "starts a new one; until then every permission reads as \"prompt\"");
        return kExitFailure;
    }
    if (map->empty() && !command.originGiven && !command.json) {
        printNote("no decisions are stored (" + store.path() + ")");
        return kExitSuccess;
    }
    show(store, rowsFor(*map, command), command);
    return kExitSuccess;
}

int runDecide(const PermissionsCommand& command, PermissionState state)
{
    const std::string origin = command.originGiven ? command.origin : ownOrigin();
    const auto kinds = kindsOf(command);
    PermissionStore store = openStore();
    auto written = store.update([&](PermissionMap& map) {
        auto& entry = map[origin];
        for (const auto name : kinds)
            entry[name] = state;
        // The ids this origin already saw stay valid: a grant or deny is not a reset.
        if (entry.salt.empty())
            entry.salt = PermissionStore::newSalt();
    });
    if (!written) {
        printError(written.error());
        return kExitFailure;
    }
    if (command.json) {
        printJson(store, {{origin, (*written)[origin]}}, kinds);
    } else {
        std::cout << (state == PermissionState::Granted ? "granted " : "denied ")
                  << kindsText(kinds) << (state == PermissionState::Granted ? " to " : " for ")
                  << origin << '\n';
    }
    return kExitSuccess;
}

int runReset(const PermissionsCommand& command)
{
    if (!command.originGiven && !command.all) {
        printNote("permissions reset needs --origin ID (one application) or --all (every "
                  "application)");
        return kExitUsage;
    }
    const auto kinds = kindsOf(command);
    const bool wholeOrigin = kinds.size() == 2;
    std::size_t origins = 0;
    PermissionStore store = openStore();
    auto written = store.update([&](PermissionMap& map) {
        if (command.all && wholeOrigin) {
            // Forgetting the salts too: every application gets new device ids.
            origins = map.size();
            map.clear();
            return;
        }
        const auto reset = [&](OriginPermissions& entry) {
            for (const auto name : kinds)
                entry[name] = PermissionState::Prompt;
            // A reset gives the origin new device and group ids, as MediaDevices::setPermission
            // does: what it learnt before can no longer be linked to what it sees next.
            entry.salt = PermissionStore::newSalt();
        };
        if (command.all) {
            origins = map.size();
            for (auto& entry : map)
                reset(entry.second);
        } else if (wholeOrigin) {
            // Nothing left to remember: the salt is drawn afresh on the origin's next use.
            origins = map.erase(command.origin);
        } else {
            origins = 1;
            reset(map[command.origin]);
        }
    });
    if (!written) {
        printError(written.error());
        return kExitFailure;
    }
    if (command.json) {
        show(store, command.all ? *written : rowsFor(*written, command), command);
    } else if (command.all) {
        std::cout << "reset " << kindsText(kinds) << " for every application (" << origins
                  << "): they will be asked again and get new device ids\n";
    } else {
        std::cout << "reset " << kindsText(kinds) << " for " << command.origin
                  << ": it will be asked again and gets new device ids\n";
    }
    return kExitSuccess;
}

// --origin, --kind and --json, on each of list, grant, deny and reset.
void addOptions(CLI::App& action, PermissionsCommand& command, std::string_view originHelp)
{
    action.add_option("--origin", command.origin, std::string(originHelp))
            ->type_name("ID")
            ->check(
                    [](const std::string& value) {
                        return value.empty() ? std::string("the origin must not be empty")
                                             : std::string();
                    },
                    "not empty");
    action.add_option("--kind", command.kind, "camera or microphone (default: both)")
            ->type_name("KIND")
            ->check(CLI::IsMember({"camera", "microphone"}));
    action.add_flag("--json", command.json,
                    "Print {\"store\": PATH, \"origins\": [{\"origin\", \"camera\", "
                    "\"microphone\"}]}");
}

} // namespace

CLI::App* addPermissionsCommand(CLI::App& app, PermissionsCommand& command)
{
    auto* permissions = app.add_subcommand(
            "permissions", "List, grant, deny or reset the remembered camera and microphone "
                           "permissions");
    permissions->require_subcommand(1);
    permissions->footer(
            "The decisions live in $XDG_CONFIG_HOME/usermedia/permissions.json (default\n"
            "~/.config/usermedia/), one entry per application identity (origin), as given with\n"
            "--origin to the other commands or by an application; by default an application's\n"
            "origin is its executable's path. A deny or reset ends the live camera or microphone\n"
            "tracks of that origin in running programs, as revoking a site's permission does in\n"
            "a browser; a reset also gives the origin new device ids.\n\n"
            "Exit status: 0 on success, 1 when the store cannot be read or written, 2 for usage\n"
            "errors.\n\nExamples:\n"
            "  usermedia permissions list\n"
            "  usermedia permissions grant --origin com.example.recorder --kind camera\n"
            "  usermedia permissions deny --origin com.example.recorder\n"
            "  usermedia permissions reset --origin com.example.recorder\n"
            "  usermedia permissions reset --all");

    auto* list = permissions->add_subcommand(
            "list", "Show every application in the store with its camera and microphone state");
    addOptions(*list, command, "Show only this application (\"prompt\" when nothing is stored)");
    auto* grant = permissions->add_subcommand(
            "grant", "Allow an application to use the camera and/or microphone, remembered");
    addOptions(*grant, command,
               "The application (default: usermedia's own origin, its path, which the other "
               "commands use without --origin)");
    auto* deny = permissions->add_subcommand(
            "deny", "Refuse an application the camera and/or microphone, remembered; ends its "
                    "live tracks");
    addOptions(*deny, command,
               "The application (default: usermedia's own origin, its path, which the other "
               "commands use without --origin)");
    auto* reset = permissions->add_subcommand(
            "reset", "Forget decisions (asked again next time) and give new device ids; ends "
                     "live tracks");
    addOptions(*reset, command, "The application to reset (this or --all is required)");
    auto* all = reset->add_flag("--all", command.all, "Reset every application in the store");
    all->excludes(reset->get_option("--origin"));

    const auto choose = [&command](std::string action) {
        return [&command, action = std::move(action)] {
            command.action = action;
        };
    };
    list->callback(choose("list"));
    grant->callback(choose("grant"));
    deny->callback(choose("deny"));
    reset->callback(choose("reset"));
    return permissions;
}

int runPermissions(PermissionsCommand& command)
{
    // --origin given (CLI11 has already refused an empty one).
    command.originGiven = !command.origin.empty();
    if (command.action == "list")
        return runList(command);
    if (command.action == "grant")
        return runDecide(command, PermissionState::Granted);
    if (command.action == "deny")
        return runDecide(command, PermissionState::Denied);
    if (command.action == "reset")
        return runReset(command);
    return kExitUsage;
}

} // namespace usermedia::cli
