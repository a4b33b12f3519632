// SPDX-License-Identifier: MIT
// Error descriptions for test messages.
#pragma once

#include <string>

#include <usermedia/error.h>

namespace usermedia::testing {

inline std::string errorName(ErrorName name)
{
    return std::string(toString(name));
}

inline std::string describe(const Error& error)
{
    return errorName(error.name) + "(" + error.constraint + "): " + error.message;
}

} // namespace usermedia::testing
