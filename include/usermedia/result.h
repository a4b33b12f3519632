// SPDX-License-Identifier: MIT
#pragma once

#include <cstdlib>
#include <utility>
#include <variant>

#include <usermedia/error.h>

namespace usermedia {

/**
 * \brief Either a value or an Error; library code returns these instead of throwing.
 *
 * Uses std::expected's names. value() on an error (or error() on a value) is a programming
 * error and aborts.
 */
template <typename T>
class [[nodiscard]] Result
{
public:
    Result(T value)
        : state_(std::in_place_index<0>, std::move(value)) {} // NOLINT(google-explicit-constructor)
    Result(Error error)
        : state_(std::in_place_index<1>, std::move(error)) {} // NOLINT(google-explicit-constructor)

    bool has_value() const { return state_.index() == 0; } // NOLINT(readability-identifier-naming)
    explicit operator bool() const { return has_value(); }

    T& value() &
    {
        check(true);
        return std::get<0>(state_);
    }
    const T& value() const&
    {
        check(true);
        return std::get<0>(state_);
    }
    T&& value() &&
    {
        check(true);
        return std::get<0>(std::move(state_));
    }
    const Error& error() const
    {
        check(false);
        return std::get<1>(state_);
    }

    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

private:
    void check(bool wantValue) const
    {
        if (has_value() != wantValue)
            std::abort();
    }

    std::variant<T, Error> state_;
};

/** \brief Result of an operation that returns nothing but may fail. */
template <>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error)
        : error_(std::move(error)),
          failed_(true) {} // NOLINT(google-explicit-constructor)

    bool has_value() const { return !failed_; } // NOLINT(readability-identifier-naming)
    explicit operator bool() const { return !failed_; }
    void value() const
    {
        if (failed_)
            std::abort();
    }
    const Error& error() const
    {
        if (!failed_)
            std::abort();
        return error_;
    }

private:
    Error error_;
    bool failed_ = false;
};

} // namespace usermedia
