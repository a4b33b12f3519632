// SPDX-License-Identifier: MIT
#include "base/log.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <string>

#include <unistd.h>

namespace usermedia::log {
namespace {

std::string lowercase(std::string_view text)
{
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

Level parseLevel(std::string_view text)
{
    if (text == "debug")
        return Level::Debug;
    if (text == "info")
        return Level::Info;
    if (text == "error")
        return Level::Error;
    return Level::Warn;
}

std::string_view levelName(Level level)
{
    switch (level) {
    case Level::Debug:
        return "debug";
    case Level::Info:
        return "info";
    case Level::Warn:
        return "warn";
    case Level::Error:
        return "error";
    }
    return "?";
}

// Parsed once from UM_LOG_LEVELS; "*" is the default for modules not named.
struct Config
{
    std::map<std::string, Level, std::less<>> modules;
    Level fallback = Level::Warn;

    Config()
    {
        const char* env = std::getenv("UM_LOG_LEVELS");
        std::string_view spec = env ? env : "";
        while (!spec.empty()) {
            const auto comma = spec.find(',');
            const std::string_view item = spec.substr(0, comma);
            spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
            const auto colon = item.find(':');
            if (colon == std::string_view::npos)
                continue;
            const std::string module = lowercase(item.substr(0, colon));
            const Level level = parseLevel(lowercase(item.substr(colon + 1)));
            if (module == "*")
                fallback = level;
            else
                modules[module] = level;
        }
    }
};

const Config& config()
{
    static const Config instance;
    return instance;
}

} // namespace

bool enabled(std::string_view module, Level level)
{
    const Config& c = config();
    const auto it = c.modules.find(lowercase(module));
    return level >= (it != c.modules.end() ? it->second : c.fallback);
}

Line::Line(std::string_view module, Level level)
{
    stream_ << "usermedia " << lowercase(module) << " " << levelName(level) << ": ";
}

Line::~Line()
{
    stream_ << '\n';
    const std::string text = stream_.str();
    // One write() so lines from different threads do not interleave; a failed log write has
    // nowhere to be reported.
    [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, text.data(), text.size());
}

} // namespace usermedia::log
