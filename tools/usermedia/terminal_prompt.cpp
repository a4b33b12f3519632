// SPDX-License-Identifier: MIT
#include "terminal_prompt.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <termios.h>
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

// An eventfd that a cancellation handler may still write to after the prompt is over (the
// handler can run later, from the broker's destructor): closed with its last user.
class WakeFd
{
public:
    WakeFd() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}
    ~WakeFd()
    {
        if (fd_ >= 0)
            ::close(fd_);
    }
    WakeFd(const WakeFd&) = delete;
    WakeFd& operator=(const WakeFd&) = delete;
    int get() const { return fd_; }
    void wake() const
    {
        const std::uint64_t one = 1;
        (void)!::write(fd_, &one, sizeof one);
    }

private:
    int fd_;
};

enum class LineEnd
{
    Newline,   ///< a whole line
    EndOfFile, ///< Ctrl-D, or the terminal went away
    Cancelled, ///< the request no longer wants an answer
};

// One line from the terminal, without its newline, unless \p cancel (may be -1) wakes first.
LineEnd readLine(int fd, int cancel, std::string& line)
{
    for (;;) {
        pollfd fds[2] = {{fd, POLLIN, 0}, {cancel, POLLIN, 0}};
        if (::poll(fds, cancel >= 0 ? 2 : 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            return LineEnd::EndOfFile;
        }
        if (cancel >= 0 && fds[1].revents != 0)
            return LineEnd::Cancelled;
        char c = 0;
        const ssize_t got = ::read(fd, &c, 1);
        if (got < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (got <= 0)
            return LineEnd::EndOfFile;
        if (c == '\n')
            return LineEnd::Newline;
        if (line.size() < kMaxAnswerLength)
            line.push_back(c);
    }
}

// The terminal rows \p text takes from the start of a line: 1 unless it wraps. Counts code
// points, which is right for the question's text (no wide characters in it, unless a label
// has some: then a row too few is cleared, which is harmless).
std::size_t rowsOf(int fd, std::string_view text)
{
    winsize size = {};
    if (::ioctl(fd, TIOCGWINSZ, &size) != 0 || size.ws_col == 0)
        return 1;
    std::size_t width = 0;
    for (const char c : text) {
        if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U)
            ++width;
    }
    return width == 0 ? 1 : (width + size.ws_col - 1) / size.ws_col;
}

// Takes the question off the screen: back to the start of its first row, clearing each one.
void withdraw(int fd, std::string_view question)
{
    std::string erase = "\r\x1b[K";
    for (std::size_t row = 1; row < rowsOf(fd, question); ++row)
        erase += "\x1b[A\x1b[K";
    (void)writeAll(fd, erase);
}

PermissionAnswer askOnTerminal(int fd, const PermissionRequest& request)
{
    // What was typed before the question was shown (an answer to an earlier, withdrawn prompt,
    // or keys pressed while waiting) is not an answer to this one.
    (void)::tcflush(fd, TCIFLUSH);
    const std::shared_ptr<WakeFd> cancel = std::make_shared<WakeFd>();
    if (request.cancellation)
        request.cancellation->onCancel([cancel] { cancel->wake(); });
    if (request.cancellation && request.cancellation->cancelled())
        return PermissionAnswer::Dismiss; // over before it was shown
    const std::string question = permissionQuestion(request);
    if (!writeAll(fd, question))
        return PermissionAnswer::Dismiss;
    std::string line;
    switch (readLine(fd, request.cancellation ? cancel->get() : -1, line)) {
    case LineEnd::Newline:
        return parsePermissionAnswer(line);
    case LineEnd::EndOfFile:
        // Ctrl-D: end the prompt's line so later output starts on a fresh one.
        (void)writeAll(fd, "\n");
        return PermissionAnswer::Dismiss;
    case LineEnd::Cancelled:
        // Timed out: the question goes, and so does a half-typed answer, so that neither is
        // taken for the answer to anything else.
        withdraw(fd, question + line);
        (void)::tcflush(fd, TCIFLUSH);
        return PermissionAnswer::Dismiss;
    }
    return PermissionAnswer::Dismiss;
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
