// SPDX-License-Identifier: MIT
// inotify on one directory, for entries of interest appearing, vanishing or changing: device
// nodes for the backends' hotplug (/dev for V4L2's video*, /dev/snd for ALSA's pcmC*D*c; nodes
// come and go as drivers bind and unbind, on a udev system and on a bare devtmpfs alike) and the
// permission store's file (decisions made by another process).
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include <usermedia/result.h>

namespace usermedia {

/**
 * Watches one directory for entries that \p filter accepts being created, removed, renamed or
 * changing attributes (udev creates a node, then sets its group and mode: only then can it be
 * opened), and calls \p onChange once per batch of such events. A directory that does not exist
 * yet, or is removed (devtmpfs drops /dev/snd with the last sound card), is waited for in its
 * parent; its creation counts as a change.
 *
 * Thread: start() and stop() from any thread (not from \p onChange); \p onChange runs on the
 * watcher's own thread.
 */
class DirectoryWatcher
{
public:
    using Filter = std::function<bool(std::string_view name)>;
    /** What counts as a change of an entry besides its appearing and vanishing. */
    enum class Watch
    {
        Attributes, ///< its mode or owner (device nodes: udev sets them after creating one)
        Contents,   ///< also a write to it being closed (a file rewritten in place)
    };

    DirectoryWatcher(std::string directory, Filter filter, std::function<void()> onChange,
                     Watch watch = Watch::Attributes);
    ~DirectoryWatcher();
    DirectoryWatcher(const DirectoryWatcher&) = delete;
    DirectoryWatcher& operator=(const DirectoryWatcher&) = delete;

    /** Starts the thread (once; again after stop()). Errors: NotReadableError (inotify). */
    Result<void> start();
    /** Stops and joins the thread; no \p onChange runs after it returns. */
    void stop();
    /** Whether the thread runs. */
    bool running();

private:
    void loop(int inotify, int stop, int parentWatch, int directoryWatch);

    const std::string directory_;
    const Filter filter_;
    const std::function<void()> onChange_;
    const std::uint32_t events_; // inotify mask for the directory's entries
    std::mutex mutex_;
    std::thread thread_; // guarded by mutex_
    int stop_ = -1;      // eventfd; guarded by mutex_
};

} // namespace usermedia
