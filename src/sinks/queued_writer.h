// SPDX-License-Identifier: MIT
// Puts a slow writer (a file, the network) behind a bounded queue and a worker thread, so that a
// capture thread can hand it frames without ever waiting for the disk.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include <usermedia/audio_buffer.h>
#include <usermedia/result.h>
#include <usermedia/video_frame.h>

namespace usermedia {

/**
 * \brief A bounded queue with one worker thread that hands each item to a writer.
 *
 * The design's rule for sinks: frame callbacks run on the capture thread and must not block, so
 * a writer doing file I/O sits behind this queue. push() never waits for the writer: when the
 * queue is full the item is dropped and counted. Items are held by value; VideoFrame and
 * AudioBuffer copies share their pixels and samples, so that is cheap. The ring of slots is
 * allocated once: steady state does not allocate.
 *
 * The first write error stops the worker: the items still queued are dropped (and counted), later
 * pushes are refused, and close() and lastError() report the error.
 *
 * Thread contract:
 * - push(): any thread, typically the capture thread. It takes a mutex that the worker holds only
 *   to move one item in or out of the ring (never during a write), so it does not wait on I/O.
 * - The write function runs on the worker thread, one item at a time, in push order. It must not
 *   call close() or destroy this object.
 * - close(): any thread but the worker; it blocks until the queue is drained and the worker
 *   joined, then runs the close function on the calling thread. Concurrent calls are serialized.
 * - The destructor calls close(): the worker is always joined, never detached.
 * - lastError(), written(), dropped(), pending(): any thread.
 */
template <typename Item>
class QueuedWriter
{
public:
    using WriteFunction = std::function<Result<void>(const Item&)>;
    using CloseFunction = std::function<Result<void>()>;

    /** About one second of 30 fps video, or 300 ms of 10 ms audio buffers. */
    static constexpr std::size_t kDefaultCapacity = 30;

    /**
     * \brief Starts the worker thread.
     * \param capacity how many items may wait (at least 1).
     * \param write called on the worker for each item.
     * \param close called once by close(), after the last write (e.g. to patch a header).
     */
    QueuedWriter(std::size_t capacity, WriteFunction write, CloseFunction close = {})
        : capacity_(std::max<std::size_t>(capacity, 1)),
          slots_(capacity_),
          write_(std::move(write)),
          close_(std::move(close)),
          worker_([this] { run(); })
    {}

    /** \brief Drains and closes (see close()); the result is then only in lastError(). */
    ~QueuedWriter() { (void)close(); }

    QueuedWriter(const QueuedWriter&) = delete;
    QueuedWriter& operator=(const QueuedWriter&) = delete;

    /**
     * \brief Queues \p item for the worker without waiting for it.
     * \return false, counting the item in dropped(), when the queue is full, the worker stopped
     *         on an error, or close() was called.
     * Thread: any (see the class comment).
     */
    bool push(Item item)
    {
        {
            std::lock_guard lock(mutex_);
            if (closing_ || failure_ || count_ == capacity_) {
                ++dropped_;
                return false; // `item` is released after the lock, in the caller's frame.
            }
            slots_[(head_ + count_) % capacity_] = std::move(item);
            ++count_;
        }
        ready_.notify_one();
        return true;
    }

    /**
     * \brief Waits until every queued item is written (or the worker stopped on an error), joins
     * the worker, then runs the close function. Later calls return the same result.
     * Errors: the first error of a write or of the close function.
     * Thread: any but the worker's; blocks on I/O.
     */
    Result<void> close()
    {
        std::lock_guard closeLock(closeMutex_);
        if (!closed_) {
            {
                std::lock_guard lock(mutex_);
                closing_ = true;
            }
            ready_.notify_all();
            worker_.join();
            // The worker is gone: the writer is ours, and join() ordered its writes before this.
            Result<void> closed = close_ ? close_() : Result<void>{};
            closed_ = true;
            std::lock_guard lock(mutex_);
            if (!closed && !failure_)
                failure_ = closed.error();
        }
        std::lock_guard lock(mutex_);
        if (failure_)
            return *failure_;
        return {};
    }

    /** \brief The error that stopped the worker (or that close() hit), if any. Thread: any. */
    std::optional<Error> lastError() const
    {
        std::lock_guard lock(mutex_);
        return failure_;
    }

    /** \brief Items the writer accepted. Thread: any. */
    std::uint64_t written() const
    {
        std::lock_guard lock(mutex_);
        return written_;
    }

    /** \brief Items that were refused or discarded and never reached the writer. Thread: any. */
    std::uint64_t dropped() const
    {
        std::lock_guard lock(mutex_);
        return dropped_;
    }

    /** \brief Items waiting in the queue (not counting one being written). Thread: any. */
    std::size_t pending() const
    {
        std::lock_guard lock(mutex_);
        return count_;
    }

    /** \brief How many items may wait. Thread: any. */
    std::size_t capacity() const { return capacity_; }

private:
    void run()
    {
        for (;;) {
            std::optional<Item> item;
            {
                std::unique_lock lock(mutex_);
                ready_.wait(lock, [this] { return count_ > 0 || closing_; });
                if (count_ == 0)
                    return; // closing, and everything queued is written
                item = std::move(slots_[head_]);
                slots_[head_].reset();
                head_ = (head_ + 1) % capacity_;
                --count_;
            }
            Result<void> written = write_(*item);
            item.reset(); // give the frame back to its pool before taking the lock again
            if (!written) {
                stop(written.error());
                return;
            }
            std::lock_guard lock(mutex_);
            ++written_;
        }
    }

    /** Records the first error and discards what is queued. Thread: the worker. */
    void stop(const Error& error)
    {
        std::vector<std::optional<Item>> discarded(capacity_);
        {
            std::lock_guard lock(mutex_);
            failure_ = error;
            dropped_ += count_;
            count_ = 0;
            slots_.swap(discarded);
        }
        // `discarded` releases the queued frames here, outside the lock.
    }

    const std::size_t capacity_;
    mutable std::mutex mutex_;
    std::condition_variable ready_;
    // The ring: count_ items starting at head_, capacity_ slots. Guarded by mutex_, as are the
    // fields below up to write_.
    std::vector<std::optional<Item>> slots_;
    std::size_t head_ = 0;
    std::size_t count_ = 0;
    bool closing_ = false;
    std::optional<Error> failure_;
    std::uint64_t written_ = 0;
    std::uint64_t dropped_ = 0;

    const WriteFunction write_;
    const CloseFunction close_;
    std::mutex closeMutex_;
    bool closed_ = false; // guarded by closeMutex_
    // Last: it starts running run() as soon as it is constructed.
    std::thread worker_;
};

using QueuedVideoWriter = QueuedWriter<VideoFrame>;
using QueuedAudioWriter = QueuedWriter<AudioBuffer>;

/**
 * \brief Puts \p writer (a Y4mWriter, a WavWriter, anything with write(const Item&) and close()
 * returning Result<void>) behind a QueuedWriter that owns it.
 * Thread: any; the writer is then used only by the worker and by close().
 */
template <typename Item, typename Writer>
std::unique_ptr<QueuedWriter<Item>>
makeQueuedWriter(std::unique_ptr<Writer> writer,
                 std::size_t capacity = QueuedWriter<Item>::kDefaultCapacity)
{
    std::shared_ptr<Writer> shared = std::move(writer);
    return std::make_unique<QueuedWriter<Item>>(
            capacity, [shared](const Item& item) { return shared->write(item); },
            [shared] { return shared->close(); });
}

} // namespace usermedia
