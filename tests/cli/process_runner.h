// SPDX-License-Identifier: MIT
// Runs a program for a test: with pipes and no controlling terminal, or inside a
// pseudo-terminal that the test types into.
#pragma once

#include <chrono>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

namespace usermedia::testing {

struct ProcessResult
{
    int exitCode = -1;     ///< the exit status, or -1 when killed by a signal
    bool timedOut = false; ///< the runner killed it at the deadline
    std::string out;       ///< stdout (for a pty: everything the terminal showed)
    std::string err;
    std::chrono::milliseconds elapsed{0};
};

/**
 * \brief Runs \p argv in a new session (setsid: no controlling terminal, so /dev/tty cannot be
 * opened, as in CI), stdin from /dev/null, capturing stdout and stderr. Kills it after
 * \p timeout. Thread: any.
 */
ProcessResult runProcess(const std::vector<std::string>& argv,
                         std::chrono::milliseconds timeout = std::chrono::seconds(30));

/**
 * \brief A program running on a pseudo-terminal (forkpty): its controlling terminal, stdin,
 * stdout and stderr are the pty, whose other end the test reads and writes.
 * Thread: one thread.
 */
class PtyProcess
{
public:
    explicit PtyProcess(const std::vector<std::string>& argv);
    ~PtyProcess();
    PtyProcess(const PtyProcess&) = delete;
    PtyProcess& operator=(const PtyProcess&) = delete;

    /** \brief Reads until the output contains \p text; false at the deadline or the end. */
    bool waitFor(std::string_view text,
                 std::chrono::milliseconds timeout = std::chrono::seconds(10));
    /** \brief Reads until the output matches \p pattern somewhere. */
    bool waitFor(const std::regex& pattern,
                 std::chrono::milliseconds timeout = std::chrono::seconds(10));
    /** \brief Types \p text on the terminal. */
    void type(std::string_view text);
    /** \brief Reads to the end and reaps the process; out holds everything shown. */
    ProcessResult finish(std::chrono::milliseconds timeout = std::chrono::seconds(30));
    /** \brief What the terminal showed so far. */
    const std::string& output() const { return output_; }

private:
    // One read with a deadline; false at the end of output or the deadline.
    bool readSome(std::chrono::steady_clock::time_point deadline);

    pid_t pid_ = -1;
    int master_ = -1;
    std::string output_;
    std::chrono::steady_clock::time_point started_;
};

} // namespace usermedia::testing
