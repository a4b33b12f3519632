// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace usermedia {

/** SHA-256 (FIPS 180-4) of \p data. Thread: any (pure). */
std::array<std::uint8_t, 32> sha256(std::string_view data);
/** sha256() as 64 lower-case hex digits. */
std::string sha256Hex(std::string_view data);

/**
 * The id an application sees for a backend's raw device or group id: hex SHA-256 of a domain
 * tag, the origin's salt and the raw id (64 hex digits, the shape of Chromium's ids). Empty
 * stays empty (no group).
 *
 * Threat model: an application learns only its own ids. Without the salt (a random 128-bit
 * value kept in the user's 0600 store, per origin) it cannot tell which OS device (e.g.
 * /dev/video0) an id stands for, nor link its ids with another origin's ids for the same
 * device, because each origin has its own salt; SHA-256 is preimage-resistant, so the raw id
 * is not recoverable from the id. Resetting an origin's permissions draws a new salt, so its
 * old ids stop matching (as clearing site data does in a browser). Not a defence against code
 * that can read the user's files: it can read the store and the device nodes anyway.
 * \p kind is "deviceId" or "groupId", so a device and a group with equal raw ids get different
 * ids. Thread: any (pure).
 */
std::string saltedId(std::string_view kind, std::string_view salt, std::string_view rawId);

} // namespace usermedia
