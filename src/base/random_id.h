// SPDX-License-Identifier: MIT
#pragma once

#include <string>

namespace usermedia {

/** A random UUID (version 4) in the usual 8-4-4-4-12 form, for track and stream ids. Thread: any.
 */
std::string randomUuid();

} // namespace usermedia
