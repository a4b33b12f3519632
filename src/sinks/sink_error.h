// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <utility>

#include <usermedia/error.h>

namespace usermedia {

/** \brief An Error without a constraint name, as every sink error is. Thread: any. */
inline Error sinkError(ErrorName name, std::string message, int osError = 0)
{
    return Error{name, std::move(message), {}, osError};
}

} // namespace usermedia
