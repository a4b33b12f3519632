// SPDX-License-Identifier: MIT
#include "base/event_loop.h"

namespace usermedia {

EventLoop::EventLoop() : queue_(std::make_shared<Queue>())
{
    thread_ = std::thread([queue = queue_] { run(queue); });
}

EventLoop::~EventLoop()
{
    stop();
    // Destroyed by one of its own tasks: the thread cannot join itself. It owns a reference to
    // the queue and exits once the current task returns, so letting it finish alone is safe.
    if (thread_.joinable())
        thread_.detach();
}

bool EventLoop::post(std::function<void()>&& task)
{
    {
        std::lock_guard lock(queue_->mutex);
        if (queue_->stopping)
            return false;
        queue_->tasks.push_back(std::move(task));
    }
    queue_->wake.notify_one();
    return true;
}

bool EventLoop::isCurrent() const
{
    return std::this_thread::get_id() == thread_.get_id();
}

void EventLoop::stop()
{
    {
        std::lock_guard lock(queue_->mutex);
        queue_->stopping = true;
    }
    queue_->wake.notify_one();
    if (thread_.joinable() && !isCurrent())
        thread_.join();
}

void EventLoop::run(const std::shared_ptr<Queue>& queue)
{
    for (;;) {
        std::function<void()> task;
        {
            std::unique_lock lock(queue->mutex);
            queue->wake.wait(lock, [&] { return queue->stopping || !queue->tasks.empty(); });
            if (queue->tasks.empty())
                return; // stopping, and everything queued has run
            task = std::move(queue->tasks.front());
            queue->tasks.pop_front();
        }
        task();
    }
}

} // namespace usermedia
