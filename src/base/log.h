// SPDX-License-Identifier: MIT
// Per-module logging to stderr: UM_LOG(Core, Warn) << "text";
// Levels come from UM_LOG_LEVELS, e.g. "fake:debug,*:warn" (default "*:warn").
#pragma once

#include <sstream>
#include <string_view>

namespace usermedia::log {

enum class Level
{
    Debug = 0,
    Info = 1,
    Warn = 2,
    Error = 3,
};

/** Whether \p module logs at \p level. Thread: any. */
bool enabled(std::string_view module, Level level);

/** Collects one line and writes it (with a single write) when destroyed. */
class Line
{
public:
    Line(std::string_view module, Level level);
    ~Line();
    Line(const Line&) = delete;
    Line& operator=(const Line&) = delete;

    template <typename T>
    Line& operator<<(const T& value)
    {
        stream_ << value;
        return *this;
    }

private:
    std::ostringstream stream_;
};

} // namespace usermedia::log

namespace usermedia::log {
// Lets UM_LOG be one expression (safe inside an unbraced if/else): `cond ? void : Voidify & line`.
struct Voidify
{
    void operator&(Line& /*line*/) {}
};
} // namespace usermedia::log

#define UM_LOG(module, level)                                                                      \
    !::usermedia::log::enabled(#module, ::usermedia::log::Level::level)                            \
            ? (void)0                                                                              \
            : ::usermedia::log::Voidify() &                                                        \
                      ::usermedia::log::Line(#module, ::usermedia::log::Level::level)
