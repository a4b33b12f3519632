// SPDX-License-Identifier: MIT
// Error names for test messages. The constraints tests link only the constraints module, so
// they do not use the core's toString(ErrorName).
#pragma once

#include <string>

#include <usermedia/error.h>

namespace usermedia::testing {

inline std::string errorName(ErrorName name)
{
    switch (name) {
    case ErrorName::NotAllowedError:
        return "NotAllowedError";
    case ErrorName::NotFoundError:
        return "NotFoundError";
    case ErrorName::NotReadableError:
        return "NotReadableError";
    case ErrorName::OverconstrainedError:
        return "OverconstrainedError";
    case ErrorName::AbortError:
        return "AbortError";
    case ErrorName::InvalidStateError:
        return "InvalidStateError";
    case ErrorName::NotSupportedError:
        return "NotSupportedError";
    case ErrorName::SecurityError:
        return "SecurityError";
    case ErrorName::TypeError:
        return "TypeError";
    }
    return "UnknownError";
}

inline std::string describe(const Error& error)
{
    return errorName(error.name) + "(" + error.constraint + "): " + error.message;
}

} // namespace usermedia::testing
