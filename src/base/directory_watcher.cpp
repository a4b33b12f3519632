// SPDX-License-Identifier: MIT
#include "base/directory_watcher.h"

#include <cerrno>
#include <cstdint>
#include <cstring>

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

namespace usermedia {
namespace {

constexpr std::uint32_t kNodeEvents = IN_CREATE | IN_DELETE | IN_ATTRIB | IN_MOVED_TO |
                                      IN_MOVED_FROM | IN_DELETE_SELF | IN_MOVE_SELF;
constexpr std::uint32_t kParentEvents = IN_CREATE | IN_MOVED_TO;

std::string parentOf(const std::string& path)
{
    const auto slash = path.rfind('/');
    if (slash == std::string::npos)
        return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

std::string baseName(const std::string& path)
{
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace

DirectoryWatcher::DirectoryWatcher(std::string directory, Filter filter,
                                   std::function<void()> onChange, Watch watch)
    : directory_(std::move(directory)),
      filter_(std::move(filter)),
      onChange_(std::move(onChange)),
      events_(watch == Watch::Contents ? kNodeEvents | IN_CLOSE_WRITE : kNodeEvents)
{}

DirectoryWatcher::~DirectoryWatcher()
{
    stop();
}

Result<void> DirectoryWatcher::start()
{
    std::lock_guard lock(mutex_);
    if (thread_.joinable())
        return {};
    const int inotify = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (inotify < 0) {
        const int error = errno;
        return Error{ErrorName::NotReadableError, std::string("inotify: ") + std::strerror(error),
                     "", error};
    }
    // Watched here, not on the thread: a node created as soon as start() returns is seen. The
    // parent too, always, first: the directory may appear (again) later, and no gap is left in
    // which it could be created unseen.
    const int parentWatch =
            ::inotify_add_watch(inotify, parentOf(directory_).c_str(), kParentEvents);
    const int directoryWatch = ::inotify_add_watch(inotify, directory_.c_str(), events_);
    if (parentWatch < 0 && directoryWatch < 0) {
        const int error = errno;
        ::close(inotify);
        return Error{ErrorName::NotReadableError,
                     "inotify on " + directory_ + ": " + std::strerror(error), "", error};
    }
    stop_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (stop_ < 0) {
        const int error = errno;
        ::close(inotify);
        return Error{ErrorName::NotReadableError, std::string("eventfd: ") + std::strerror(error),
                     "", error};
    }
    thread_ = std::thread([this, inotify, stop = stop_, parentWatch, directoryWatch] {
        loop(inotify, stop, parentWatch, directoryWatch);
    });
    return {};
}

void DirectoryWatcher::stop()
{
    std::lock_guard lock(mutex_);
    if (!thread_.joinable())
        return;
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(stop_, &one, sizeof one);
    thread_.join();
    ::close(stop_);
    stop_ = -1;
}

bool DirectoryWatcher::running()
{
    std::lock_guard lock(mutex_);
    return thread_.joinable();
}

// Thread: the watcher.
void DirectoryWatcher::loop(int inotify, int stop, int parentWatch, int directoryWatch)
{
    const std::string name = baseName(directory_);
    alignas(inotify_event) char events[4096];
    for (;;) {
        pollfd fds[2] = {{inotify, POLLIN, 0}, {stop, POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (fds[1].revents != 0)
            break;
        bool changed = false;
        bool rewatch = false;
        ssize_t length = 0;
        while ((length = ::read(inotify, events, sizeof events)) > 0) {
            for (ssize_t offset = 0; offset < length;) {
                const auto* event = reinterpret_cast<const inotify_event*>(events + offset);
                offset += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
                if ((event->mask & IN_Q_OVERFLOW) != 0) {
                    changed = true; // events were lost: anything may have changed
                } else if (event->wd == directoryWatch) {
                    const bool gone =
                            (event->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) != 0;
                    rewatch = rewatch || gone;
                    changed = changed || (!gone && event->len > 0 && filter_(event->name));
                } else if (event->wd == parentWatch && event->len > 0 && name == event->name) {
                    rewatch = true; // (re)created: watch it; its nodes may be there already
                    changed = true;
                }
            }
        }
        if (rewatch) {
            directoryWatch = ::inotify_add_watch(inotify, directory_.c_str(), events_);
            changed = true;
        }
        if (changed)
            onChange_();
    }
    ::close(inotify);
}

} // namespace usermedia
