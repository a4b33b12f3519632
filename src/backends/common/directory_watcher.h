// SPDX-License-Identifier: MIT
// Hotplug from device nodes: inotify on a /dev directory (/dev for V4L2's video*, /dev/snd for
// ALSA's pcmC*D*c), shared by the backends. Nodes appear and vanish as drivers bind and unbind
// (USB plug, module load), on a udev system and on a bare devtmpfs alike.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include <usermedia/result.h>

namespace usermedia::backends {

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

    DirectoryWatcher(std::string directory, Filter filter, std::function<void()> onChange);
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
    std::mutex mutex_;
    std::thread thread_; // guarded by mutex_
    int stop_ = -1;      // eventfd; guarded by mutex_
};

} // namespace usermedia::backends
