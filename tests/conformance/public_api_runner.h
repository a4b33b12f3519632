// SPDX-License-Identifier: MIT
// Runs one getUserMedia case through the public API only (MediaDevices on a fake-device file,
// every permission granted, a ManualClock that never moves) and reports the answer in the
// shape case_compare.h compares.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "conformance/case_compare.h"

namespace usermedia::testing {

/** A case's request, as in the Chromium reference: request.{constraints, legacy, apply, applyKind}.
 */
struct CaseRequest
{
    Json constraints; ///< MediaStreamConstraints, with $video0-style placeholders
    /// Verbatim text instead of `constraints` (malformed JSON), from request.constraintsText.
    std::optional<std::string> constraintsText;
    bool legacy = false; ///< through the callback form getUserMedia(constraints, ok, err)
    Json apply;          ///< null, or MediaTrackConstraints for applyConstraints()
    std::string applyKind = "video";

    static CaseRequest fromJson(const Json& request);
};

/** The answer, with the ids the API gave; `placeholders` maps $video0 etc. to them. */
struct CaseAnswer
{
    /// {"tracks": [...]} or {"error": {...}}, plus "apply" and "afterApply" after apply.
    Json answer;
    /// Violated invariants that hold for every case, whatever the expected answer: a track's
    /// getConstraints() is what was asked; a failed applyConstraints changes nothing; a
    /// successful one makes getConstraints() return exactly what was applied.
    std::vector<std::string> invariantFailures;
    /// $video0, $vgroup0, $audio0, $agroup0, ... -> the ids enumerateDevices() gave.
    Placeholders placeholders;
    /// The error, if creating the context or enumerating failed (not an answer to compare).
    std::string setupFailure;
};

/**
 * \brief Runs \p request against the fake devices in \p deviceFile. Placeholders $video<i>,
 * $vgroup<i>, $audio<i>, $agroup<i> are the ids of the i-th camera or microphone in
 * enumerateDevices() order. Thread: the test's; waits at most 10 s per promise.
 */
CaseAnswer runThroughPublicApi(const std::filesystem::path& deviceFile, const CaseRequest& request);

/** \brief The placeholder map for a device file, from enumerateDevices() with permission. */
Placeholders placeholdersFor(const std::filesystem::path& deviceFile, std::string* failure);

} // namespace usermedia::testing
