// SPDX-License-Identifier: MIT
#include "constraint_options.h"

#include <regex>

#include <CLI/CLI.hpp>

namespace usermedia::cli {

void addConstraintOptions(CLI::App& command, ConstraintOptions& options)
{
    auto* json = command.add_option("--constraints", options.json,
                                    "MediaStreamConstraints as JSON, as in JavaScript, e.g. "
                                    "'{\"video\": {\"width\": {\"min\": 640}}, \"audio\": true}'")
                         ->type_name("JSON");
    auto* video = command.add_option("--video", options.videoShape,
                                     "Capture video; optionally ideally this size and rate, "
                                     "e.g. --video 1280x720@30")
                          ->expected(0, 1)
                          ->type_name("[WxH[@FPS]]")
                          ->check([](const std::string& shape) -> std::string {
                              if (parseVideoShape(shape))
                                  return {};
                              return "expected WIDTHxHEIGHT or WIDTHxHEIGHT@FPS, e.g. 1280x720@30";
                          });
    auto* audio = command.add_flag("--audio", options.audio, "Capture audio");
    json->excludes(video);
    json->excludes(audio);
    // --video may come without a value, so its presence is read from the option's count.
    command.parse_complete_callback([&options, json, video] {
        options.hasJson = json->count() > 0;
        options.video = video->count() > 0;
    });
}

std::optional<MediaTrackConstraints> parseVideoShape(const std::string& shape)
{
    MediaTrackConstraints constraints;
    if (shape.empty())
        return constraints;
    static const std::regex pattern(
            R"(([1-9][0-9]{0,4})x([1-9][0-9]{0,4})(@([0-9]+(\.[0-9]+)?))?)");
    std::smatch match;
    if (!std::regex_match(shape, match, pattern))
        return std::nullopt;
    constraints.width = ConstrainNumber::idealOf(std::stod(match[1].str()));
    constraints.height = ConstrainNumber::idealOf(std::stod(match[2].str()));
    if (match[4].matched) {
        const double rate = std::stod(match[4].str());
        if (!(rate > 0))
            return std::nullopt;
        constraints.frameRate = ConstrainNumber::idealOf(rate);
    }
    return constraints;
}

Result<MediaStreamConstraints> resolveConstraints(const ConstraintOptions& options)
{
    if (options.hasJson)
        return parseMediaStreamConstraints(options.json);
    MediaStreamConstraints constraints;
    if (!options.video && !options.audio) {
        constraints.video.emplace();
        constraints.audio.emplace();
        return constraints;
    }
    if (options.video)
        constraints.video = parseVideoShape(options.videoShape); // checked while parsing
    if (options.audio)
        constraints.audio.emplace();
    return constraints;
}

} // namespace usermedia::cli
