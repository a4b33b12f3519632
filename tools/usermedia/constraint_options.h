// SPDX-License-Identifier: MIT
// What to capture, as options: --constraints JSON, or the shorthands --video [WxH[@FPS]] and
// --audio. Shared by `probe` and `capture`.
#pragma once

#include <optional>
#include <string>

#include <usermedia/constraints.h>
#include <usermedia/result.h>

namespace CLI {
class App;
} // namespace CLI

namespace usermedia::cli {

struct ConstraintOptions
{
    bool hasJson = false; ///< --constraints was given (its text may be empty, an error)
    std::string json;
    bool video = false;
    std::string videoShape; ///< "" (any), "WxH" or "WxH@FPS"
    bool audio = false;
};

/**
 * \brief Adds --constraints, --video and --audio to \p command. Sets the command's
 * parse-complete callback (to record which were given).
 */
void addConstraintOptions(CLI::App& command, ConstraintOptions& options);

/**
 * \brief The constraints the options ask for; with none of them, video and audio.
 * Errors: TypeError for malformed --constraints JSON (naming the position) or bad members.
 */
Result<MediaStreamConstraints> resolveConstraints(const ConstraintOptions& options);

/**
 * \brief "1280x720@30" -> {width: {ideal: 1280}, height: {ideal: 720}, frameRate: {ideal: 30}};
 * "" -> no constraint (video: true). Empty optional when the text has another shape.
 */
std::optional<MediaTrackConstraints> parseVideoShape(const std::string& shape);

} // namespace usermedia::cli
