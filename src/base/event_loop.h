// SPDX-License-Identifier: MIT
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace usermedia {

/**
 * A thread that runs posted tasks one at a time, in order: the control thread of a
 * MediaDevices context.
 *
 * Stopping runs the tasks already queued, then ends the thread; tasks posted after that are
 * dropped. The loop may be destroyed by one of its own tasks (when that task drops the last
 * reference to the loop's owner): the thread then finishes that task and exits by itself,
 * touching only state it shares with nothing else.
 * Thread: post() and isCurrent() from any thread.
 */
class EventLoop
{
public:
    EventLoop();
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    /**
     * Queues \p task, taking it over; once the loop is stopping returns false and leaves
     * \p task untouched, so the caller can run or drop it where it chooses. (Taking it over only
     * on success matters when the task owns the loop's owner: no copy is left behind.)
     */
    bool post(std::function<void()>&& task);
    /** True on the loop's own thread. */
    bool isCurrent() const;
    /** Runs the tasks already queued, then joins the thread (unless called on it). Idempotent. */
    void stop();

private:
    struct Queue
    {
        std::mutex mutex;
        std::condition_variable wake;
        std::deque<std::function<void()>> tasks;
        bool stopping = false;
    };

    static void run(const std::shared_ptr<Queue>& queue);

    std::shared_ptr<Queue> queue_;
    std::thread thread_;
};

} // namespace usermedia
