// SPDX-License-Identifier: MIT
// Comparing a getUserMedia answer with the expected one, both in the shape of the Chromium
// reference cases (shared/reference/chromium-constraints/README.md):
//   {"tracks": [{"kind", "label", "settings": {...}}]}  or  {"error": {"name", "constraint"}}
// plus, after applyConstraints, "apply" ({"ok": true} or {"error": ...}) and "afterApply".
// Header-only and free of library types, so the CLI test (which links no internals) uses it too.
#pragma once

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace usermedia::testing {

using Json = nlohmann::json;
using Placeholders = std::map<std::string, std::string>;

inline std::string readTextFile(const std::filesystem::path& path)
{
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

/** Replaces every string equal to a key of \p map (e.g. "$video0") by its value, recursively. */
inline void substitute(Json& value, const Placeholders& map)
{
    if (value.is_string()) {
        auto it = map.find(value.get<std::string>());
        if (it != map.end())
            value = it->second;
    } else if (value.is_structured()) {
        for (auto& child : value)
            substitute(child, map);
    }
}

/**
 * Whether two numbers match: frameRate, aspectRatio and latency are real-valued (a relative
 * tolerance of 1e-6 absorbs the last digits of a division); every other number exactly.
 */
inline bool numbersMatch(const std::string& member, const Json& want, const Json& got)
{
    const double a = want.get<double>();
    const double b = got.get<double>();
    if (member == "frameRate" || member == "aspectRatio" || member == "latency")
        return std::fabs(a - b) <= 1e-6 * std::max({std::fabs(a), std::fabs(b), 1e-9});
    return a == b;
}

/** Compares the members of \p want (a subset) with \p got; appends a line per difference. */
inline void compareSettings(const std::string& where, const Json& want, const Json& got,
                            std::vector<std::string>& diffs)
{
    for (const auto& [member, value] : want.items()) {
        if (!got.contains(member)) {
            diffs.push_back(where + "." + member + ": expected " + value.dump() + ", missing");
            continue;
        }
        const Json& actual = got.at(member);
        const bool same = value.is_number() && actual.is_number()
                                  ? numbersMatch(member, value, actual)
                                  : value == actual;
        if (!same) {
            diffs.push_back(where + "." + member + ": expected " + value.dump() + ", got " +
                            actual.dump());
        }
    }
}

/** {"name", "constraint" (string or null)} against the answer's error. */
inline void compareError(const std::string& where, const Json& want, const Json& got,
                         std::vector<std::string>& diffs)
{
    // A missing or null constraint and "" all mean "none named".
    auto text = [](const Json& error) {
        const Json constraint = error.value("constraint", Json());
        return error.at("name").get<std::string>() + "(" +
               (constraint.is_string() ? constraint.get<std::string>() : std::string()) + ")";
    };
    if (text(want) != text(got)) {
        const Json message = got.value("message", Json());
        diffs.push_back(where + ": expected " + text(want) + ", got " + text(got) + " " +
                        (message.is_string() ? message.get<std::string>() : std::string()));
    }
    // Optional: the legacy callback's code (e.g. "MANDATORY_UNSATISFIED_ERROR").
    if (want.contains("legacyCode") && want.at("legacyCode") != got.value("legacyCode", Json()))
        diffs.push_back(where + ".legacyCode: expected " + want.at("legacyCode").dump() + ", got " +
                        got.value("legacyCode", Json()).dump());
}

/** Tracks are matched by kind, in order within a kind; their number must agree. */
inline void compareTracks(const std::string& where, const Json& want, const Json& got,
                          std::vector<std::string>& diffs)
{
    for (const char* kind : {"audio", "video"}) {
        std::vector<const Json*> wanted;
        std::vector<const Json*> gotten;
        for (const Json& t : want)
            if (t.at("kind") == kind)
                wanted.push_back(&t);
        for (const Json& t : got)
            if (t.at("kind") == kind)
                gotten.push_back(&t);
        if (wanted.size() != gotten.size()) {
            diffs.push_back(where + ": expected " + std::to_string(wanted.size()) + " " + kind +
                            " track(s), got " + std::to_string(gotten.size()));
            continue;
        }
        for (std::size_t i = 0; i < wanted.size(); ++i) {
            const std::string at = where + "[" + kind + std::to_string(i) + "]";
            if (wanted[i]->contains("label") && wanted[i]->at("label") != gotten[i]->at("label"))
                diffs.push_back(at + ".label: expected " + wanted[i]->at("label").dump() +
                                ", got " + gotten[i]->at("label").dump());
            if (wanted[i]->contains("settings"))
                compareSettings(at + ".settings", wanted[i]->at("settings"),
                                gotten[i]->at("settings"), diffs);
        }
    }
}

/**
 * The whole answer: tracks or error, then apply and afterApply when expected. \p want is the
 * reference (`chromium` member, or a spec case's `expected`), \p got the answer obtained.
 */
inline std::vector<std::string> compareAnswer(const Json& want, const Json& got)
{
    std::vector<std::string> diffs;
    if (want.contains("error")) {
        if (got.contains("error")) {
            compareError("error", want.at("error"), got.at("error"), diffs);
        } else {
            diffs.emplace_back("expected " + want.at("error").dump() + ", got tracks");
        }
        return diffs;
    }
    if (got.contains("error")) {
        diffs.push_back("expected tracks, got error " + got.at("error").dump());
        return diffs;
    }
    compareTracks("tracks", want.at("tracks"), got.at("tracks"), diffs);
    if (want.contains("apply")) {
        const Json& wantApply = want.at("apply");
        const Json gotApply = got.value("apply", Json::object());
        if (wantApply.contains("error")) {
            if (gotApply.contains("error")) {
                compareError("apply", wantApply.at("error"), gotApply.at("error"), diffs);
            } else {
                diffs.emplace_back("apply: expected " + wantApply.at("error").dump() + ", got ok");
            }
        } else if (gotApply.contains("error")) {
            diffs.push_back("apply: expected ok, got " + gotApply.at("error").dump());
        }
        if (want.contains("afterApply"))
            compareTracks("afterApply", want.at("afterApply"),
                          got.value("afterApply", Json::array()), diffs);
    }
    return diffs;
}

} // namespace usermedia::testing
