// SPDX-License-Identifier: MIT
#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <vector>

#include <usermedia/clock.h>

namespace usermedia {
namespace {

using std::chrono::nanoseconds;

class SystemSleeper final : public Clock::Sleeper
{
public:
    bool sleepUntil(nanoseconds deadline) override
    {
        const auto until = std::chrono::steady_clock::time_point(
                std::chrono::duration_cast<std::chrono::steady_clock::duration>(deadline));
        std::unique_lock lock(mutex_);
        wake_.wait_until(lock, until, [this] { return interrupted_; });
        return !interrupted_;
    }

    void interrupt() override
    {
        {
            std::lock_guard lock(mutex_);
            interrupted_ = true;
        }
        wake_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable wake_;
    bool interrupted_ = false;
};

class SystemClock final : public Clock
{
public:
    nanoseconds now() const override
    {
        return std::chrono::duration_cast<nanoseconds>(
                std::chrono::steady_clock::now().time_since_epoch());
    }
    std::unique_ptr<Sleeper> createSleeper() override { return std::make_unique<SystemSleeper>(); }
};

} // namespace

std::shared_ptr<Clock> systemClock()
{
    static const auto clock = std::make_shared<SystemClock>();
    return clock;
}

// ManualClock: every sleeper is Busy (running its thread's code), Sleeping (waiting for its
// deadline) or Done (interrupted). advance() only moves time while no sleeper is Busy, and marks
// the sleepers it wakes Busy itself, so there is no moment where a woken thread looks asleep.
class ManualClock::State
{
public:
    enum class SleeperState
    {
        Busy,
        Sleeping,
        Done,
    };
    struct Entry
    {
        SleeperState state = SleeperState::Busy;
        nanoseconds deadline{0};
    };

    explicit State(nanoseconds start) : now_(start) {}

    nanoseconds now() const
    {
        std::lock_guard lock(mutex_);
        return now_;
    }

    Entry* add()
    {
        std::lock_guard lock(mutex_);
        entries_.push_back(std::make_unique<Entry>());
        return entries_.back().get();
    }

    void remove(Entry* entry)
    {
        {
            std::lock_guard lock(mutex_);
            std::erase_if(entries_, [entry](const auto& e) { return e.get() == entry; });
        }
        changed_.notify_all();
    }

    bool sleepUntil(Entry* entry, nanoseconds deadline)
    {
        std::unique_lock lock(mutex_);
        if (entry->state == SleeperState::Done)
            return false;
        if (now_ >= deadline)
            return true; // already due: stays Busy
        entry->state = SleeperState::Sleeping;
        entry->deadline = deadline;
        changed_.notify_all();
        changed_.wait(lock, [entry] { return entry->state != SleeperState::Sleeping; });
        return entry->state != SleeperState::Done;
    }

    void interrupt(Entry* entry)
    {
        {
            std::lock_guard lock(mutex_);
            entry->state = SleeperState::Done;
        }
        changed_.notify_all();
    }

    void settle()
    {
        std::unique_lock lock(mutex_);
        waitWhileBusy(lock);
    }

    void advance(nanoseconds step)
    {
        std::unique_lock lock(mutex_);
        const nanoseconds target = now_ + step;
        for (;;) {
            waitWhileBusy(lock);
            nanoseconds next = target;
            for (const auto& e : entries_) {
                if (e->state == SleeperState::Sleeping)
                    next = std::min(next, e->deadline);
            }
            now_ = std::max(now_, next);
            bool woke = false;
            for (auto& e : entries_) {
                if (e->state == SleeperState::Sleeping && e->deadline <= now_) {
                    e->state = SleeperState::Busy;
                    woke = true;
                }
            }
            if (woke) {
                changed_.notify_all();
                continue;
            }
            if (now_ >= target)
                break;
        }
    }

private:
    void waitWhileBusy(std::unique_lock<std::mutex>& lock)
    {
        changed_.wait(lock, [this] {
            return std::none_of(entries_.begin(), entries_.end(),
                                [](const auto& e) { return e->state == SleeperState::Busy; });
        });
    }

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    nanoseconds now_;
    std::vector<std::unique_ptr<Entry>> entries_;
};

namespace {

class ManualSleeper final : public Clock::Sleeper
{
public:
    explicit ManualSleeper(std::shared_ptr<ManualClock::State> state)
        : state_(std::move(state)),
          entry_(state_->add())
    {}
    ~ManualSleeper() override { state_->remove(entry_); }
    ManualSleeper(const ManualSleeper&) = delete;
    ManualSleeper& operator=(const ManualSleeper&) = delete;

    bool sleepUntil(nanoseconds deadline) override { return state_->sleepUntil(entry_, deadline); }
    void interrupt() override { state_->interrupt(entry_); }

private:
    std::shared_ptr<ManualClock::State> state_;
    ManualClock::State::Entry* entry_;
};

} // namespace

ManualClock::ManualClock(nanoseconds start) : state_(std::make_shared<State>(start))
{}
ManualClock::~ManualClock() = default;

nanoseconds ManualClock::now() const
{
    return state_->now();
}

std::unique_ptr<Clock::Sleeper> ManualClock::createSleeper()
{
    return std::make_unique<ManualSleeper>(state_);
}

void ManualClock::advance(nanoseconds step)
{
    state_->advance(step);
}

void ManualClock::settle()
{
    state_->settle();
}

} // namespace usermedia
