// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include <usermedia/result.h>

namespace usermedia {

/**
 * \brief The outcome of an asynchronous call, like a JavaScript Promise: wait for it, or attach
 * continuations with then().
 *
 * Copies share one state. The first settle() wins; later ones are ignored.
 * Thread: all members are thread-safe. A continuation attached before settlement runs on the
 * thread that settles (for MediaDevices, its control thread); one attached after runs at once on
 * the attaching thread. Continuations run without any lock held.
 */
template <typename T>
class Promise
{
public:
    using Continuation = std::function<void(const Result<T>&)>;

    Promise() : state_(std::make_shared<State>()) {}

    /** \brief A promise that is already settled. */
    static Promise settled(Result<T> result)
    {
        Promise promise;
        promise.settle(std::move(result));
        return promise;
    }

    /** \brief Settles the promise and runs the continuations; false if it was settled already. */
    bool settle(Result<T> result) const
    {
        std::vector<Continuation> continuations;
        {
            std::lock_guard lock(state_->mutex);
            if (state_->result)
                return false;
            state_->result.emplace(std::move(result));
            continuations.swap(state_->continuations);
        }
        state_->settledCondition.notify_all();
        for (auto& continuation : continuations)
            continuation(*state_->result);
        return true;
    }

    /** \brief Runs \p continuation with the result once there is one. */
    void then(Continuation continuation) const
    {
        {
            std::lock_guard lock(state_->mutex);
            if (!state_->result) {
                state_->continuations.push_back(std::move(continuation));
                return;
            }
        }
        continuation(*state_->result);
    }

    bool isSettled() const
    {
        std::lock_guard lock(state_->mutex);
        return state_->result.has_value();
    }

    /** \brief Blocks until settled; returns (a copy of) the result. Not on the control thread. */
    Result<T> wait() const
    {
        std::unique_lock lock(state_->mutex);
        state_->settledCondition.wait(lock, [this] { return state_->result.has_value(); });
        return *state_->result;
    }

    /** \brief Like wait(), but gives up after \p timeout and returns nothing. */
    template <typename Rep, typename Period>
    std::optional<Result<T>> waitFor(std::chrono::duration<Rep, Period> timeout) const
    {
        std::unique_lock lock(state_->mutex);
        if (!state_->settledCondition.wait_for(lock, timeout,
                                               [this] { return state_->result.has_value(); }))
            return std::nullopt;
        return *state_->result;
    }

private:
    struct State
    {
        std::mutex mutex;
        std::condition_variable settledCondition;
        std::optional<Result<T>> result;
        std::vector<Continuation> continuations;
    };

    std::shared_ptr<State> state_;
};

} // namespace usermedia
