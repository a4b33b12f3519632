// SPDX-License-Identifier: MIT
// The seam between the V4L2 backend and the operating system: every system call the backend
// makes goes through Sys, so unit tests can substitute a fake kernel (tests/unit/v4l2) and drive
// the rare paths (busy devices, error-flagged buffers, a device that vanishes mid-stream).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <poll.h>
#include <sys/types.h>

namespace usermedia::v4l2 {

/**
 * The calls the backend makes. They follow the C functions they are named after: on failure
 * they return -1 (MAP_FAILED for mmap) and set errno. Thread: all members are thread-safe.
 */
class Sys
{
public:
    virtual ~Sys() = default;
    virtual int open(const std::string& path, int flags) = 0;
    virtual int close(int fd) = 0;
    virtual int ioctl(int fd, unsigned long request, void* argument) = 0;
    virtual void* mmap(std::size_t length, int protection, int flags, int fd, off_t offset) = 0;
    virtual int munmap(void* address, std::size_t length) = 0;
    virtual int poll(pollfd* fds, nfds_t count, int timeoutMs) = 0;
    /** A non-blocking, close-on-exec eventfd (the capture thread's stop signal). */
    virtual int eventfd() = 0;
    /** Adds 1 to an eventfd, waking its pollers. */
    virtual int signal(int eventFd) = 0;
    /** The entry names of a directory (without "." and ".."); empty when it cannot be read. */
    virtual std::vector<std::string> listDirectory(const std::string& path) = 0;
    /** The canonical path (symbolic links resolved), or nothing when it does not exist. */
    virtual std::optional<std::string> realPath(const std::string& path) = 0;
    /** CLOCK_MONOTONIC, the clock of V4L2 buffer timestamps. */
    virtual std::chrono::nanoseconds monotonicNow() = 0;
};

/** The real system calls. Thread: any. */
std::shared_ptr<Sys> realSys();

/** Retries \p call while it fails with EINTR. */
template <typename Call>
int retryOnInterrupt(Call&& call)
{
    int result = 0;
    do {
        result = call();
    } while (result < 0 && errno == EINTR);
    return result;
}

} // namespace usermedia::v4l2
