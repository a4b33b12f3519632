// SPDX-License-Identifier: MIT
// The legacy constraint shape of the original navigator.getUserMedia (Chromium's "old-style"
// constraints): {"mandatory": {"minWidth": 640, ...}, "optional": [{"maxFrameRate": 15}, ...]}.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include <usermedia/constraints.h>
#include <usermedia/result.h>

namespace usermedia::constraints_json {

/** Whether \p track (a JSON object) uses the legacy shape: has `mandatory` or `optional`. */
bool isLegacyShape(const nlohmann::json& track);

/**
 * Translates a legacy track object into MediaTrackConstraints: `mandatory` members become
 * required values of the basic set, each `optional` entry one advanced set, in order.
 * Mixing legacy and modern members is a TypeError (as in Chromium). An unknown name is ignored
 * in `optional` and an OverconstrainedError naming it in `mandatory` (as in the old
 * implementations; Chromium 156 ignores both). \p path names the object in errors (e.g. "video").
 * Errors: TypeError, OverconstrainedError. Thread: any (pure).
 */
Result<MediaTrackConstraints> parseLegacyTrackConstraints(const nlohmann::json& track,
                                                          std::string_view path);

} // namespace usermedia::constraints_json
