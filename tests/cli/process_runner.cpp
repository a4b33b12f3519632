// SPDX-License-Identifier: MIT
#include "process_runner.h"

#include <array>
#include <cerrno>
#include <csignal>
#include <stdexcept>

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ; // NOLINT(readability-redundant-declaration): POSIX leaves it undeclared

namespace usermedia::testing {
namespace {

using Clock = std::chrono::steady_clock;

int millisecondsUntil(Clock::time_point deadline)
{
    const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return static_cast<int>(std::max<std::int64_t>(left.count(), 0));
}

std::vector<char*> cArguments(const std::vector<std::string>& argv)
{
    std::vector<char*> out;
    for (const auto& arg : argv)
        out.push_back(const_cast<char*>(arg.c_str())); // NOLINT: exec's signature
    out.push_back(nullptr);
    return out;
}

int exitCodeOf(int status)
{
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Reaps \p pid, killing it first if it outlives \p deadline.
int reap(pid_t pid, Clock::time_point deadline, bool& timedOut)
{
    int status = 0;
    for (;;) {
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid)
            return exitCodeOf(status);
        if (done < 0 && errno != EINTR)
            return -1;
        if (Clock::now() >= deadline) {
            timedOut = true;
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            return -1;
        }
        ::poll(nullptr, 0, 10); // the output is closed: the exit is imminent
    }
}

} // namespace

ProcessResult runProcess(const std::vector<std::string>& argv, std::chrono::milliseconds timeout)
{
    const auto started = Clock::now();
    const auto deadline = started + timeout;
    std::array<int, 2> outPipe{};
    std::array<int, 2> errPipe{};
    if (::pipe2(outPipe.data(), O_CLOEXEC) != 0 || ::pipe2(errPipe.data(), O_CLOEXEC) != 0)
        throw std::runtime_error("pipe2 failed");

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, errPipe[1], STDERR_FILENO);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    // A new session has no controlling terminal: what CI gives, wherever the test runs.
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID);
    auto args = cArguments(argv);
    pid_t pid = -1;
    const int spawned = ::posix_spawn(&pid, args[0], &actions, &attributes, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    ::close(outPipe[1]);
    ::close(errPipe[1]);
    if (spawned != 0) {
        ::close(outPipe[0]);
        ::close(errPipe[0]);
        throw std::runtime_error("cannot run " + argv[0]);
    }

    ProcessResult result;
    std::array<pollfd, 2> fds{{{outPipe[0], POLLIN, 0}, {errPipe[0], POLLIN, 0}}};
    std::array<std::string*, 2> sinks{&result.out, &result.err};
    int open = 2;
    while (open > 0 && Clock::now() < deadline) {
        if (::poll(fds.data(), fds.size(), millisecondsUntil(deadline)) < 0 && errno != EINTR)
            break;
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0)
                continue;
            char buffer[4096];
            const ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
            if (got > 0) {
                sinks[i]->append(buffer, static_cast<std::size_t>(got));
            } else if (got == 0 || errno != EINTR) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open;
            }
        }
    }
    for (auto& fd : fds) {
        if (fd.fd >= 0)
            ::close(fd.fd);
    }
    result.exitCode = reap(pid, deadline, result.timedOut);
    result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    return result;
}

PtyProcess::PtyProcess(const std::vector<std::string>& argv) : started_(Clock::now())
{
    auto args = cArguments(argv); // before fork: the child may only exec
    pid_ = ::forkpty(&master_, nullptr, nullptr, nullptr);
    if (pid_ < 0)
        throw std::runtime_error("forkpty failed");
    if (pid_ == 0) {
        ::execv(args[0], args.data());
        ::_exit(127);
    }
}

PtyProcess::~PtyProcess()
{
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    if (master_ >= 0)
        ::close(master_);
}

bool PtyProcess::readSome(Clock::time_point deadline)
{
    pollfd fd{master_, POLLIN, 0};
    const int ready = ::poll(&fd, 1, millisecondsUntil(deadline));
    if (ready <= 0)
        return false;
    char buffer[4096];
    const ssize_t got = ::read(master_, buffer, sizeof buffer);
    if (got <= 0)
        return false; // EIO: every slave descriptor is closed, the program is done
    output_.append(buffer, static_cast<std::size_t>(got));
    return true;
}

bool PtyProcess::waitFor(std::string_view text, std::chrono::milliseconds timeout)
{
    const auto deadline = Clock::now() + timeout;
    while (output_.find(text) == std::string::npos) {
        if (!readSome(deadline))
            return false;
    }
    return true;
}

bool PtyProcess::waitFor(const std::regex& pattern, std::chrono::milliseconds timeout)
{
    const auto deadline = Clock::now() + timeout;
    while (!std::regex_search(output_, pattern)) {
        if (!readSome(deadline))
            return false;
    }
    return true;
}

void PtyProcess::type(std::string_view text)
{
    while (!text.empty()) {
        const ssize_t written = ::write(master_, text.data(), text.size());
        if (written <= 0)
            throw std::runtime_error("cannot write to the pty");
        text.remove_prefix(static_cast<std::size_t>(written));
    }
}

ProcessResult PtyProcess::finish(std::chrono::milliseconds timeout)
{
    const auto deadline = Clock::now() + timeout;
    while (readSome(deadline)) {
    }
    ProcessResult result;
    result.exitCode = reap(pid_, deadline, result.timedOut);
    pid_ = -1;
    result.out = output_;
    result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_);
    return result;
}

} // namespace usermedia::testing
