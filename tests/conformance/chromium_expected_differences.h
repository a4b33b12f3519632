// SPDX-License-Identifier: MIT
// The Chromium reference cases (shared/reference/chromium-constraints) that usermedia knowingly
// answers differently, each with the reason: the spec text that requires another answer, or a
// deliberate choice. One list for every test that replays the cases (the engine alone in
// tests/unit/constraints, the public API and the CLI in tests/conformance); each of them fails
// when a listed case starts to match, so the list stays honest.
#pragma once

#include <functional>
#include <map>
#include <string>

namespace usermedia::testing {

inline const std::map<std::string, std::string, std::less<>>& chromiumExpectedDifferences()
{
    static const std::map<std::string, std::string, std::less<>> kDifferences = {
            // Deliberate: the JSON API does not coerce like JavaScript does.
            {"default/video-string", "we reject a string for `video` (TypeError); WebIDL makes "
                                     "\"yes\" true"},
            {"default/video-array", "we reject an array for `video` (TypeError); WebIDL reads it "
                                    "as an empty dictionary"},
            {"default/junk-width-string", "we reject a string width (TypeError); WebIDL turns "
                                          "\"abc\" into 0"},
            {"default/junk-width-huge", "Chromium's `long` conversion wraps 1e300 to 0; we keep "
                                        "the magnitude and pick the largest size"},
            // Spec over Chromium: Chromium ignores deviceId ideals and advanced deviceIds.
            {"3cams/multi-deviceid-ideal-video2", "spec fitness prefers the ideal deviceId; "
                                                  "Chromium ignores it"},
            {"3cams/multi-adv-deviceid", "spec: a bare deviceId in an advanced set is exact and "
                                         "must select that camera; Chromium ignores it"},
            {"3cams/multi-legacy-opt-sourceid", "same as multi-adv-deviceid, via legacy optional"},
            // The legacy API over Chromium (issue 3 asks for the old implementations' rule).
            {"default/legacy-mand-bogus-key",
             "original navigator.getUserMedia: every mandatory constraint must be satisfied, so "
             "an unknown one fails (OverconstrainedError naming it, MANDATORY_UNSATISFIED_ERROR); "
             "Chromium 156 ignores it"},
            // Spec over Chromium: applyConstraints applies what SelectSettings picks.
            {"default/apply-audio-echo-off",
             "spec, applyConstraints: the track takes the settings SelectSettings picks for the "
             "new constraints (the native 44100 Hz stereo with processing off); Chromium 156 "
             "resolves but leaves an open track's processing on (48000 Hz mono)"},
    };
    return kDifferences;
}

} // namespace usermedia::testing
