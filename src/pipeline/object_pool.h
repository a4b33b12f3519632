// SPDX-License-Identifier: MIT
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace usermedia {

/**
 * Recycles objects of one kind: acquire() hands out an object whose last shared_ptr copy gives
 * it back, so steady-state capture reuses buffers instead of allocating new ones.
 * The pool may die while objects are out; they are then deleted normally.
 * Thread: all members thread-safe.
 */
template <typename T>
class ObjectPool : public std::enable_shared_from_this<ObjectPool<T>>
{
public:
    using Factory = std::function<std::unique_ptr<T>()>;

    static std::shared_ptr<ObjectPool> create(Factory factory)
    {
        return std::shared_ptr<ObjectPool>(new ObjectPool(std::move(factory)));
    }

    std::shared_ptr<T> acquire()
    {
        std::unique_ptr<T> object;
        {
            std::lock_guard lock(mutex_);
            if (!free_.empty()) {
                object = std::move(free_.back());
                free_.pop_back();
            }
        }
        if (!object)
            object = factory_();
        std::weak_ptr<ObjectPool> weakPool = this->weak_from_this();
        return {object.release(), [weakPool](T* released) {
                    if (auto pool = weakPool.lock())
                        pool->giveBack(released);
                    else
                        delete released;
                }};
    }

private:
    explicit ObjectPool(Factory factory) : factory_(std::move(factory)) {}

    void giveBack(T* object)
    {
        std::lock_guard lock(mutex_);
        free_.emplace_back(object);
    }

    Factory factory_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<T>> free_;
};

} // namespace usermedia
