// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <memory>

#include <usermedia/export.h>

namespace usermedia {

/**
 * \brief The time source that paces capture and stamps frames; injectable for tests.
 *
 * Times are nanoseconds on a monotonic clock with an arbitrary epoch.
 * Thread: all members are thread-safe.
 */
class UM_EXPORT Clock
{
public:
    /** \brief Lets one thread wait for a point in time; another thread may interrupt it. */
    class Sleeper
    {
    public:
        virtual ~Sleeper() = default;
        /**
         * \brief Blocks until now() >= \p deadline.
         * \return false once interrupt() was called (then at once, every time after).
         * Thread: the one thread that owns this sleeper.
         */
        virtual bool sleepUntil(std::chrono::nanoseconds deadline) = 0;
        /** \brief Wakes sleepUntil() for good. Thread: any. */
        virtual void interrupt() = 0;
    };

    virtual ~Clock() = default;
    virtual std::chrono::nanoseconds now() const = 0;
    /** \brief A sleeper for one thread; destroy it only after that thread is done with it. */
    virtual std::unique_ptr<Sleeper> createSleeper() = 0;
};

/** \brief The process-wide clock over std::chrono::steady_clock. Thread: any. */
UM_EXPORT std::shared_ptr<Clock> systemClock();

/**
 * \brief A clock that moves only when told, for deterministic tests.
 *
 * advance() steps time forward deadline by deadline: at each it wakes the sleepers that are due
 * and waits until each of them sleeps again (or is interrupted or destroyed) before going on. So
 * when advance(1s) returns, a 30 fps source has produced, and delivered to its sinks, exactly the
 * frames due in that second. A sleeper counts as busy from its creation until it first sleeps.
 */
class UM_EXPORT ManualClock final : public Clock
{
public:
    explicit ManualClock(std::chrono::nanoseconds start = std::chrono::seconds(1));
    ~ManualClock() override;
    ManualClock(const ManualClock&) = delete;
    ManualClock& operator=(const ManualClock&) = delete;

    std::chrono::nanoseconds now() const override;
    std::unique_ptr<Sleeper> createSleeper() override;
    /** \brief Moves time forward by \p step; see the class comment. Thread: any but a sleeper's. */
    void advance(std::chrono::nanoseconds step);
    /** \brief Waits until no sleeper is busy, without moving time. */
    void settle();

    class State;

private:
    std::shared_ptr<State> state_;
};

} // namespace usermedia
