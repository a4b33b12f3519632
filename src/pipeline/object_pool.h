// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <new>
#include <vector>

namespace usermedia {

/**
 * Recycles objects of one kind: acquire() hands out an object whose last shared_ptr copy gives
 * it back, so steady-state capture reuses buffers instead of allocating new ones.
 *
 * No heap allocation in steady state: a std::shared_ptr with a custom deleter needs a control
 * block, and that block comes from the pool's own free list (through the allocator argument of
 * the shared_ptr constructor), so once the pool has made as many blocks and objects as are ever
 * out at once, acquire() and the last release only move pointers between free lists under a
 * mutex. The mutex also orders a consumer's last reads before the next writer's (the deleter
 * runs after shared_ptr's acq_rel release and locks it; acquire() locks it too).
 *
 * The pool may die while objects are out: its shared state lives on until the last one is back,
 * then frees everything.
 * Thread: all members thread-safe.
 */
template <typename T>
class ObjectPool
{
    // Free lists shared by the pool handle and by every object out (through its deleter and its
    // control block's allocator).
    struct State
    {
        // Control blocks of shared_ptr<T> with our deleter and allocator are about 48 bytes in
        // libstdc++ and libc++; bigger requests (another library) fall back to operator new.
        static constexpr std::size_t kBlockSize = 128;
        union Block {
            Block* next;
            alignas(std::max_align_t) unsigned char bytes[kBlockSize];
        };

        std::mutex mutex;
        std::vector<std::unique_ptr<T>> freeObjects; // guarded by mutex
        Block* freeBlocks = nullptr;                 // guarded by mutex
        std::size_t made = 0;                        // guarded by mutex

        ~State()
        {
            while (freeBlocks != nullptr) {
                Block* next = freeBlocks->next;
                delete freeBlocks;
                freeBlocks = next;
            }
        }
    };

    struct Deleter
    {
        std::shared_ptr<State> state;
        void operator()(T* object) const
        {
            std::lock_guard lock(state->mutex);
            // Cannot allocate: acquire() reserved room for every object ever made.
            state->freeObjects.emplace_back(object);
        }
    };

    template <typename U>
    struct BlockAllocator
    {
        using value_type = U;
        std::shared_ptr<State> state;

        explicit BlockAllocator(std::shared_ptr<State> s) : state(std::move(s)) {}
        template <typename V>
        BlockAllocator(const BlockAllocator<V>& other) // NOLINT(google-explicit-constructor)
            : state(other.state)
        {}

        U* allocate(std::size_t n)
        {
            if (n * sizeof(U) > State::kBlockSize || alignof(U) > alignof(std::max_align_t))
                return static_cast<U*>(::operator new(n * sizeof(U)));
            typename State::Block* block = nullptr;
            {
                std::lock_guard lock(state->mutex);
                if (state->freeBlocks != nullptr) {
                    block = state->freeBlocks;
                    state->freeBlocks = block->next;
                }
            }
            if (block == nullptr)
                block = new typename State::Block;
            return reinterpret_cast<U*>(block);
        }

        void deallocate(U* pointer, std::size_t n)
        {
            if (n * sizeof(U) > State::kBlockSize || alignof(U) > alignof(std::max_align_t)) {
                ::operator delete(pointer);
                return;
            }
            auto* block = reinterpret_cast<typename State::Block*>(pointer);
            std::lock_guard lock(state->mutex);
            block->next = state->freeBlocks;
            state->freeBlocks = block;
        }

        template <typename V>
        bool operator==(const BlockAllocator<V>& other) const
        {
            return state == other.state;
        }
    };

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
            std::lock_guard lock(state_->mutex);
            if (!state_->freeObjects.empty()) {
                object = std::move(state_->freeObjects.back());
                state_->freeObjects.pop_back();
            } else {
                // Room for every object made, so that giving one back never allocates.
                ++state_->made;
                state_->freeObjects.reserve(state_->made);
            }
        }
        if (!object)
            object = factory_();
        return {object.release(), Deleter{state_}, BlockAllocator<T>(state_)};
    }

    /** How many objects the pool has made so far (a steady state stops growing it). */
    std::size_t made() const
    {
        std::lock_guard lock(state_->mutex);
        return state_->made;
    }

private:
    explicit ObjectPool(Factory factory)
        : factory_(std::move(factory)),
          state_(std::make_shared<State>())
    {}

    Factory factory_;
    std::shared_ptr<State> state_;
};

} // namespace usermedia
