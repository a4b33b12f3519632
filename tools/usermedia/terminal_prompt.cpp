// SPDX-License-Identifier: MIT
#include "terminal_prompt.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <optional>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

namespace usermedia::cli {
namespace {

// Longer lines are cut: nobody types a permission answer that long.
constexpr std::size_t kMaxAnswerLength = 256;

// "camera (Fake Camera)": the kind, and the label of the device that would be used.
std::string describeKind(const PermissionRequest& request, MediaDeviceKind kind,
                         std::string_view noun)
{
    std::string text(noun);
    const auto device =
            std::find_if(request.devices.begin(), request.devices.end(),
                         [kind](const MediaDeviceInfo& info) { return info.kind == kind; });
    if (device != request.devices.end() && !device->label.empty())
        text += " (" + device->label + ")";
    return text;
}

bool writeAll(int fd, std::string_view text)
{
    while (!text.empty()) {
        const ssize_t written = ::write(fd, text.data(), text.size());
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return false;
        text.remove_prefix(static_cast<std::size_t>(written));
    }
    return true;
}

// One line from the terminal, without its newline; empty optional on end of input or error
// before a newline.
std::optional<std::string> readLine(int fd)
{
    std::string line;
    for (;;) {
        char c = 0;
        const ssize_t got = ::read(fd, &c, 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return std::nullopt;
        if (c == '\n')
            return line;
        if (line.size() < kMaxAnswerLength)
            line.push_back(c);
    }
}

PermissionAnswer askOnTerminal(int fd, const PermissionRequest& request)
{
    if (!writeAll(fd, permissionQuestion(request)))
        return PermissionAnswer::Dismiss;
    const auto line = readLine(fd);
    if (!line) {
        // Ctrl-D: end the prompt's line so later output starts on a fresh one.
        (void)writeAll(fd, "\n");
        return PermissionAnswer::Dismiss;
    }
    return parsePermissionAnswer(*line);
}

} // namespace

std::string permissionQuestion(const PermissionRequest& request)
{
    std::string what;
    if (request.camera)
        what = describeKind(request, MediaDeviceKind::VideoInput, "camera");
    if (request.microphone) {
        if (!what.empty())
            what += " and ";
        what += describeKind(request, MediaDeviceKind::AudioInput, "microphone");
    }
    return "Allow " + request.origin + " to use your " + what +
           "? [y]es once / [a]lways / [n]o / [d]eny always: ";
}

PermissionAnswer parsePermissionAnswer(std::string_view line)
{
    const auto blank = [](char c) {
        return std::isspace(static_cast<unsigned char>(c)) != 0;
    };
    while (!line.empty() && blank(line.front()))
        line.remove_prefix(1);
    while (!line.empty() && blank(line.back()))
        line.remove_suffix(1);
    std::string word(line);
    std::transform(word.begin(), word.end(), word.begin(), [](char c) {
        return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    });
    if (word == "y" || word == "yes")
        return PermissionAnswer::AllowOnce;
    if (word == "a" || word == "always")
        return PermissionAnswer::AllowAlways;
    if (word == "n" || word == "no")
        return PermissionAnswer::DenyOnce;
    if (word == "d" || word == "deny")
        return PermissionAnswer::DenyAlways;
    return PermissionAnswer::Dismiss;
}

TerminalPrompt::TerminalPrompt(std::string terminalPath) : state_(std::make_shared<State>())
{
    state_->terminalPath = std::move(terminalPath);
}

PermissionPrompt TerminalPrompt::callback() const
{
    return [state = state_](const PermissionRequest& request,
                            const std::function<void(PermissionAnswer)>& respond) {
        // O_NOCTTY: asking must never make a terminal ours.
        const int fd = ::open(state->terminalPath.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (fd < 0) {
            state->noTerminal.store(true);
            respond(PermissionAnswer::Dismiss);
            return;
        }
        const PermissionAnswer answer = askOnTerminal(fd, request);
        ::close(fd);
        respond(answer);
    };
}

} // namespace usermedia::cli
