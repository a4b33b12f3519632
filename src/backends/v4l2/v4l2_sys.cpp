// SPDX-License-Identifier: MIT
#include "backends/v4l2/v4l2_sys.h"

#include <climits>
#include <cstdint>
#include <cstdlib>
#include <ctime>

#include <dirent.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

namespace usermedia::v4l2 {
namespace {

class RealSys final : public Sys
{
public:
    int open(const std::string& path, int flags) override
    {
        return retryOnInterrupt([&] { return ::open(path.c_str(), flags | O_CLOEXEC); });
    }
    int close(int fd) override { return ::close(fd); }
    int ioctl(int fd, unsigned long request, void* argument) override
    {
        return retryOnInterrupt([&] { return ::ioctl(fd, request, argument); });
    }
    void* mmap(std::size_t length, int protection, int flags, int fd, off_t offset) override
    {
        return ::mmap(nullptr, length, protection, flags, fd, offset);
    }
    int munmap(void* address, std::size_t length) override { return ::munmap(address, length); }
    int poll(pollfd* fds, nfds_t count, int timeoutMs) override
    {
        return ::poll(fds, count, timeoutMs);
    }
    int eventfd() override { return ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }
    int signal(int eventFd) override
    {
        const std::uint64_t one = 1;
        return ::write(eventFd, &one, sizeof one) == sizeof one ? 0 : -1;
    }
    std::vector<std::string> listDirectory(const std::string& path) override
    {
        std::vector<std::string> names;
        DIR* dir = ::opendir(path.c_str());
        if (dir == nullptr)
            return names;
        while (const dirent* entry = ::readdir(dir)) {
            const std::string name = entry->d_name;
            if (name != "." && name != "..")
                names.push_back(name);
        }
        ::closedir(dir);
        return names;
    }
    std::optional<std::string> realPath(const std::string& path) override
    {
        char* resolved = ::realpath(path.c_str(), nullptr);
        if (resolved == nullptr)
            return std::nullopt;
        std::string result = resolved;
        std::free(resolved); // NOLINT(cppcoreguidelines-no-malloc): realpath's contract
        return result;
    }
    std::chrono::nanoseconds monotonicNow() override
    {
        timespec now{};
        ::clock_gettime(CLOCK_MONOTONIC, &now);
        return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
    }
};

} // namespace

std::shared_ptr<Sys> realSys()
{
    static const std::shared_ptr<Sys> sys = std::make_shared<RealSys>();
    return sys;
}

} // namespace usermedia::v4l2
