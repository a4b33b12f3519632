// SPDX-License-Identifier: MIT
// A private PulseAudio daemon for one test: its own runtime directory, home and socket, a
// 440 Hz sine source ("sine") and a null sink ("nullsink", whose monitor is a source).
// The test process talks to it through $PULSE_SERVER.
#pragma once

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace usermedia::testing {

class PulseDaemon
{
public:
    PulseDaemon()
    {
        char pattern[] = "/tmp/um-pulse-XXXXXX";
        if (const char* made = mkdtemp(pattern))
            dir_ = made;
    }
    ~PulseDaemon()
    {
        stop(SIGTERM);
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }
    PulseDaemon(const PulseDaemon&) = delete;
    PulseDaemon& operator=(const PulseDaemon&) = delete;

    /** Whether the pulseaudio program is installed. */
    static bool available() { return std::system("command -v pulseaudio >/dev/null 2>&1") == 0; }

    std::string socket() const { return dir_ + "/native"; }
    std::string server() const { return "unix:" + socket(); }

    /**
     * Starts the daemon and returns once it serves (--daemonize=yes returns after start-up),
     * and points this process's libpulse clients at it. An empty string means success.
     */
    std::string start()
    {
        if (dir_.empty())
            return "mkdtemp failed";
        for (const char* sub : {"/run", "/home"})
            std::filesystem::create_directories(dir_ + sub);
        const std::string log = dir_ + "/daemon.log";
        // A daemon that was killed leaves its socket and pid file behind.
        std::error_code ignored;
        std::filesystem::remove(socket(), ignored);
        std::filesystem::remove(dir_ + "/run/pulse/pid", ignored);
        const pid_t child = fork();
        if (child < 0)
            return "fork failed";
        if (child == 0) {
            setenv("HOME", (dir_ + "/home").c_str(), 1);
            setenv("XDG_RUNTIME_DIR", (dir_ + "/run").c_str(), 1);
            setenv("PULSE_RUNTIME_PATH", (dir_ + "/run/pulse").c_str(), 1);
            unsetenv("PULSE_SERVER");
            const std::string native =
                    "module-native-protocol-unix auth-anonymous=1 socket=" + socket();
            const std::string logTarget = "--log-target=file:" + log;
            // -n: no default.pa, so nothing but what we load (no hardware, no D-Bus modules).
            // --system=no lets it run as root, which the build machines are.
            execlp("pulseaudio", "pulseaudio", "-n", "--daemonize=yes", "--system=no",
                   "--exit-idle-time=-1", "--use-pid-file=yes", "--disallow-exit=no",
                   logTarget.c_str(), ("--load=" + native).c_str(),
                   "--load=module-sine-source rate=48000 frequency=440 source_name=sine",
                   "--load=module-null-sink sink_name=nullsink", static_cast<char*>(nullptr));
            _exit(127);
        }
        int status = 0;
        waitpid(child, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            std::ifstream in(log);
            const std::string text((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
            return "pulseaudio did not start (status " + std::to_string(status) + "): " + text;
        }
        std::ifstream pidFile(dir_ + "/run/pulse/pid");
        pidFile >> pid_;
        if (pid_ <= 0)
            return "no pid file";
        setenv("PULSE_SERVER", server().c_str(), 1);
        return {};
    }

    /** Sends \p signal and waits (poll on a pidfd, no sleeping) until the daemon is gone. */
    void stop(int signal)
    {
        if (pid_ <= 0)
            return;
        const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
        kill(pid_, signal);
        if (pidfd >= 0) {
            pollfd fd{pidfd, POLLIN, 0};
            poll(&fd, 1, 10000); // a hang guard: exit takes milliseconds
            close(pidfd);
        }
        pid_ = 0;
    }

    /** Runs `pactl <args>` against the daemon; its standard output. */
    std::string pactl(const std::string& args) const
    {
        const std::string command = "PULSE_SERVER=" + server() + " pactl " + args + " 2>&1";
        std::string out;
        if (FILE* pipe = popen(command.c_str(), "r")) {
            char buffer[256];
            while (fgets(buffer, sizeof buffer, pipe))
                out += buffer;
            pclose(pipe);
        }
        while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
            out.pop_back();
        return out;
    }

    const std::string& dir() const { return dir_; }

private:
    std::string dir_;
    pid_t pid_ = 0;
};

} // namespace usermedia::testing
